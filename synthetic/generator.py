"""Synthetic KP data for benchmarks and demos: realistic in shape, never mistaken for the record.

Every row made here is recognisable: slugs start with ``synthetic-``, and the models with a
``notes`` field say "synthetic" there. Participant codes come from ranges no real code uses:
governments take ISO 3166-1's user-assigned QMA–QZZ (never given to a country), regional
organisations ``QRO01``…, observers ``QOB01``….

At scale 1 the generator makes about 200 participants, 60 issues, 150 meetings over 25 years,
100 sources and exactly 100,000 positions. Participants, issues, meetings and sources grow
sub-linearly with the scale; positions grow linearly (100,000 × scale). Positions are made lazily
and inserted in batches, so memory stays flat whatever the scale.
"""

import datetime
import itertools
import math
import random
from bisect import bisect
from dataclasses import dataclass

from django.db import reset_queries
from django.db.models import Max

from meetings.dates import DatePrecision
from meetings.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ParticipantKind,
    Person,
    Source,
    SourceKind,
)
from positions.models import AgendaItem, Attribution, Evidence, Issue, Position, Proposal, Stage

from .rows import NOTE, SLUG_PREFIX, synthetic_q
from .vocabulary import (
    BLOCK_FACTOR,
    BLOCKER,
    CITY_FORMS,
    COUNTRY_ENDINGS,
    COUNTRY_FORMS,
    FILLERS,
    FIRST_NAMES,
    HEADLINES,
    MEMBER,
    OBSERVER,
    OBSERVER_FORMS,
    OBSERVER_ROLES,
    OPENINGS_REPORTED,
    OPENINGS_STATED,
    OUTCOME_NOTES,
    OUTCOME_WEIGHTS,
    OUTLETS,
    POSITION_NOTES,
    QUOTE_SENTENCE_WEIGHTS,
    QUOTE_SENTENCES,
    REGIONAL_FORMS,
    ROLES,
    SOURCE_SENTENCES,
    STANCE_WEIGHTS,
    STANCES,
    SYLLABLES,
    TOPIC_QUALIFIERS,
    TOPICS,
)

BATCH_SIZE = 5_000
DEFAULT_SEED = 2003
FIRST_YEAR = 2000
YEARS = 25
POSITIONS_AT_SCALE_1 = 100_000


def _scaled(base, scale, exponent, low, high):
    return max(low, min(high, round(base * scale**exponent)))


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind a scale asks for."""

    participants: int
    issues: int
    meetings: int
    sources: int
    people: int
    positions: int

    @classmethod
    def for_scale(cls, scale):
        if not scale > 0:
            raise ValueError("The scale must be a positive number.")
        participants = _scaled(200, scale, 0.25, 20, 400)
        return cls(
            participants=participants,
            issues=_scaled(60, scale, 0.2, 10, 150),
            meetings=_scaled(150, scale, 0.25, 30, 300),
            sources=_scaled(100, scale, 0.5, 10, 2_000),
            people=round(participants * 1.5),
            positions=max(1, round(POSITIONS_AT_SCALE_1 * scale)),
        )


def ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def lower_first(text):
    return text[:1].lower() + text[1:]


def weighted_sample(rng, items, weights, k):
    """k distinct items, each drawn with probability proportional to its weight (Efraimidis–Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


def largest_remainder(total, weights):
    """Split an integer total in proportion to weights, summing exactly to the total."""
    weight_sum = sum(weights)
    raw = [total * w / weight_sum for w in weights]
    shares = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


# --- The generator --------------------------------------------------------------------------------


@dataclass
class ItemPlan:
    agenda_item_id: int
    meeting_id: int
    proposal_id: int
    issue_index: int
    contentious: bool
    outcome: str
    sources: list
    weight: float
    count: int = 0


class SyntheticDataset:
    """Makes the synthetic rows in dependency order; call :meth:`create` inside a transaction."""

    def __init__(self, plan, seed=DEFAULT_SEED, batch_size=BATCH_SIZE):
        self.plan = plan
        self.rng = random.Random(seed)
        self.batch_size = batch_size

    def create(self, progress=None):
        """Insert everything; progress(done, total) is called after each batch of positions."""
        self.create_participants()
        self.create_people()
        self.create_issues()
        self.create_sources()
        self.create_meetings()
        self.create_agenda_items()
        self.create_positions(progress)

    # Names

    def place_name(self, taken):
        rng = self.rng
        while True:
            core = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 2, 3]))) + rng.choice(COUNTRY_ENDINGS)
            core = core.capitalize()
            if len(core) >= 4 and core not in taken:
                taken.add(core)
                return core

    def unique_name(self, form, taken_cores, taken_names):
        while True:
            name = form.format(self.place_name(taken_cores))
            if name not in taken_names:
                taken_names.add(name)
                return name

    # Participants

    def create_participants(self):
        rng, n = self.rng, self.plan.participants
        n_observers = max(2, round(n * 0.10))
        n_regional = max(1, round(n * 0.03))
        n_governments = n - n_observers - n_regional
        taken_codes = set(Participant.objects.values_list("code", flat=True))
        taken_names = set(Participant.objects.values_list("name", flat=True))
        gov_codes = [f"Q{a}{b}" for a in "MNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
        gov_codes = [code for code in gov_codes if code not in taken_codes]
        if n_governments > len(gov_codes):
            raise ValueError(f"Only {len(gov_codes)} synthetic government codes are free; {n_governments} needed.")
        rng.shuffle(gov_codes)
        cores = set()
        forms, form_weights = zip(*COUNTRY_FORMS, strict=True)
        rows = []  # (code, name, kind, has_veto)
        for code in sorted(gov_codes[:n_governments]):
            form = rng.choices(forms, weights=form_weights)[0]
            rows.append((code, self.unique_name(form, cores, taken_names), ParticipantKind.GOVERNMENT, True))
        for i in range(1, n_regional + 1):
            name = self.unique_name(rng.choice(REGIONAL_FORMS), cores, taken_names)
            rows.append((f"QRO{i:02d}", name, ParticipantKind.REGIONAL_ORGANISATION, True))
        observer_kinds = [ParticipantKind.CIVIL_SOCIETY_OBSERVER] * 6 + [ParticipantKind.INDUSTRY_OBSERVER] * 3
        observer_kinds.append(ParticipantKind.OTHER)
        for i in range(1, n_observers + 1):
            kind = observer_kinds[(i - 1) % len(observer_kinds)]
            name = self.unique_name(rng.choice(OBSERVER_FORMS[kind]), cores, taken_names)
            rows.append((f"QOB{i:02d}", name, kind, False))
        Participant.objects.bulk_create(
            (
                Participant(
                    code=code,
                    name=name,
                    kind=kind,
                    has_veto=has_veto,
                    slug=f"{SLUG_PREFIX}{code.lower()}",
                    description=f"A synthetic {kind.label} for benchmarks and demonstrations.",
                    notes=NOTE,
                )
                for code, name, kind, has_veto in rows
            ),
            batch_size=self.batch_size,
        )
        ids = dict(Participant.objects.filter(synthetic_q()).values_list("code", "id"))
        self.participant_ids = [ids[code] for code, *_ in rows]
        self.participant_names = [name for _, name, *_ in rows]
        self.participant_codes = [code for code, *_ in rows]
        self.government_indexes = list(range(n_governments))
        self.veto_indexes = list(range(n_governments + n_regional))
        self.capitals = [self.city_name() for _ in range(n_governments)]

        # How often each participant speaks: a few talk a lot, most rarely (Zipf-like).
        activity = [1.0 / (rank + 4) ** 0.9 for rank in range(n)]
        rng.shuffle(activity)
        # A few veto holders block, and they are among the talkative ones.
        n_blockers = max(2, round(len(self.veto_indexes) * 0.04))
        self.blockers = set(rng.sample(self.veto_indexes, n_blockers))
        top = max(activity)
        for i in self.blockers:
            activity[i] = max(activity[i], top * rng.uniform(0.5, 1.0))
        self.participant_class = [
            BLOCKER if i in self.blockers else MEMBER if i < len(self.veto_indexes) else OBSERVER for i in range(n)
        ]
        self.activity_cw = list(itertools.accumulate(activity))
        # Observers report on others far more than governments do.
        reporting = [1.0 if cls != OBSERVER else 6.0 for cls in self.participant_class]
        self.reporter_cw = list(itertools.accumulate(reporting))

    def city_name(self):
        return self.rng.choice(CITY_FORMS).format(self.place_name(set()))

    # People

    def create_people(self):
        rng, n = self.rng, self.plan.participants
        affiliations = list(range(n))  # everyone has at least one person
        affiliations += rng.choices(range(n), cum_weights=self.activity_cw, k=max(0, self.plan.people - n))
        self.people_of = [[] for _ in range(n)]
        people = []
        for number, p in enumerate(affiliations, start=1):
            surname = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 3]))).capitalize()
            roles = OBSERVER_ROLES if self.participant_class[p] == OBSERVER else ROLES
            slug = f"{SLUG_PREFIX}person-{number:05d}"
            people.append(
                Person(
                    name=f"{rng.choice(FIRST_NAMES)} {surname}",
                    slug=slug,
                    role=rng.choice(roles),
                    affiliation_id=self.participant_ids[p],
                )
            )
            self.people_of[p].append(slug)
        Person.objects.bulk_create(people, batch_size=self.batch_size)
        ids = dict(Person.objects.filter(synthetic_q()).values_list("slug", "id"))
        self.people_of = [[ids[slug] for slug in slugs] for slugs in self.people_of]

    # Issues

    def create_issues(self):
        rng, n = self.rng, self.plan.issues
        taken = {title.lower() for title in Issue.objects.values_list("title", flat=True)}
        base = TOPICS[:]
        rng.shuffle(base)
        qualified = [f"{topic} ({qualifier})" for topic in TOPICS for qualifier in TOPIC_QUALIFIERS]
        rng.shuffle(qualified)
        titles = [title for title in base + qualified if title.lower() not in taken][:n]
        if len(titles) < n:
            raise ValueError(f"Only {len(titles)} synthetic issue titles are free; {n} needed.")
        Issue.objects.bulk_create(
            Issue(
                title=title,
                slug=f"{SLUG_PREFIX}issue-{number:03d}",
                description=f"Synthetic issue for benchmarks: {lower_first(title)}.",
            )
            for number, title in enumerate(titles, start=1)
        )
        ids = dict(Issue.objects.filter(synthetic_q()).values_list("slug", "id"))
        self.issue_ids = [ids[f"{SLUG_PREFIX}issue-{number:03d}"] for number in range(1, n + 1)]
        self.issue_phrases = [lower_first(title) for title in titles]
        self.contentious = set(rng.sample(range(n), max(2, round(n * 0.12))))
        salience = [1.0 / (rank + 3) ** 0.7 for rank in range(n)]
        rng.shuffle(salience)
        self.issue_weights = [w * (2.0 if i in self.contentious else 1.0) for i, w in enumerate(salience)]

    # Sources

    def create_sources(self):
        rng, n = self.rng, self.plan.sources
        kinds = [SourceKind.NEWS, SourceKind.COMMUNIQUE, SourceKind.STATEMENT, SourceKind.OTHER]
        kind_weights = [50, 20, 25, 5]
        self.source_years = []
        self.source_paragraphs = []
        sources = []
        for number in range(1, n + 1):
            year = FIRST_YEAR + (number - 1) * YEARS // n
            kind = rng.choices(kinds, weights=kind_weights)[0]
            issue = self.issue_phrases[rng.randrange(len(self.issue_phrases))]
            participant = self.participant_names[rng.randrange(len(self.participant_names))]
            if kind == SourceKind.NEWS:
                publisher = rng.choice(OUTLETS)
                title = rng.choice(HEADLINES).format(issue=issue, participant=participant)
            elif kind == SourceKind.COMMUNIQUE:
                publisher, title = "Kimberley Process", f"Final communiqué, {year}"
            elif kind == SourceKind.STATEMENT:
                publisher, title = participant, f"Statement by {participant} on {issue}"
            else:
                publisher, title = "Kimberley Process", f"Background note: {issue}"
            published, precision = self.source_date(year)
            paragraphs = [
                " ".join(
                    rng.choice(SOURCE_SENTENCES).format(
                        issue=self.issue_phrases[rng.randrange(len(self.issue_phrases))],
                        participant=self.participant_names[rng.randrange(len(self.participant_names))],
                    )
                    for _ in range(rng.randint(3, 7))
                )
                for _ in range(rng.choices([1, 2, 3, 4, 5], weights=[30, 25, 20, 15, 10])[0])
            ]
            sources.append(
                Source(
                    title=title[:500],
                    slug=f"{SLUG_PREFIX}source-{number:05d}",
                    publisher=publisher[:200],
                    published_date=published,
                    published_precision=precision,
                    url=f"https://example.org/synthetic/source-{number:05d}",
                    kind=kind,
                    text="\n\n".join(paragraphs),
                    notes=NOTE,
                )
            )
            self.source_years.append(year)
            self.source_paragraphs.append(len(paragraphs))
        Source.objects.bulk_create(sources, batch_size=self.batch_size)
        ids = dict(Source.objects.filter(synthetic_q()).values_list("slug", "id"))
        self.source_ids = [ids[f"{SLUG_PREFIX}source-{number:05d}"] for number in range(1, n + 1)]
        self.paragraphs_of = dict(zip(self.source_ids, self.source_paragraphs, strict=True))
        # Each year's meetings cite that year's sources, or the nearest ones if a year has fewer than two.
        self.sources_of_year = {}
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            nearest = sorted(range(n), key=lambda i: (abs(self.source_years[i] - year), i))
            same_year = [i for i in nearest if self.source_years[i] == year]
            chosen = same_year if len(same_year) >= 2 else nearest[:2]
            self.sources_of_year[year] = [self.source_ids[i] for i in sorted(chosen)]

    def source_date(self, year):
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            return None, DatePrecision.DAY
        if roll < 0.08:
            return datetime.date(year, 1, 1), DatePrecision.YEAR
        month = rng.randint(1, 12)
        if roll < 0.18:
            return datetime.date(year, month, 1), DatePrecision.MONTH
        return datetime.date(year, month, rng.randint(1, 28)), DatePrecision.DAY

    # Meetings

    def create_meetings(self):
        rng, n = self.rng, self.plan.meetings
        years = list(range(FIRST_YEAR, FIRST_YEAR + YEARS))
        n_special = max(1, round(n * 0.03))
        n_intersessional = n - YEARS - n_special
        per_year = dict.fromkeys(years, n_intersessional // YEARS)
        for year in rng.sample(years, n_intersessional % YEARS):
            per_year[year] += 1
        special_years = sorted(rng.choices(years[2:], k=n_special))
        # Synthetic plenaries are numbered after any curated ones: (kind, number) is unique.
        plenary_base = Meeting.objects.filter(kind=MeetingKind.PLENARY).aggregate(Max("number"))["number__max"] or 0

        # One chair per year, a veto holder, never the same two years running.
        chairs, previous = {}, None
        for year in years:
            chair = rng.choice([i for i in self.veto_indexes if i != previous])
            chairs[year], previous = chair, chair

        specs = []  # dicts of Meeting fields, plus the year
        for number, year in enumerate(years, start=1):
            start = datetime.date(year, 11, rng.randint(1, 24))
            specs.append(
                {
                    "kind": MeetingKind.PLENARY,
                    "number": plenary_base + number,
                    "year": year,
                    "start": start,
                    "end": start + datetime.timedelta(days=rng.randint(2, 4)),
                    "slug": f"{SLUG_PREFIX}plenary-{year}",
                }
            )
            months = sorted(rng.sample([2, 3, 4, 5, 6, 7, 9, 10], per_year[year])) if per_year[year] <= 8 else None
            for k in range(1, per_year[year] + 1):
                month = months[k - 1] if months else rng.randint(1, 10)
                start = datetime.date(year, month, rng.randint(1, 25))
                specs.append(
                    {
                        "kind": MeetingKind.INTERSESSIONAL,
                        "year": year,
                        "start": start,
                        "end": start + datetime.timedelta(days=rng.randint(1, 3)),
                        "slug": f"{SLUG_PREFIX}intersessional-{year}-{k}",
                        "sequence": k,
                    }
                )
        for k, year in enumerate(special_years, start=1):
            start = datetime.date(year, rng.choice([1, 2, 3, 8, 9, 12]), rng.randint(1, 27))
            specs.append(
                {
                    "kind": MeetingKind.SPECIAL_SESSION,
                    "year": year,
                    "start": start,
                    "end": start + datetime.timedelta(days=rng.randint(0, 1)),
                    "slug": f"{SLUG_PREFIX}special-session-{year}-{k}",
                }
            )

        # Some dates are known only to the month or the year; a few intersessionals were cancelled.
        others = [i for i, spec in enumerate(specs) if spec["kind"] != MeetingKind.PLENARY]
        vague = rng.sample(others, min(len(others), max(2, round(n * 0.09))))
        n_year_only = max(1, len(vague) // 3)
        for i in vague[:n_year_only]:
            specs[i].update(precision=DatePrecision.YEAR, start=datetime.date(specs[i]["year"], 1, 1), end=None)
        for i in vague[n_year_only:]:
            specs[i].update(precision=DatePrecision.MONTH, start=specs[i]["start"].replace(day=1), end=None)
        intersessionals = [i for i in others if specs[i]["kind"] == MeetingKind.INTERSESSIONAL and i not in vague]
        for i in rng.sample(intersessionals, min(len(intersessionals), round(n * 0.015))):
            specs[i]["status"] = MeetingStatus.CANCELLED

        meetings = []
        self.meeting_specs = []
        for spec in sorted(specs, key=lambda s: (s["start"], s["slug"])):
            meetings.append(self.meeting(spec, chairs[spec["year"]]))
            self.meeting_specs.append(spec)
        Meeting.objects.bulk_create(meetings, batch_size=self.batch_size)
        ids = dict(Meeting.objects.filter(synthetic_q()).values_list("slug", "id"))
        for spec in self.meeting_specs:
            spec["id"] = ids[spec["slug"]]
        through = Meeting.sources.through
        through.objects.bulk_create(
            (
                through(meeting_id=spec["id"], source_id=source_id)
                for spec in self.meeting_specs
                for source_id in self.sources_of_year[spec["year"]]
            ),
            batch_size=self.batch_size,
        )

    def meeting(self, spec, chair):
        rng = self.rng
        kind, year = spec["kind"], spec["year"]
        held = spec.get("status", MeetingStatus.HELD) == MeetingStatus.HELD
        # Meetings during the pandemic were held online.
        virtual = year in (2020, 2021) and (year == 2020 or kind != MeetingKind.PLENARY)
        # The chair hosts its year's meetings; a regional organisation, or a special session, goes elsewhere.
        chair_is_government = chair < len(self.government_indexes)
        if kind == MeetingKind.SPECIAL_SESSION or not chair_is_government:
            host = rng.choice(self.government_indexes)
        else:
            host = chair
        city = "" if virtual else self.capitals[host]
        host_country = "" if virtual else self.participant_codes[host]
        place = "online" if virtual else city
        if kind == MeetingKind.PLENARY:
            title = f"{ordinal(spec['number'])} Plenary, {place}"
        elif kind == MeetingKind.INTERSESSIONAL:
            title = f"Intersessional meeting {year} ({ordinal(spec['sequence'])}), {place}"
        else:
            title = f"Special session {year}, {place}"
        theme = ""
        if kind == MeetingKind.PLENARY and rng.random() < 0.3:
            theme = f"Strengthening {self.issue_phrases[rng.randrange(len(self.issue_phrases))]}"
        chair_people = self.people_of[chair]
        return Meeting(
            title=title,
            slug=spec["slug"],
            kind=kind,
            status=spec.get("status", MeetingStatus.HELD),
            number=spec.get("number"),
            start_date=spec["start"],
            end_date=spec["end"],
            date_precision=spec.get("precision", DatePrecision.DAY),
            city=city,
            host_country=host_country,
            is_virtual=virtual,
            chair_id=self.participant_ids[chair],
            chair_person_id=chair_people[0] if chair_people else None,
            theme=theme,
            participants_count=rng.randint(60, 450) if held and kind == MeetingKind.PLENARY else None,
            countries_count=rng.randint(30, max(31, len(self.government_indexes))) if held else None,
            summary="A synthetic meeting generated for benchmarks and demonstrations."
            + ("" if held else " It was cancelled."),
            notes=NOTE,
        )

    # Agenda items

    def create_agenda_items(self):
        rng = self.rng
        n_issues = len(self.issue_ids)
        wanted = []  # (meeting spec, issue index, outcome)
        for spec in self.meeting_specs:
            if spec.get("status") == MeetingStatus.CANCELLED:
                continue
            if spec["kind"] == MeetingKind.PLENARY:
                k, weights = rng.randint(5, 8), self.issue_weights
            elif spec["kind"] == MeetingKind.INTERSESSIONAL:
                k, weights = rng.randint(3, 6), self.issue_weights
            else:  # a special session is called on one or two hard questions
                k = rng.randint(1, 2)
                weights = [w * (5.0 if i in self.contentious else 1.0) for i, w in enumerate(self.issue_weights)]
            for issue in sorted(weighted_sample(rng, range(n_issues), weights, min(k, n_issues))):
                contentious = issue in self.contentious
                outcomes, outcome_weights = zip(*OUTCOME_WEIGHTS[contentious], strict=True)
                wanted.append((spec, issue, rng.choices(outcomes, weights=outcome_weights)[0]))
        AgendaItem.objects.bulk_create(
            (
                AgendaItem(
                    meeting_id=spec["id"],
                    issue_id=self.issue_ids[issue],
                    outcome=outcome,
                    outcome_note=OUTCOME_NOTES[outcome],
                )
                for spec, issue, outcome in wanted
            ),
            batch_size=self.batch_size,
        )
        ids = {
            (meeting_id, issue_id): pk
            for pk, meeting_id, issue_id in AgendaItem.objects.filter(synthetic_q("meeting__")).values_list(
                "pk", "meeting_id", "issue_id"
            )
        }
        # One proposal per agenda item, worded as its issue: an item kept off the agenda was a
        # proposal to take the matter up; any other, one on the substance.
        Proposal.objects.bulk_create(
            (
                Proposal(
                    agenda_item_id=ids[(spec["id"], self.issue_ids[issue])],
                    text=self.issue_phrases[issue][:1].upper() + self.issue_phrases[issue][1:],
                    stage=Stage.AGENDA if outcome == "not_discussed" else Stage.DECISION,
                )
                for spec, issue, outcome in wanted
            ),
            batch_size=self.batch_size,
        )
        proposal_ids = dict(
            Proposal.objects.filter(synthetic_q("agenda_item__meeting__")).values_list("agenda_item_id", "pk")
        )
        kind_weight = {MeetingKind.PLENARY: 1.6, MeetingKind.INTERSESSIONAL: 1.0, MeetingKind.SPECIAL_SESSION: 1.3}
        self.items = [
            ItemPlan(
                agenda_item_id=ids[(spec["id"], self.issue_ids[issue])],
                meeting_id=spec["id"],
                proposal_id=proposal_ids[ids[(spec["id"], self.issue_ids[issue])]],
                issue_index=issue,
                contentious=issue in self.contentious,
                outcome=outcome,
                sources=self.sources_of_year[spec["year"]],
                weight=kind_weight[spec["kind"]]
                * rng.lognormvariate(0, 0.5)
                * (1.5 if issue in self.contentious else 1.0),
            )
            for spec, issue, outcome in wanted
        ]
        self.allocate_positions()

    def allocate_positions(self):
        """Share the positions among agenda items, never more than an item can hold without repeats."""
        total, items = self.plan.positions, self.items
        n_participants = len(self.participant_ids)
        # At most two stances per participant and source: the (item, participant, stance, source)
        # key stays far from exhausted, so drawing unique keys stays quick.
        capacity = [2 * n_participants * len(item.sources) for item in items]
        if total > sum(capacity):
            raise ValueError(f"{total} positions do not fit on {len(items)} agenda items; use a smaller scale.")
        for item, share in zip(items, largest_remainder(total, [item.weight for item in items]), strict=True):
            item.count = share
        overflow = 0
        for item, cap in zip(items, capacity, strict=True):
            if item.count > cap:
                overflow += item.count - cap
                item.count = cap
        for item, cap in zip(items, capacity, strict=True):
            extra = min(overflow, cap - item.count)
            item.count += extra
            overflow -= extra

    # Positions

    def stance_cum_weights(self, contentious, outcome):
        factor = BLOCK_FACTOR[outcome]
        table = []
        for cls in (OBSERVER, MEMBER, BLOCKER):
            weights = list(STANCE_WEIGHTS[(cls, contentious)])
            weights[2] *= factor
            table.append(list(itertools.accumulate(weights)))
        return table

    def iter_positions(self):
        """Position instances, one agenda item at a time, never all in memory."""
        rng = self.rng
        n = len(self.participant_ids)
        names, classes = self.participant_names, self.participant_class
        activity_cw, activity_total = self.activity_cw, self.activity_cw[-1]
        reporter_cw, reporter_total = self.reporter_cw, self.reporter_cw[-1]
        cum_weights = {}
        for item in self.items:
            if not item.count:
                continue
            key = (item.contentious, item.outcome)
            if key not in cum_weights:
                cum_weights[key] = self.stance_cum_weights(*key)
            stance_cw = cum_weights[key]
            issue = self.issue_phrases[item.issue_index]
            seen = set()
            usual_stance = {}
            made = misses = 0
            while made < item.count:
                if misses < 20:
                    p = bisect(activity_cw, rng.random() * activity_total)
                    stance = usual_stance.get(p)
                    if stance is None or rng.random() < 0.15:
                        cw = stance_cw[classes[p]]
                        stance = STANCES[bisect(cw, rng.random() * cw[-1])]
                        usual_stance.setdefault(p, stance)
                else:  # the talkative participants' keys are taken: spread out
                    p = rng.randrange(n)
                    stance = rng.choice(STANCES)
                source_id = rng.choice(item.sources)
                if (p, stance, source_id) in seen:
                    misses += 1
                    continue
                seen.add((p, stance, source_id))
                made += 1
                misses = 0
                yield self.position(item, issue, p, stance, source_id, reporter_cw, reporter_total, names)

    def position(self, item, issue, p, stance, source_id, reporter_cw, reporter_total, names):
        rng = self.rng
        reported_by_id, outlet, speaker_id = None, "", None
        if rng.random() < 0.6:
            attribution = Attribution.STATED
            opening = rng.choice(OPENINGS_STATED[stance]).format(issue=issue)
            if self.people_of[p] and rng.random() < 0.5:
                speaker_id = rng.choice(self.people_of[p])
        else:
            attribution = Attribution.REPORTED
            opening = rng.choice(OPENINGS_REPORTED[stance]).format(issue=issue, name=names[p])
            if rng.random() < 0.5:
                reporter = p
                while reporter == p:
                    reporter = bisect(reporter_cw, rng.random() * reporter_total)
                reported_by_id = self.participant_ids[reporter]
            else:
                outlet = rng.choice(OUTLETS)
            if self.people_of[p] and rng.random() < 0.1:
                speaker_id = rng.choice(self.people_of[p])
        sentences = rng.choices(QUOTE_SENTENCES, weights=QUOTE_SENTENCE_WEIGHTS)[0]
        quote = " ".join([opening, *rng.sample(FILLERS, sentences - 1)]) if sentences > 1 else opening
        location = f"paragraph {rng.randint(1, self.paragraphs_of[source_id])}" if rng.random() < 0.7 else ""
        note = rng.choice(POSITION_NOTES) if rng.random() < 0.05 else ""
        return Position(
            proposal_id=item.proposal_id,
            meeting_id=item.meeting_id,
            agenda_item_id=item.agenda_item_id,
            # A position with a note is read from its quote: the note says how.
            evidence=Evidence.INFERRED if note else Evidence.QUOTED,
            participant_id=self.participant_ids[p],
            stance=stance,
            attribution=attribution,
            reported_by_id=reported_by_id,
            reported_by_outlet=outlet,
            speaker_id=speaker_id,
            quote=quote,
            source_id=source_id,
            source_location=location,
            note=note,
        )

    def create_positions(self, progress=None):
        total, done = self.plan.positions, 0
        positions = self.iter_positions()
        while batch := list(itertools.islice(positions, self.batch_size)):
            Position.objects.bulk_create(batch, batch_size=self.batch_size)
            # With DEBUG on, Django keeps the SQL of the last 9,000 queries: megabytes per batch here.
            reset_queries()
            done += len(batch)
            if progress:
                progress(done, total)
