"""Importing positions from CSV, in the columns of /export/positions.csv.

A row names its meeting and issue by slug, its participant by code, name or alias, its source by
slug or title. The agenda item is found, or added to the meeting, with the row's outcome. Rows are
matched to existing positions by (meeting, issue, participant, stance, source), so importing an
export changes nothing.

Built for large files: every name is resolved against lookups loaded once per import, existing
positions are read once per chunk of rows, and writes are bulk inserts and updates (with their
history), so the work per row is Python alone.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from exports.tables import POSITION_COLUMNS
from meetings.models import Meeting
from positions.models import AgendaItem, Attribution, Issue, Outcome, Position, Stance
from positions.quotes import normalise

from .import_meetings import CHANGE, CREATE, UNCHANGED, Lookups, RowResult, code_of, message_dict, one_of

UNVERIFIED = (
    "Not found in the text of its source (spacing and quote marks ignored): it will be saved and marked "
    "unverified. Check it against the source."
)
# The codes each coded column takes (read once: TextChoices.values builds a new list on every call).
OUTCOMES, STANCES, ATTRIBUTIONS = tuple(Outcome.values), tuple(Stance.values), tuple(Attribution.values)
# Columns that can change on a matched position, as the file writes them.
CHANGEABLE = ("outcome", "attribution", "reported_by_code", "reported_by_outlet", "speaker_slug", "quote")
OPTIONAL_TEXT = ("source_location", "note")
# The rest of a position's fields are checked by the model's own validation (lengths, blank); the
# related records are found in the lookups, so no row asks the database anything.
CHECKED_ABOVE = ["agenda_item", "participant", "reported_by", "speaker", "source", "stance", "attribution"]
FIELD_COLUMNS = {"reported_by": "reported_by", "speaker": "speaker", "source": "source", "__all__": "(row)"}


class PositionImport:
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
        self.meetings = {m.slug: m for m in Meeting.objects.only("pk", "slug", "title", "start_date")}
        self.issues = {i.slug: i for i in Issue.objects.only("pk", "slug", "title")}
        # Whole records: a changed one is written back with its history.
        self.agenda_items = {(item.meeting_id, item.issue_id): item for item in AgendaItem.objects.all()}
        self.items_by_pk = {item.pk: item for item in self.agenda_items.values()}
        self.source_texts, self.meeting_labels = {}, {}
        self.seen = {}  # position key → the line that has it: one row per position
        self.original_outcomes = {}  # id(agenda item) → its outcome before this file
        self.new_items, self.changed_items = [], {}
        self.new_positions, self.changed_positions = [], []

    # --- checking ---

    def process(self, rows):
        """Check a chunk of (line, cells) rows; keep what they would write for `write`."""
        prepared = [self.resolve(line, cells) for line, cells in rows]
        existing = self._existing([p for _r, p, _c in prepared if p is not None and p.agenda_item.pk])
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
        meeting = attempt("meeting_slug", self._meeting, cells.get("meeting_slug", ""))
        issue = attempt("issue_slug", self._issue, cells.get("issue_slug", ""))
        outcome = cells.get("outcome", "")
        if outcome:
            attempt("outcome", one_of, OUTCOMES, outcome, "an outcome")
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
        attempt("stance", one_of, STANCES, stance, "a stance")
        attribution = cells.get("attribution", "")
        attempt("attribution", one_of, ATTRIBUTIONS, attribution, "an attribution")
        reporter, outlet = self._reporter(cells, result, attempt)
        position = Position(
            participant=participant,
            stance=stance,
            attribution=attribution,
            reported_by=reporter,
            reported_by_outlet=outlet,
            speaker=speaker,
            quote=cells.get("quote", ""),
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
        if meeting and issue and participant:
            result.label = f"{participant} {position.stance} {issue} ({self._meeting_label(meeting)})"
        if result.errors:
            return result, None, cells
        position.agenda_item = self._agenda_item(meeting, issue, outcome)
        line_before = self.seen.setdefault(self._key(position), line)
        if line_before != line:
            result.error(
                "(row)", f"The same position as line {line_before} (meeting, issue, participant, stance, source)."
            )
            return result, None, cells
        position.quote_verified = normalise(position.quote) in self._source_text(source)
        if not position.quote_verified:
            result.warnings.append(("quote", UNVERIFIED))
        return result, position, cells

    def _meeting(self, slug):
        if slug not in self.meetings:
            raise ValueError(f"No meeting has the slug '{slug}'. Import or add the meeting first.")
        return self.meetings[slug]

    def _meeting_label(self, meeting):
        if meeting.pk not in self.meeting_labels:
            self.meeting_labels[meeting.pk] = str(meeting)
        return self.meeting_labels[meeting.pk]

    def _issue(self, slug):
        if slug not in self.issues:
            raise ValueError(f"No issue has the slug '{slug}'. Add the issue first.")
        return self.issues[slug]

    def _source(self, cells):
        if not (cells.get("source_slug") or cells.get("source")):
            raise ValueError("Every position cites a source (source_slug or source title).")
        return self.lookups.source(cells.get("source_slug", ""), cells.get("source", ""))

    def _source_text(self, source):
        if source.pk not in self.source_texts:
            text = type(source).objects.filter(pk=source.pk).values_list("text", flat=True).first()
            self.source_texts[source.pk] = normalise(text)
        return self.source_texts[source.pk]

    def _reporter(self, cells, result, attempt):
        """reported_by_code, or reported_by as a participant's name; otherwise the text is an outlet."""
        if cells.get("attribution") != Attribution.REPORTED:
            return None, ""
        code, text = cells.get("reported_by_code", ""), cells.get("reported_by", "")
        outlet = cells.get("reported_by_outlet", "")
        if code:
            return attempt("reported_by", self.lookups.participant, code), ""
        if outlet.strip():
            return None, outlet
        if text.strip():
            try:
                return self.lookups.participant(text), ""
            except ValueError:
                return None, text
        result.error("reported_by", "A reported position names who reported it: a participant or an outlet.")
        return None, ""

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

    def _existing(self, positions):
        """The positions already recorded under these rows' keys: one query for the whole chunk."""
        if not positions:
            return {}
        found = Position.objects.filter(
            agenda_item_id__in={p.agenda_item.pk for p in positions},
            participant_id__in={p.participant_id for p in positions},
        )
        return {self._key(p, self.items_by_pk[p.agenda_item_id]): p for p in found}

    @staticmethod
    def _key(position, item=None):
        """(agenda item, participant, stance, source): the agenda item as the one object this import
        holds for it, so a key stays the same once a new item is written and has an id."""
        item = item or position.agenda_item
        return (id(item), position.participant_id, position.stance, position.source_id)

    def _compare(self, result, position, cells, existing):
        item = position.agenda_item
        before_outcome = self.original_outcomes.get(id(item), item.outcome)
        if existing is None:
            result.action = CREATE
            self.new_positions.append(position)
            return
        after = self._cells(position, position.agenda_item.outcome)
        before = self._cells(existing, before_outcome)
        present = [c for c in CHANGEABLE if c != "speaker_slug" or "speaker" in cells or "speaker_slug" in cells]
        present += [c for c in OPTIONAL_TEXT if c in cells] + ["quote_verified"]
        result.changes = [(c, before[c], after[c]) for c in present if before[c] != after[c]]
        if not result.changes:
            result.action = UNCHANGED
            return
        result.action = CHANGE
        for column in (c for c in OPTIONAL_TEXT if c not in cells):  # a column the file lacks stays as it is
            setattr(position, column, getattr(existing, column))
        if "speaker_slug" not in cells and "speaker" not in cells:
            position.speaker_id = existing.speaker_id
        position.pk = existing.pk
        self.changed_positions.append(position)

    def _cells(self, position, outcome):
        return {
            "outcome": outcome,
            "attribution": position.attribution,
            "reported_by_code": code_of(self.lookups.participants.get(position.reported_by_id)),
            "reported_by_outlet": position.reported_by_outlet,
            "speaker_slug": code_of(self.lookups.people.get(position.speaker_id), "slug"),
            "quote": position.quote,
            "source_location": position.source_location,
            "note": position.note,
            "quote_verified": "true" if position.quote_verified else "false",
        }

    # --- writing ---

    def discard(self):
        """Forget what the rows checked so far would write (a dry run, or a file with errors)."""
        self.new_items, self.changed_items = [], {}
        self.new_positions, self.changed_positions = [], []

    def write(self):
        """Write what the rows checked since the last call add or change; True if anything was written."""
        now = timezone.now()
        written = False
        if self.new_items:
            bulk_create_with_history(self.new_items, AgendaItem, default_user=self.user)
            self.items_by_pk |= {item.pk: item for item in self.new_items}
            self.new_items, written = [], True
        if self.changed_items:
            items = list(self.changed_items.values())
            for item in items:
                item.updated_at = now
            bulk_update_with_history(items, AgendaItem, ["outcome", "updated_at"], default_user=self.user)
            self.changed_items, written = {}, True
        if self.new_positions:
            for position in self.new_positions:
                position.agenda_item_id = position.agenda_item.pk
            bulk_create_with_history(self.new_positions, Position, batch_size=500, default_user=self.user)
            self.new_positions, written = [], True
        if self.changed_positions:
            for position in self.changed_positions:
                position.updated_at = now
            fields = [
                "attribution",
                "reported_by",
                "reported_by_outlet",
                "speaker",
                "quote",
                "quote_verified",
                "source_location",
                "note",
                "updated_at",
            ]
            bulk_update_with_history(self.changed_positions, Position, fields, batch_size=500, default_user=self.user)
            self.changed_positions, written = [], True
        return written
