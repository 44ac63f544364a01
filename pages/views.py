"""Every public page: the timeline, meetings, participants, sources, issues, the matrix, the position list.

Each view shapes its queries here or in selectors.py, takes the page's FilterSet, and is served through
the page cache (cache.py); the templates are in templates/pages/.
"""

from collections import defaultdict

from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static

from governance.models import Chair, Group, MembershipEvent
from governance.standing import with_standing
from meetings.models import Meeting, Participant, Source
from positions.models import AgendaItem, Issue, Position, Proposal, ProposalAccount, Stance, stage_order

from .analysis import LISTED, MIN_SHARED, alignment_pairs, compared_positions, comparison_rows, heat_map, ranked
from .cache import cached_page
from .citation import citations
from .filters import AnalysisFilter, CompareFilter, MapFilter, MatrixFilter, MeetingFilter, PositionFilter
from .maps import ATLAS_STATIC, atlas, positions_mapped, stance_map, standing_map, this_year
from .pagination import paginate
from .participants import participant_sections
from .passages import mark_quote, paragraph_number, paragraphs, passage_url
from .search import MIN_LENGTH, problem_with, search
from .selectors import (
    STAGE_KEY_LABELS,
    STAGE_KEYS,
    STANCE_ORDER,
    blocking_matrix,
    issue_summaries,
    stacked_chart,
    stance_counts_by_meeting,
    stance_counts_by_year,
    stance_order_expression,
)
from .timeline import timeline_decades, timeline_years

# A participant's page lists its latest acts; the position list (?act=…) has them all.
ACTS_SHOWN = 20
POSITION_PARTS = ("participant", "speaker", "source", "reported_by", "reported_by_person")


def proposals_with_record(positions=None):
    """Proposals in stage order, each with its accounts (proposers, sources) and, given a queryset,
    its `positions`: three or four prefetch queries whatever the number of proposals."""
    accounts = ProposalAccount.objects.order_by("pk").prefetch_related(
        Prefetch("proposed_by", queryset=Participant.objects.order_by("name").only("code", "name", "slug")),
        Prefetch("sources", queryset=Source.objects.order_by("title").with_stored().defer("text", "notes")),
    )
    prefetches = [Prefetch("accounts", queryset=accounts)]
    if positions is not None:
        prefetches.append(Prefetch("positions", queryset=positions))
    return Proposal.objects.order_by(stage_order(), "pk").prefetch_related(*prefetches)


@cached_page(MeetingFilter)
def timeline(request):
    """Every meeting in time order, folded into decades and years, each year with its chairs and how
    much the record holds for it; agenda chips, counts and a chart of stances by year.

    The counts and the chart follow the filters: with participants chosen they count those
    participants' positions, with issues chosen the positions (and agenda items) on those issues.
    """
    filterset = MeetingFilter(request.GET or None, queryset=Meeting.objects.with_chair().chronological())
    valid = not filterset.is_bound or filterset.is_valid()
    selected = filterset.qs if valid else Meeting.objects.none()
    agenda = AgendaItem.objects.select_related("issue").order_by("issue__title")
    if valid and (issues := filterset.chosen("issue")):
        agenda = agenda.filter(issue__in=issues)
    meetings = list(selected.prefetch_related(Prefetch("agenda_items", queryset=agenda)))
    positions = filterset.positions(Position.objects.all()) if valid else Position.objects.none()
    counts = stance_counts_by_meeting(positions)
    for meeting in meetings:
        meeting.stance_counts = counts.get(meeting.pk, {})
        meeting.positions_total = sum(meeting.stance_counts.values())
        meeting.blocks_total = meeting.stance_counts.get(Stance.BLOCKS, 0)
    chairs = Chair.objects.of_the_kp().select_related("participant", "person").order_by("year", "role", "pk")
    if meetings:
        chairs = chairs.filter(year__range=(meetings[0].start_date.year, meetings[-1].start_date.year))
    years = timeline_years(meetings, chairs if meetings else [])
    of_whom = _of_whom(filterset) if valid else ""
    chart = stacked_chart(
        [str(y.year) for y in years],
        [y.stance_counts for y in years],
        "Stances taken each year, by participants at meetings" + (f", {of_whom}" if of_whom else ""),
        unit="participants, counted at each meeting",
    )
    return render(
        request,
        "pages/timeline.html",
        {
            "filter": filterset,
            "meetings": meetings,
            "decades": timeline_decades(years, open_all=filterset.is_bound),
            "years": years,
            "chart": chart,
            "of_whom": of_whom,
        },
    )


def _of_whom(filterset):
    """'of Russian Federation on Ukraine' when the counts are narrowed to chosen participants or issues."""
    participants = " or ".join(p.name for p in filterset.chosen("participant"))
    issues = " or ".join(i.title for i in filterset.chosen("issue"))
    return " ".join(part for part in (participants and f"of {participants}", issues and f"on {issues}") if part)


@cached_page()
def meeting_detail(request, slug):
    """A meeting: its agenda, each item's proposals with their accounts and the stances taken on them,
    the acts that answered no proposal, its ties to other meetings, and its sources."""
    positions = Position.objects.select_related(*POSITION_PARTS).order_by(
        stance_order_expression(), "participant__name", "pk"
    )
    agenda = AgendaItem.objects.select_related("issue").prefetch_related(
        Prefetch("proposals", queryset=proposals_with_record(positions))
    )
    meeting = get_object_or_404(
        Meeting.objects.with_chair()
        .select_related("part_of", "replaces")
        .prefetch_related(Prefetch("agenda_items", queryset=agenda.order_by("issue__title"))),
        slug=slug,
    )
    # The meetings tied to this one (held within it, or replacing it), in one query for both.
    tied = Meeting.objects.filter(Q(part_of=meeting) | Q(replaces=meeting)).chronological()
    tied = list(tied.only("slug", "title", "start_date", "kind", "part_of", "replaces", "ties_inferred"))
    parts = [other for other in tied if other.part_of_id == meeting.pk]
    successors = [other for other in tied if other.replaces_id == meeting.pk]
    acts = Position.objects.acts().filter(meeting=meeting).select_related(*POSITION_PARTS, "working_body")
    acts = list(acts.order_by("participant__name", "pk"))
    sources = Source.objects.of_meeting(meeting).with_stored().defer("text", "notes")
    ordered = Meeting.objects.chronological().only("slug", "title", "start_date", "kind")
    previous_meeting = ordered.filter(
        Q(start_date__lt=meeting.start_date) | Q(start_date=meeting.start_date, slug__lt=meeting.slug)
    ).last()
    next_meeting = ordered.filter(
        Q(start_date__gt=meeting.start_date) | Q(start_date=meeting.start_date, slug__gt=meeting.slug)
    ).first()
    return render(
        request,
        "pages/meeting_detail.html",
        {
            "meeting": meeting,
            "sources": sources,
            "previous_meeting": previous_meeting,
            "next_meeting": next_meeting,
            "parts": parts,
            "successors": successors,
            "acts": acts,
        },
    )


@cached_page()
def participant_list(request):
    """Participants (current, suspended, former), observers (current, former) and others the sources
    name, each with its admission and latest change of standing, its chair years and its counts."""
    participants = with_standing(
        Participant.objects.annotate(
            positions_total=Count("positions"),
            blocks_total=Count("positions", filter=Q(positions__stance=Stance.BLOCKS)),
        )
    ).order_by("name")
    chair_years = defaultdict(list)
    for participant_id, year in (
        Chair.objects.of_the_kp().filter(role="chair").order_by("year").values_list("participant_id", "year")
    ):
        if year not in chair_years[participant_id]:
            chair_years[participant_id].append(year)
    sections = participant_sections(participants, chair_years)
    groups = (
        Group.objects.select_related("source")
        .only("name", "slug", "source__title")
        .annotate(members_total=Count("members"))
    )
    return render(request, "pages/participant_list.html", {"sections": sections, "groups": groups})


@cached_page(also=["page"])
def participant_detail(request, code):
    participant = get_object_or_404(Participant, code=code.upper())
    positions = Position.objects.filter(participant=participant).for_listing().newest_first()
    page = paginate(request, positions)
    by_year = stance_counts_by_year(Position.objects.filter(participant=participant))
    chart = stacked_chart(
        [str(year) for year in by_year],
        list(by_year.values()),
        f"Meetings at which {participant.name} took each stance, by year",
        unit="meetings",
    )
    cited = Prefetch("sources", queryset=Source.objects.order_by("title").with_stored().defer("text", "notes"))
    chairs = Chair.objects.filter(participant=participant).select_related("body", "person").prefetch_related(cited)
    memberships = MembershipEvent.objects.filter(participant=participant).prefetch_related(cited).chronological()
    acts = Position.objects.acts().filter(participant=participant).for_listing().newest_first()[:ACTS_SHOWN]
    return render(
        request,
        "pages/participant_detail.html",
        {
            "participant": participant,
            "page": page,
            "chart": chart,
            "summaries": issue_summaries(participant),
            "chairs": list(chairs.chronological()),
            "memberships": list(memberships),
            "acts": list(acts),
            "acts_shown": ACTS_SHOWN,
        },
    )


@cached_page(also=["page", "position"])
def source_detail(request, pk):
    """A source: its citation, the records citing it, and its stored text in numbered paragraphs
    (#p4); arriving from a position (?position=12) marks its quoted words."""
    source = get_object_or_404(Source.objects.prefetch_related("meetings"), pk=pk)
    text = paragraphs(source.text)
    quoting, marked = _quoting_position(request, source), None
    if quoting is not None and quoting.quote:
        marked = mark_quote(text, quoting.quote, near=paragraph_number(quoting.source_location))
    page = paginate(request, source.positions.for_listing().as_entered_by_meeting())
    # What else cites it: accounts of decisions, chairs, membership events (a public page may support only these).
    accounts = source.proposal_accounts.select_related("proposal__agenda_item__meeting").order_by(
        "proposal__agenda_item__meeting__start_date", "pk"
    )
    chairs = source.chairs.select_related("participant", "person", "body").chronological()
    memberships = source.membership_events.select_related("participant").chronological()
    return render(
        request,
        "pages/source_detail.html",
        {
            "source": source,
            "paragraphs": text,
            "quoting": quoting,
            "marked": marked,
            "page": page,
            "accounts": list(accounts),
            "chairs": list(chairs),
            "memberships": list(memberships),
        },
    )


@cached_page()
def position_detail(request, pk):
    """A position's permalink: the record, its proposal and meeting, the passage it cites, when it last
    changed, and how to cite it."""
    position = get_object_or_404(Position.objects.for_listing().select_related("working_body"), pk=pk)
    changed = position.history.order_by("-history_date").values_list("history_date", flat=True).first()
    changed = (changed or position.updated_at).date()
    url = request.build_absolute_uri(position.get_absolute_url())
    return render(
        request,
        "pages/position_detail.html",
        {
            "position": position,
            "changed": changed,
            "permalink": url,
            "passage_url": passage_url(position),
            "cite": citations(position, url, changed),
        },
    )


def _quoting_position(request, source):
    """The position named by ?position=, if it cites this source; else None (a bad value marks nothing)."""
    value = request.GET.get("position", "")
    if not value.isdigit() or len(value) > 12:
        return None
    return Position.objects.filter(pk=int(value), source=source).select_related("participant").first()


@cached_page(also=["q"])
def search_page(request):
    """One search over the record, grouped by kind with counts (pages/search.py)."""
    q = request.GET.get("q", "")
    problem = problem_with(q)
    groups = [] if problem else search(q)
    return render(
        request,
        "pages/search.html",
        {
            "q": q,
            "problem": "" if problem == "empty" else problem,
            "empty": problem == "empty",
            "groups": groups,
            "total": sum(group.count for group in groups),
            "min_length": MIN_LENGTH,
            "full_text": connection.vendor == "postgresql",
        },
    )


@cached_page()
def issue_list(request):
    issues = Issue.objects.annotate(
        meetings_total=Count("agenda_items", distinct=True),
        positions_total=Count("agenda_items__positions"),
        blocks_total=Count("agenda_items__positions", filter=Q(agenda_items__positions__stance=Stance.BLOCKS)),
    )
    return render(request, "pages/issue_list.html", {"issues": issues})


@cached_page()
def issue_detail(request, slug):
    """An issue's trajectory: per meeting its outcome, and per proposal its stage, how it was decided
    and who supported, opposed, blocked or protested (readings marked apart)."""
    issue = get_object_or_404(Issue, slug=slug)
    proposals = proposals_with_record()
    items = list(
        AgendaItem.objects.filter(issue=issue)
        .select_related("meeting")
        .prefetch_related(Prefetch("proposals", queryset=proposals))
        .chronological()
    )
    who = (
        Position.objects.filter(agenda_item__issue=issue)
        .order_by("participant__name")
        .values_list("proposal_id", "stance", "participant__code", "participant__name", "evidence")
        .distinct()
    )
    by_proposal = {}
    for proposal_id, stance, code, name, evidence in who:
        people = by_proposal.setdefault(proposal_id, {}).setdefault(stance, {})
        # A participant counts as stated where any of its positions with this stance is not a reading.
        inferred = people.get(code, {"inferred": True})["inferred"] and evidence == "inferred"
        people[code] = {"code": code, "name": name, "inferred": inferred}
    for item in items:
        item.issue = issue  # every item is this issue's; the outcome chip names it without a query per item
        for proposal in item.proposals.all():
            stances = by_proposal.get(proposal.pk, {})
            proposal.who = [(stance, list(stances[stance].values())) for stance in STANCE_ORDER if stance in stances]
    # By stage: supporting that the matter be taken up is not supporting it (issue 13's first finding).
    counts = stance_counts_by_meeting(Position.objects.filter(agenda_item__issue=issue), by_stage=True)
    chart = stacked_chart(
        [item.meeting.short_label for item in items],
        [counts.get(item.meeting_id, {}) for item in items],
        f"Participants per meeting on {issue.title}, by stance and stage",
        keys=STAGE_KEYS,
        key_labels=STAGE_KEY_LABELS,
    )
    return render(request, "pages/issue_detail.html", {"issue": issue, "items": items, "chart": chart})


@cached_page(MatrixFilter)
def matrix(request):
    # Always bound, so that the default (blocks only) applies to a bare /matrix/ too.
    filterset = MatrixFilter(request.GET, queryset=Position.objects.all())
    data = blocking_matrix(filterset) if filterset.is_valid() else None
    sections = []
    if data:
        sections = [("Participants (hold a veto)", data["veto_rows"]), ("Observers (no veto)", data["observer_rows"])]
    return render(request, "pages/matrix.html", {"filter": filterset, "matrix": data, "matrix_sections": sections})


@cached_page(PositionFilter, also=["page"])
def position_list(request):
    filterset = PositionFilter(
        request.GET or None,
        also=["page"],
        queryset=Position.objects.for_listing().newest_first(),
    )
    valid = not filterset.is_bound or filterset.is_valid()
    page = paginate(request, filterset.qs if valid else Position.objects.none())
    return render(request, "pages/position_list.html", {"filter": filterset, "page": page})


@cached_page(CompareFilter)
def compare(request):
    """Two to six participants side by side, proposal by proposal: each one's stance, evidence and
    source, and whether they agree."""
    filterset = CompareFilter(request.GET or None, queryset=Position.objects.all())
    chosen, rows = [], []
    if filterset.is_bound and filterset.is_valid():
        chosen = filterset.compared()
        rows = comparison_rows(compared_positions(filterset), chosen)
    verdicts = {verdict: sum(1 for row in rows if row.verdict == verdict) for verdict in ("agree", "differ", "one")}
    group = filterset.choice("group") if filterset.is_bound and not filterset.errors else None
    context = {"filter": filterset, "chosen": chosen, "rows": rows, "verdicts": verdicts, "group": group}
    return render(request, "pages/compare.html", context)


@cached_page(AnalysisFilter)
def alignment(request):
    """Who sides with whom: for each pair, the share of shared proposals on which they took the same side."""
    filterset = AnalysisFilter(request.GET or None, queryset=Position.objects.all())
    pairs = []
    if not filterset.is_bound or filterset.is_valid():
        pairs = alignment_pairs(filterset.qs, evidence=filterset.chosen("evidence"))
    enough, few = ranked(pairs)
    columns, grid = heat_map(pairs)
    context = {
        "filter": filterset,
        "enough": enough[:LISTED],
        "few": few[:LISTED],
        "enough_total": len(enough),
        "few_total": len(few),
        "participants_total": len({code for pair in pairs for code in (pair.a, pair.b)}),
        "columns": columns,
        "grid": grid,
        "min_shared": MIN_SHARED,
        "listed": LISTED,
    }
    return render(request, "pages/alignment.html", context)


@cached_page()
def group_detail(request, slug):
    """A group the sources name: the words that name it, its members, and the ways to read it as one."""
    group = get_object_or_404(Group.objects.select_related("source"), slug=slug)
    members = group.members.annotate(positions_total=Count("positions")).order_by("name")
    return render(request, "pages/group_detail.html", {"group": group, "members": members})


@cached_page(MapFilter)
def world_map(request):
    """Stances on a proposal or on an issue at a meeting, or standing in a year, on a world map with
    the same data as a table (pages/maps.py)."""
    filterset = MapFilter(request.GET or None, queryset=Position.objects.none())
    world, proposal, meeting, issue = None, None, None, None
    if not filterset.is_bound or filterset.is_valid():
        choice = filterset.choice
        group = choice("group")
        if choice("proposal"):
            proposal = choice("proposal")
            meeting, issue = proposal.agenda_item.meeting, proposal.agenda_item.issue
            title = f"Stances on “{proposal.text}” ({proposal.stage} stage), {meeting.title}"
            world = stance_map(positions_mapped(proposal=proposal, group=group), title, meeting.start_date.year)
        elif choice("meeting"):
            meeting, issue = choice("meeting"), choice("issue")
            title = f"Stances on {issue.title}, {meeting.title}"
            positions = positions_mapped(meeting=meeting, issue=issue, group=group)
            world = stance_map(positions, title, meeting.start_date.year)
        else:
            world = standing_map(choice("year") or this_year(), group=group)
        if group:
            world.title += f": the {group.name}"
    context = {
        "filter": filterset,
        "world": world,
        "proposal": proposal,
        "meeting": meeting,
        "issue": issue,
        "shapes": world.shapes() if world else None,
        "atlas": {"url": static(ATLAS_STATIC), "view_box": atlas()["viewBox"]},
    }
    return render(request, "pages/map.html", context)
