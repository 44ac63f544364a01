"""What the imports of chairs, membership events and accounts of decisions share.

Each of their rows is one record, matched to a recorded one on a key made of the columns that say
which it is (a chair's year, role, body, participant and person; a membership event's participant,
event and date); the other columns (a note, whether it is a reading, its sources) can change. Their
files are short, but they are read like the positions: every record and every link loaded once per
import, every row checked in Python, then written in bulk with its history (editing.bulk), so the
queries do not grow with the rows.
"""

from collections import defaultdict

from meetings.models import Meeting
from positions.models import Issue

from .bulk import save_with_history
from .import_meetings import CHANGE, CREATE, UNCHANGED, Lookups, parse_boolean

SOURCES_REQUIRED = "Name the sources of this account: their slugs, joined with '; '."


def links_of(relation):
    """{record pk: [related pks]} of a many-to-many relation (e.g. Chair.sources), in one query."""
    field = relation.field
    owner, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    links = defaultdict(list)
    for owner_pk, target_pk in relation.through.objects.values_list(owner, target).order_by(owner, target):
        links[owner_pk].append(target_pk)
    return links


def codes(records, attribute):
    """Records as the export writes a list of them: their codes or slugs, sorted, joined with '; '."""
    return "; ".join(sorted(getattr(record, attribute) for record in records))


def constraint_messages(model):
    return {c.name: c.violation_error_message for c in model._meta.constraints}


class MeetingsAndIssues:
    """Meetings and issues named by slug, loaded once per import: the positions and proposals files
    name both. Call load_meetings_and_issues() in __init__."""

    def load_meetings_and_issues(self):
        self.meetings = {m.slug: m for m in Meeting.objects.only("pk", "slug", "title", "start_date")}
        self.issues = {i.slug: i for i in Issue.objects.only("pk", "slug", "title")}
        self.meeting_labels = {}

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


class RecordImport:
    """The records of one model, each with its many-to-many links, created or changed in bulk."""

    model = None
    fields = ()  # what a row can change on a recorded one, written back on update

    def __init__(self, user=None):
        self.user = user
        self.lookups = Lookups()
        self.seen = {}  # key → the line that has it: one row per record
        self.created, self.changed, self.links = [], [], {}

    def process(self, rows):
        return [self.row(line, cells) for line, cells in rows]

    def already_on(self, result, key, line, what):
        """Whether an earlier line of the file has this record; if so, an error says which."""
        first = self.seen.setdefault(key, line)
        if first != line:
            result.error("(row)", f"The same {what} as line {first}: one row each.")
        return first != line

    @staticmethod
    def boolean(result, cells, column):
        """A true/false column: None when the file does not have it."""
        if column not in cells:
            return None
        return bool(result.attempt(column, parse_boolean, cells[column]))

    def settle(self, result, record, before, after, links):
        """The row's action from the record's cells before and after it (only the columns the file has),
        and what it will write."""
        if before is None:
            result.action = CREATE
            self.created.append(record)
        else:
            result.changes = [
                (column, before[column], value) for column, value in after.items() if before[column] != value
            ]
            if not result.changes:
                result.action = UNCHANGED
                return
            result.action = CHANGE
            self.changed.append(record)
        if links:
            self.links[id(record)] = links

    def settle_sourced(self, result, record, cells, inferred, sources, reading_rule):
        """The end of a row whose record has a note, a reading flag and sources (a chair, a membership
        event): apply what the file gives, check the rules, and settle it. Whether it will be written."""
        before = None if record.pk is None else self.sourced_cells(record, self.sources_of.get(record.pk, []))
        if inferred is not None:
            record.inferred = inferred
        if "note" in cells:
            record.note = cells["note"]
        source_pks = [s.pk for s in sources] if sources is not None else self.sources_of.get(record.pk, [])
        if record.inferred and not record.note:
            result.error("note", reading_rule)
        if not source_pks:
            result.error("sources", SOURCES_REQUIRED)
        if result.errors:
            return False
        after = self.sourced_cells(record, source_pks)
        present = [c for c in ("inferred", "note", "sources") if c in cells]
        self.settle(result, record, before, {c: after[c] for c in present}, {"sources": source_pks} if sources else {})
        return True

    def sourced_cells(self, record, source_pks):
        return {
            "inferred": "true" if record.inferred else "false",
            "note": record.note,
            "sources": codes([self.lookups.sources[pk] for pk in source_pks], "slug"),
        }

    def discard(self):
        self.created, self.changed, self.links = [], [], {}

    def write(self):
        written = save_with_history(
            self.model, self.created, self.changed, list(self.fields), self.links, user=self.user
        )
        self.discard()
        return written
