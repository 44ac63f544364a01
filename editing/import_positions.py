"""Importing positions from CSV, in the columns of /export/positions.csv.

A row names its meeting and issue by slug, its participant by code, name or alias, its source by
slug or title. A stance answers a proposal: the row's `proposal`, found (or added, with its `stage`)
under the meeting's agenda item for the issue. A row without a proposal (a file written before
proposals existed has no such column) goes onto the agenda item's default proposal, worded as its
issue (positions.legacy). The agenda item is found, or added to the meeting, with the row's outcome.
An act (`act`: a walk-out, a boycott, a statement) answers no proposal and has no issue: it happened
at a meeting, or was aimed at a working body, or both.

Rows are matched to existing positions by (meeting, issue, proposal, act, working body, participant,
stance, source, quote): one participant may make several statements with one stance in one source,
so the words are part of which statement a row is. Importing an export changes nothing.

Built for large files: every name is resolved against lookups loaded once per import, existing
positions are read once per chunk of rows, and writes are bulk inserts and updates (with their
history), so the work per row is Python alone. The model's rules on a row (its constraints) are
checked here in Python too, with the model's own messages, so that a row breaking one is named by its
line instead of failing the whole write.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from exports.tables import POSITION_COLUMNS
from meetings.quotes import normalise
from positions.legacy import default_account, default_stage
from positions.models import (
    Act,
    AgendaItem,
    Attribution,
    Evidence,
    Outcome,
    Position,
    Proposal,
    ProposalAccount,
    Stage,
    Stance,
)

from .import_meetings import CHANGE, CREATE, UNCHANGED, Lookups, RowResult, code_of, message_dict, one_of
from .import_records import MeetingsAndIssues

UNVERIFIED = (
    "Not found in the text of its source (spacing and quote marks ignored): it will be saved and marked "
    "unverified. Check it against the source."
)
# The codes each coded column takes (read once: TextChoices.values builds a new list on every call).
OUTCOMES, STANCES, ATTRIBUTIONS = tuple(Outcome.values), tuple(Stance.values), tuple(Attribution.values)
STAGES, EVIDENCE, ACTS = tuple(Stage.values), tuple(Evidence.values), tuple(Act.values)
# Columns that can change on a matched position, as the file writes them (the rest identify it).
CHANGEABLE = ("outcome", "stage", "attribution", "reported_by_code", "reported_by_outlet", "evidence")
# Columns that change a matched position only when the file has them: without, it keeps its own.
OPTIONAL = ("speaker_slug", "reported_by_person", "source_location", "note")
# Which file columns set an optional field (either of two for the speaker).
OPTIONAL_FROM = {"speaker_slug": ("speaker_slug", "speaker"), "reported_by_person": ("reported_by_person",)}
OPTIONAL_FIELDS = {"speaker_slug": "speaker_id", "reported_by_person": "reported_by_person_id"}
# The rest of a position's fields are checked by the model's own validation (lengths, blank); the
# related records are found in the lookups, so no row asks the database anything.
CHECKED_ABOVE = [
    "proposal", "act", "meeting", "agenda_item", "working_body", "participant", "stance", "evidence",
    "attribution", "reported_by", "reported_by_person", "speaker", "source",
]  # fmt: skip
FIELD_COLUMNS = {"reported_by": "reported_by", "speaker": "speaker", "source": "source", "__all__": "(row)"}
RULES = {c.name: c.violation_error_message for c in Position._meta.constraints}
PROPOSAL_TEXT_LENGTH = Proposal._meta.get_field("text").max_length
NOT_FOR_ACTS = ("issue_slug", "outcome", "proposal", "stage")


class PositionImport(MeetingsAndIssues):
    kind = "positions"
    reads = POSITION_COLUMNS.imported
    required = (
        ("meeting_slug",),
        ("issue_slug",),
        ("participant_code", "participant"),
        ("stance",),
        ("attribution",),
        ("quote",),
        ("source_slug", "source"),
    )
    free_text = POSITION_COLUMNS.free_text

    def __init__(self, user=None):
        self.user = user
        self.lookups = Lookups()
        self.load_meetings_and_issues()
        # Whole records: a changed one is written back with its history.
        self.agenda_items = {(item.meeting_id, item.issue_id): item for item in AgendaItem.objects.all()}
        items_by_pk = {item.pk: item for item in self.agenda_items.values()}
        # Proposals by (the agenda item as the one object this import holds for it, text).
        self.proposals_by_pk = {p.pk: p for p in Proposal.objects.all()}
        for proposal in self.proposals_by_pk.values():
            proposal.agenda_item = items_by_pk[proposal.agenda_item_id]  # held, not fetched again per row
        self.proposals = {(id(p.agenda_item), p.text): p for p in self.proposals_by_pk.values()}
        self.source_texts = {}
        self.seen = {}  # position key → the line that has it: one row per position
        self.original_outcomes = {}  # id(agenda item) → its outcome before this file
        self.original_stages = {}  # id(proposal) → its stage before this file
        self.new_items, self.changed_items = [], {}
        self.new_proposals, self.changed_proposals, self.new_accounts = [], {}, []
        self.new_positions, self.changed_positions = [], []

    # --- checking ---

    def process(self, rows):
        """Check a chunk of (line, cells) rows; keep what they would write for `write`."""
        prepared = [self.resolve(line, cells) for line, cells in rows]
        existing = self._existing([p for _r, p, _c in prepared if p is not None])
        results = []
        for result, position, cells in prepared:
            if position is not None:
                self._compare(result, position, cells, existing.get(self._key(position)))
            results.append(result)
        return results

    def resolve(self, line, cells):
        """The row's position (unsaved), every error of every column collected on the way."""
        result = RowResult(line)
        attempt = result.attempt
        act = cells.get("act", "")
        if act:
            attempt("act", one_of, ACTS, act, "an act (or empty for a stance on a proposal)")
            for column in NOT_FOR_ACTS:
                if cells.get(column):
                    result.error(column, f"An act answers no proposal: leave {column} empty.")
        meeting = issue = working_body = None
        if cells.get("meeting_slug") or not act:
            meeting = attempt("meeting_slug", self._meeting, cells.get("meeting_slug", ""))
        if not act:
            issue = attempt("issue_slug", self._issue, cells.get("issue_slug", ""))
        if cells.get("working_body"):
            working_body = attempt("working_body", self.lookups.working_body, cells["working_body"])
            if not act:
                result.error("working_body", RULES["position_working_body_only_for_acts"])
        elif act and not cells.get("meeting_slug"):
            result.error("meeting_slug", RULES["position_act_has_place"])
        outcome = "" if act else cells.get("outcome", "")
        if outcome:
            attempt("outcome", one_of, OUTCOMES, outcome, "an outcome")
        text, stage = ("", "") if act else (cells.get("proposal", ""), cells.get("stage", ""))
        self._check_proposal(result, meeting, issue, text, stage)
        participant_key = cells.get("participant_code") or cells.get("participant", "")
        participant = None
        if participant_key:
            participant = attempt("participant", self.lookups.participant, participant_key)
        else:
            result.error("participant", "Name the participant (participant_code or participant).")
        source = attempt("source", self._source, cells)
        speaker = None
        if cells.get("speaker_slug") or cells.get("speaker"):
            speaker = attempt("speaker", self.lookups.person, cells.get("speaker_slug", ""), cells.get("speaker", ""))
        stance = cells.get("stance", "")
        if stance or not act:  # an act may have no stance (a statement)
            attempt("stance", one_of, STANCES, stance, "a stance")
        quote = cells.get("quote", "")
        evidence = cells.get("evidence", "") or (Evidence.QUOTED if quote else Evidence.CITED)
        attempt("evidence", one_of, EVIDENCE, evidence, "a kind of evidence")
        attribution = cells.get("attribution", "")
        attempt("attribution", one_of, ATTRIBUTIONS, attribution, "an attribution")
        reporter, reporting_person, outlet = self._reporter(cells, result, attempt)
        position = Position(
            act=act,
            meeting=meeting if act else None,
            working_body=working_body,
            participant=participant,
            stance=stance,
            evidence=evidence,
            attribution=attribution,
            reported_by=reporter,
            reported_by_person=reporting_person,
            reported_by_outlet=outlet,
            speaker=speaker,
            quote=quote,
            source=source,
            source_location=cells.get("source_location", ""),
            note=cells.get("note", ""),
        )
        try:
            position.clean_fields(exclude=CHECKED_ABOVE)
        except ValidationError as exc:
            for name, messages in message_dict(exc).items():
                for message in messages:
                    result.error(FIELD_COLUMNS.get(name, name), message)
        if reporter is not None and reporter == participant:
            result.error("reported_by", "A participant reporting its own position is a stated position.")
        if participant and act:
            result.label = f"{participant} {position.get_act_display()} ({self._place(meeting, working_body)})"
        elif meeting and issue and participant:
            result.label = f"{participant} {stance} {text or issue} ({self._meeting_label(meeting)})"
        if result.errors:
            return result, None, cells
        if not act:
            item = self._agenda_item(meeting, issue, outcome)
            position.proposal = self._proposal(item, issue, text, stage)
        line_before = self.seen.setdefault(self._key(position), line)
        if line_before != line:
            result.error(
                "(row)",
                f"The same position as line {line_before} (meeting, issue, proposal, act, working body, participant, "
                "stance, source, quote).",
            )
            return result, None, cells
        position.quote_verified = bool(normalise(quote)) and normalise(quote) in self._source_text(source)
        if quote and not position.quote_verified:
            result.warnings.append(("quote", UNVERIFIED))
        return result, position, cells

    def _check_proposal(self, result, meeting, issue, text, stage):
        if stage:
            result.attempt("stage", one_of, STAGES, stage, "a stage")
            if not text:
                result.error("stage", "A stage is a proposal's: name the proposal too (or leave both empty).")
        if meeting is None or issue is None:
            return
        if not text and not stage:
            # A file without proposals (written before them) goes onto the item's default proposal. Where
            # the item already holds other proposals, which of them the row means is not known: ask.
            item = self.agenda_items.get((meeting.pk, issue.pk))
            if item is not None and (id(item), issue.title) not in self.proposals:
                worded = sorted(t for (held, t) in self.proposals if held == id(item))
                if worded:
                    result.error(
                        "proposal",
                        "This agenda item holds proposals worded otherwise than its issue; name the one this "
                        "position answers: " + "; ".join(f"'{t}'" for t in worded[:5]) + ".",
                    )
            return
        if not text:
            return
        if len(text) > PROPOSAL_TEXT_LENGTH:
            result.error("proposal", f"A proposal is worded in at most {PROPOSAL_TEXT_LENGTH} characters.")
        item = self.agenda_items.get((meeting.pk, issue.pk))
        if not stage and (item is None or (id(item), text) not in self.proposals):
            result.error("stage", "A new proposal needs its stage: agenda, decision or communique.")

    def _rule_errors(self, position):
        """The model's rules on one row (its check constraints, and the source rule of Position.clean)."""
        errors = []
        if (position.evidence == Evidence.CITED) != (position.quote == ""):
            errors.append(("quote", RULES["position_quote_unless_cited"]))
        if position.evidence == Evidence.INFERRED and not position.note:
            errors.append(("note", RULES["position_inferred_has_note"]))
        if position.evidence != Evidence.CITED and not self._source_stored(position.source):
            errors.append(
                ("evidence", "This source's text is not stored, so it cannot be quoted: the evidence is 'cited'.")
            )
        return errors

    def _meeting(self, slug):
        if not slug:
            raise ValueError("Name the meeting (an act aimed at a working body may leave it empty).")
        return super()._meeting(slug)

    def _place(self, meeting, working_body):
        return " · ".join(str(each) for each in (meeting and self._meeting_label(meeting), working_body) if each)

    def _source(self, cells):
        if not (cells.get("source_slug") or cells.get("source")):
            raise ValueError("Every position cites a source (source_slug or source title).")
        return self.lookups.source(cells.get("source_slug", ""), cells.get("source", ""))

    def _load_source(self, source):
        if source.pk not in self.source_texts:
            text = type(source).objects.filter(pk=source.pk).values_list("text", flat=True).first() or ""
            self.source_texts[source.pk] = (normalise(text), bool(text))
        return self.source_texts[source.pk]

    def _source_text(self, source):
        return self._load_source(source)[0]

    def _source_stored(self, source):
        return self._load_source(source)[1]

    def _reporter(self, cells, result, attempt):
        """(participant, person, outlet) who reported it: reported_by_code, or reported_by as a participant's
        name (otherwise the text is an outlet); reported_by_person by slug."""
        if cells.get("attribution") != Attribution.REPORTED:
            return None, None, ""
        code, text = cells.get("reported_by_code", ""), cells.get("reported_by", "")
        outlet, person_slug = cells.get("reported_by_outlet", ""), cells.get("reported_by_person", "")
        person = attempt("reported_by_person", self.lookups.person, person_slug, "") if person_slug else None
        if code:
            return attempt("reported_by", self.lookups.participant, code), person, outlet
        if outlet.strip():
            return None, person, outlet
        if text.strip():
            try:
                return self.lookups.participant(text), person, ""
            except ValueError:
                return None, person, text
        if not person_slug:
            result.error("reported_by", RULES["position_reported_names_reporter"])
        return None, person, ""

    def _agenda_item(self, meeting, issue, outcome):
        """The meeting's agenda item for the issue; added (once, for the whole file) if it has none."""
        item = self.agenda_items.get((meeting.pk, issue.pk))
        if item is None:
            item = AgendaItem(meeting=meeting, issue=issue, outcome=outcome)
            self.agenda_items[(meeting.pk, issue.pk)] = item
            self.new_items.append(item)
        elif outcome and item.outcome != outcome:
            self.original_outcomes.setdefault(id(item), item.outcome)
            if item.pk:
                self.changed_items[item.pk] = item
            item.outcome = outcome
        return item

    def _proposal(self, item, issue, text, stage):
        """The item's proposal with these words, added (with `stage`) if it has none; with no words, the
        item's default proposal, worded as its issue and added as positions.legacy adds it."""
        if not text:
            text, stage = issue.title, ""
        proposal = self.proposals.get((id(item), text))
        if proposal is None:
            proposal = Proposal(agenda_item=item, text=text, stage=stage or default_stage(item))
            self.proposals[(id(item), text)] = proposal
            self.new_proposals.append(proposal)
            if not stage and (account := default_account(proposal, item)):
                self.new_accounts.append(account)
        elif stage and proposal.stage != stage:
            self.original_stages.setdefault(id(proposal), proposal.stage)
            if proposal.pk:
                self.changed_proposals[proposal.pk] = proposal
            proposal.stage = stage
        return proposal

    def _existing(self, positions):
        """The positions already recorded under these rows' keys: one query for the whole chunk."""
        proposals = {p.proposal.pk for p in positions if p.proposal is not None and p.proposal.pk}
        acts = {p.act for p in positions if p.act}
        if not proposals and not acts:
            return {}
        found = Position.objects.filter(
            Q(proposal_id__in=proposals) | Q(proposal__isnull=True, act__in=acts),
            participant_id__in={p.participant_id for p in positions},
        )
        return {self._key(p, self.proposals_by_pk.get(p.proposal_id)): p for p in found}

    @staticmethod
    def _key(position, proposal=None):
        """(proposal, act, meeting, working body, participant, stance, source, quote): the proposal as the
        one object this import holds for it, so a key stays the same once a new proposal is written and
        has an id. A proposal names its meeting and issue; an act has its own meeting."""
        proposal = proposal or position.proposal
        return (
            id(proposal) if proposal is not None else None,
            position.act,
            position.meeting_id if position.act else None,
            position.working_body_id,
            position.participant_id,
            position.stance,
            position.source_id,
            position.quote,
        )

    def _compare(self, result, position, cells, existing):
        if existing is not None:
            # A column the file lacks stays as it is.
            for column in (c for c in OPTIONAL if not any(name in cells for name in OPTIONAL_FROM.get(c, (c,)))):
                field = OPTIONAL_FIELDS.get(column, column)
                setattr(position, field, getattr(existing, field))
            if "evidence" not in cells:
                position.evidence = existing.evidence
        for column, message in self._rule_errors(position):
            result.error(column, message)
        if result.errors:
            result.action = ""
            return
        if existing is None:
            result.action = CREATE
            self.new_positions.append(position)
            return
        after = self._cells(position, self._outcome(position), self._stage(position))
        before = self._cells(existing, self._outcome(position, before=True), self._stage(position, before=True))
        present = [*CHANGEABLE, *(c for c in OPTIONAL if any(n in cells for n in OPTIONAL_FROM.get(c, (c,))))]
        result.changes = [(c, before[c], after[c]) for c in [*present, "quote_verified"] if before[c] != after[c]]
        if not result.changes:
            result.action = UNCHANGED
            return
        result.action = CHANGE
        position.pk = existing.pk
        self.changed_positions.append(position)

    def _outcome(self, position, before=False):
        item = position.proposal.agenda_item if position.proposal is not None else None
        if item is None:
            return ""
        return self.original_outcomes.get(id(item), item.outcome) if before else item.outcome

    def _stage(self, position, before=False):
        proposal = position.proposal
        if proposal is None:
            return ""
        return self.original_stages.get(id(proposal), proposal.stage) if before else proposal.stage

    def _cells(self, position, outcome, stage):
        return {
            "outcome": outcome,
            "stage": stage,
            "attribution": position.attribution,
            "reported_by_code": code_of(self.lookups.participants.get(position.reported_by_id)),
            "reported_by_outlet": position.reported_by_outlet,
            "reported_by_person": code_of(self.lookups.people.get(position.reported_by_person_id), "slug"),
            "evidence": position.evidence,
            "speaker_slug": code_of(self.lookups.people.get(position.speaker_id), "slug"),
            "source_location": position.source_location,
            "note": position.note,
            "quote_verified": "true" if position.quote_verified else "false",
        }

    # --- writing ---

    def discard(self):
        """Forget what the rows checked so far would write (a dry run, or a file with errors)."""
        self.new_items, self.changed_items = [], {}
        self.new_proposals, self.changed_proposals, self.new_accounts = [], {}, []
        self.new_positions, self.changed_positions = [], []

    def write(self):
        """Write what the rows checked since the last call add or change; True if anything was written."""
        now = timezone.now()
        written = False
        if self.new_items:
            bulk_create_with_history(self.new_items, AgendaItem, default_user=self.user)
            self.new_items, written = [], True
        if self.changed_items:
            items = list(self.changed_items.values())
            for item in items:
                item.updated_at = now
            bulk_update_with_history(items, AgendaItem, ["outcome", "updated_at"], default_user=self.user)
            self.changed_items, written = {}, True
        if self.new_proposals:
            for proposal in self.new_proposals:
                proposal.agenda_item = proposal.agenda_item  # an item added above has its id now
            bulk_create_with_history(self.new_proposals, Proposal, default_user=self.user)
            self.proposals_by_pk |= {proposal.pk: proposal for proposal in self.new_proposals}
            self.new_proposals, written = [], True
        if self.changed_proposals:
            proposals = list(self.changed_proposals.values())
            for proposal in proposals:
                proposal.updated_at = now
            bulk_update_with_history(proposals, Proposal, ["stage", "updated_at"], default_user=self.user)
            self.changed_proposals, written = {}, True
        if self.new_accounts:
            for account in self.new_accounts:
                account.proposal = account.proposal
            bulk_create_with_history(self.new_accounts, ProposalAccount, default_user=self.user)
            self.new_accounts, written = [], True
        if self.new_positions:
            for position in self.new_positions:
                position.proposal = position.proposal  # a proposal added above has its id now
                position.follow_proposal()  # its agenda item and meeting: bulk inserts do not call save()
            bulk_create_with_history(self.new_positions, Position, batch_size=500, default_user=self.user)
            self.new_positions, written = [], True
        if self.changed_positions:
            for position in self.changed_positions:
                position.updated_at = now
            fields = [
                "attribution",
                "evidence",
                "reported_by",
                "reported_by_person",
                "reported_by_outlet",
                "speaker",
                "quote_verified",
                "source_location",
                "note",
                "updated_at",
            ]
            bulk_update_with_history(self.changed_positions, Position, fields, batch_size=500, default_user=self.user)
            self.changed_positions, written = [], True
        return written
