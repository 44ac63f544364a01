"""Importing meetings from CSV, in the columns of /export/meetings.csv, and what every import shares.

An export can be edited in a spreadsheet and imported back. Names are matched, never invented: an
unknown participant, person or source is an error naming its line and column. Every row and every
column is checked, and every error is reported at once. What the records need is looked up once per
import (`Lookups`), not once per row. The positions import (editing.import_positions) builds on this.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from exports.tables import MEETING_COLUMNS
from governance.models import WorkingBody
from kptracker.csvguard import unguard
from meetings.dates import format_partial_date, parse_partial_date
from meetings.models import Meeting, Participant, ParticipantAlias, Person, Source

CHAIR_WITH_PERSON = re.compile(r"^(?P<chair>.+?)\s*\((?P<person>[^()]+)\)\s*$")
TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n", ""}
SOURCE_SEPARATOR = ";"

CREATE, CHANGE, UNCHANGED = "create", "change", "unchanged"


@dataclass
class RowResult:
    """What one row of the file does: its line in the file (the header is line 1) and its action,
    with what changes (column, before, after, as the file writes them), its errors and warnings."""

    line: int
    action: str = ""  # CREATE, CHANGE or UNCHANGED; empty for a row with errors
    label: str = ""
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (column, message)
    warnings: list = field(default_factory=list)  # (column, message)
    row: int = 0  # its row in a spreadsheet (the header is row 1): its line unless a cell above has a line break

    @property
    def place(self):
        """Where the row is: 'line 5', or 'line 7 (spreadsheet row 5)' after a cell with line breaks."""
        if self.row and self.row != self.line:
            return f"line {self.line} (spreadsheet row {self.row})"
        return f"line {self.line}"

    def error(self, column, message):
        self.errors.append((column, message))

    def attempt(self, column, function, *args):
        """function(*args), or None with its ValueError recorded against `column`: every error at once."""
        try:
            return function(*args)
        except ValueError as exc:
            self.error(column, str(exc))
            return None


def restore_cell(value, *, free_text=False):
    """A cell's value as the export had it: the formula guard undone (kptracker.csvguard.unguard).

    Free text (a quote, a note, a title) is then kept exactly, leading and trailing white space
    included, so an export imports back unchanged. Codes, slugs, dates, numbers and names to look up
    are also stripped of surrounding white space, which a spreadsheet easily adds and which none can hold.
    """
    if value is None:
        return ""
    text = unguard(value)
    return text if free_text else text.strip()


def parse_boolean(text):
    lowered = text.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError(f"'{text}' is not true or false.")


def parse_count(text):
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"'{text}' is not a whole number.")
    return int(text)


def one_of(values, text, what):
    """`text` if it is one of a field's choices, else a ValueError listing them."""
    if text not in values:
        raise ValueError(f"'{text}' is not {what}: one of {', '.join(values)}.")
    return text


def key(text):
    return text.strip().casefold()


class Lookups:
    """Participants, people and sources, each loaded once per import and matched in memory."""

    def __init__(self):
        self.participants = {p.pk: p for p in Participant.objects.only("pk", "code", "name")}
        self._participant_keys = {}
        for participant in self.participants.values():
            for text in (participant.code, participant.name):
                self._participant_keys.setdefault(key(text), set()).add(participant.pk)
        for alias, participant_id in ParticipantAlias.objects.values_list("name", "participant_id"):
            self._participant_keys.setdefault(key(alias), set()).add(participant_id)
        self.people = {p.pk: p for p in Person.objects.only("pk", "slug", "name")}
        self._people_by_slug = {p.slug: p for p in self.people.values()}
        self._people_by_name = {}
        for person in self.people.values():
            self._people_by_name.setdefault(key(person.name), []).append(person)
        self.sources = {s.pk: s for s in Source.objects.only("pk", "slug", "title")}
        self._sources_by_slug = {s.slug: s for s in self.sources.values()}
        self._sources_by_title = {}
        for source in self.sources.values():
            self._sources_by_title.setdefault(source.title, []).append(source)
        self._working_bodies = None

    def participant(self, text):
        """The one participant whose code, name or alias is `text` (case and surrounding spaces ignored)."""
        found = self._participant_keys.get(key(text), set())
        if len(found) == 1:
            return self.participants[next(iter(found))]
        if not found:
            raise ValueError(
                f"No participant has the code, name or alias '{text.strip()}'. Add it (or an alias) first."
            )
        raise ValueError(f"'{text.strip()}' matches more than one participant: use the code.")

    def person(self, slug, name):
        if slug:
            if slug not in self._people_by_slug:
                raise ValueError(f"No person has the slug '{slug}'.")
            return self._people_by_slug[slug]
        found = self._people_by_name.get(key(name), [])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(f"No person is named '{name}'. Add them in the admin first.")
        raise ValueError(f"More than one person is named '{name}': give their slug.")

    def working_body(self, slug):
        if self._working_bodies is None:  # loaded when first asked: only acts and chairs name one
            self._working_bodies = {body.slug: body for body in WorkingBody.objects.only("pk", "slug", "name")}
        if slug not in self._working_bodies:
            raise ValueError(f"No working body has the slug '{slug}'. Add it in the admin first.")
        return self._working_bodies[slug]

    def participants_named(self, text):
        """The participants of a '; '-joined list of codes (or names, or aliases), each once."""
        return _each(self.participant, text)

    def sources_named(self, text):
        """The sources of a '; '-joined list of slugs, each once."""
        return _each(lambda slug: self.source(slug, ""), text)

    def source(self, slug, title):
        if slug:
            if slug not in self._sources_by_slug:
                raise ValueError(f"No source has the slug '{slug}'.")
            return self._sources_by_slug[slug]
        found = self._sources_by_title.get(title, [])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(f"No source has the title '{title}'. Add the source first.")
        raise ValueError(f"More than one source has the title '{title}': give source_slug.")


def _each(find, text):
    """find(part) for each part of a '; '-joined list, each record once; every unknown part named at once."""
    found, problems = [], []
    for part in (part.strip() for part in text.split(SOURCE_SEPARATOR)):
        if not part:
            continue
        try:
            record = find(part)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if record not in found:
            found.append(record)
    if problems:
        raise ValueError(" ".join(problems))
    return found


def code_of(record, attribute="code"):
    return getattr(record, attribute) if record is not None else ""


def message_dict(error):
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"": error.messages}


# --- meetings ------------------------------------------------------------------------------------

# Columns naming another meeting by its slug.
TIES = ("part_of", "replaces")

# What a meetings file's columns become: (column, how the file writes the meeting's value).
MEETING_FIELD_COLUMNS = {
    "title": "title",
    "kind": "kind",
    "status": "status",
    "number": "number",
    "start_date": "start_date",
    "end_date": "end_date",
    "date_precision": "date_precision",
    "city": "city",
    "host_country": "host_country",
    "is_virtual": "is_virtual",
    "chair": "chair",
    "chair_person": "chair",
    "theme": "theme",
    "participants_count": "participants_count",
    "countries_count": "countries_count",
    "summary": "summary",
    "notes": "notes",
    "part_of": "part_of",
    "replaces": "replaces",
    "ties_inferred": "ties_inferred",
    "planned_city": "planned_city",
    "planned_host_country": "planned_host_country",
}


class MeetingImport:
    """Meetings, matched on their slug: a new slug is a new meeting, a known one is updated.

    Only the columns the file has are applied, so a file of slugs and titles changes only titles.
    Meetings files are short (a row per KP meeting): each row is checked with the model's own
    validation (constraints included), which asks the database a few questions per row.
    """

    kind = "meetings"
    reads = MEETING_COLUMNS.imported
    required = (("slug",),)
    free_text = MEETING_COLUMNS.free_text

    def __init__(self, user=None):
        self.user = user
        self.lookups = Lookups()
        self.meetings = {m.slug: m for m in Meeting.objects.prefetch_related("sources")}
        self.slugs = {m.pk: m.slug for m in self.meetings.values()}
        self.seen = {}
        self.pending = []
        # part_of and replaces, by slug. A tie names a recorded meeting or one on an earlier line, so
        # writing the rows in file order saves each meeting after the one it names.
        self.ties = defaultdict(dict)

    def process(self, rows):
        return [self.row(line, cells) for line, cells in rows]

    def row(self, line, cells):
        result = RowResult(line)
        slug = cells.get("slug", "")
        existing = self.meetings.get(slug)
        if not slug:
            result.error("slug", "Every meeting needs a slug.")
        elif slug in self.seen:
            result.error("slug", f"The same meeting as line {self.seen[slug]}: one row per meeting.")
        else:
            self.seen[slug] = line
        meeting = Meeting(slug=slug) if existing is None else _copy(existing)
        before = self.cells_of(existing) if existing else {}
        sources = self._apply(meeting, cells, result)
        if sources is None and existing is not None:
            sources = list(existing.sources.all())
        exclude = {"sources", *(_FIELD_OF.get(column, column) for column, _ in result.errors)}
        try:
            meeting.full_clean(exclude=sorted(exclude), validate_unique=True)
        except ValidationError as exc:
            for name, messages in message_dict(exc).items():
                for message in messages:
                    result.error(MEETING_FIELD_COLUMNS.get(name, name or "(row)"), message)
        result.label = str(meeting)
        if result.errors:
            return result
        after = self.cells_of(meeting, sources or [])
        if existing is None:
            result.action = CREATE
        else:
            result.changes = [(c, before[c], after[c]) for c in after if before[c] != after[c]]
            result.action = CHANGE if result.changes else UNCHANGED
        if result.action != UNCHANGED:
            self.pending.append((meeting, sources))
        return result

    def _apply(self, meeting, cells, result):
        """Set the meeting's fields from the columns the file has; the sources, or None without that column."""

        attempt = result.attempt
        for column in ("title", "kind", "status", "city", "theme", "summary", "notes", "planned_city"):
            if column in cells:
                setattr(meeting, column, cells[column])
        for column in ("host_country", "planned_host_country"):
            if column in cells:
                setattr(meeting, column, cells[column].upper())
        for column in TIES:
            if column in cells:
                self.ties[meeting.slug][column] = attempt(column, self._tie, column, meeting.slug, cells[column])
        for column in ("number", "participants_count", "countries_count"):
            if column in cells:
                setattr(meeting, column, attempt(column, parse_count, cells[column]))
        if "start_date" in cells:
            start, precision = attempt("start_date", parse_partial_date, cells["start_date"]) or (None, None)
            if start is None and not any(c == "start_date" for c, _ in result.errors):
                result.error("start_date", "Every meeting needs a start date (YYYY-MM-DD, YYYY-MM or YYYY).")
            meeting.start_date = start
            meeting.date_precision = cells.get("date_precision") or precision or meeting.date_precision
        elif cells.get("date_precision"):
            meeting.date_precision = cells["date_precision"]
        if "end_date" in cells:
            meeting.end_date = (attempt("end_date", parse_partial_date, cells["end_date"]) or (None, None))[0]
        for column in ("is_virtual", "ties_inferred"):
            if column in cells:
                setattr(meeting, column, bool(attempt(column, parse_boolean, cells[column])))
        if "chair" in cells or "chair_code" in cells:
            self._apply_chair(meeting, cells, attempt)
        if "sources" not in cells:
            return None
        slugs = [slug.strip() for slug in cells["sources"].split(SOURCE_SEPARATOR) if slug.strip()]
        sources = [attempt("sources", self.lookups.source, slug, "") for slug in slugs]
        return [source for source in sources if source is not None]

    def _apply_chair(self, meeting, cells, attempt):
        chair_text, person_text = cells.get("chair", ""), ""
        match = CHAIR_WITH_PERSON.match(chair_text)
        if match:
            chair_text, person_text = match["chair"], match["person"]
        chair_key = cells.get("chair_code") or chair_text
        meeting.chair = attempt("chair", self.lookups.participant, chair_key) if chair_key else None
        person_slug = cells.get("chair_person_slug", "")
        meeting.chair_person = (
            attempt("chair", self.lookups.person, person_slug, person_text) if person_slug or person_text else None
        )

    def _tie(self, column, slug, other):
        """The slug of a meeting this one is tied to: recorded already, or earlier in the file; "" for none."""
        if not other:
            return ""
        if other == slug:
            raise ValueError("A meeting cannot be tied to itself.")
        if other not in self.meetings and other not in self.seen:
            raise ValueError(f"No meeting has the slug '{other}' (recorded, or on an earlier line of the file).")
        chain, current = [slug], other
        while current and current not in chain[1:]:
            chain.append(current)
            if current == slug:
                raise ValueError(f"That would make a loop: {' → '.join(chain)}.")
            current = self._tied_to(current, column)
        return other

    def _tied_to(self, slug, column):
        """The slug `slug`'s meeting is tied to by `column`: as this file sets it, or else as recorded."""
        if column in self.ties.get(slug, {}):
            return self.ties[slug][column]
        recorded = self.meetings.get(slug)
        return self._slug_of(getattr(recorded, f"{column}_id")) if recorded is not None else ""

    def cells_of(self, meeting, sources=None):
        """The meeting as a meetings.csv row would write it (only what an import can change)."""
        sources = meeting.sources.all() if sources is None else sources
        values = {
            column: getattr(meeting, column)
            for column in (
                "title",
                "kind",
                "status",
                "city",
                "host_country",
                "theme",
                "summary",
                "notes",
                "planned_city",
                "planned_host_country",
            )
        }
        values |= {
            column: "" if getattr(meeting, column) is None else str(getattr(meeting, column))
            for column in ("number", "participants_count", "countries_count")
        }
        values |= {
            "start_date": format_partial_date(meeting.start_date, meeting.date_precision),
            "end_date": format_partial_date(meeting.end_date, meeting.date_precision),
            "date_precision": meeting.date_precision,
            "is_virtual": "true" if meeting.is_virtual else "false",
            "ties_inferred": "true" if meeting.ties_inferred else "false",
            "chair": code_of(self.lookups.participants.get(meeting.chair_id)),
            "chair_person_slug": code_of(self.lookups.people.get(meeting.chair_person_id), "slug"),
            "sources": "; ".join(sorted(source.slug for source in sources)),
        }
        ties = self.ties.get(meeting.slug, {})
        for column in TIES:
            values[column] = ties[column] if column in ties else self._slug_of(getattr(meeting, f"{column}_id"))
        return values

    def _slug_of(self, pk):
        return "" if pk is None else self.slugs.get(pk, "")

    def discard(self):
        self.pending = []

    def write(self):
        # In file order: a tie names a recorded meeting or one saved on an earlier line. One save each,
        # so a meeting's history shows it as it was written.
        for meeting, sources in self.pending:
            for column, slug in self.ties.get(meeting.slug, {}).items():
                setattr(meeting, column, self.meetings[slug] if slug else None)
            meeting.save()
            if sources is not None:
                meeting.sources.set(sources)
            self.meetings[meeting.slug] = meeting
        written, self.pending = bool(self.pending), []
        return written


_FIELD_OF = {"chair": "chair_person", "sources": "sources"}


def _copy(meeting):
    """An unsaved copy of a recorded meeting to apply a row to, the original kept to compare with."""
    copy = Meeting(**{f.attname: getattr(meeting, f.attname) for f in Meeting._meta.concrete_fields})
    copy._state.adding = False  # its uniqueness is checked against the other meetings, not itself
    return copy
