"""What the imports of chairs, membership events and accounts of decisions share.

Each of their rows is one record, matched to a recorded one on a key made of the columns that say
which it is (a chair's year, role, body, participant and person; a membership event's participant,
event and date); the other columns (a note, whether it is a reading, its sources) can change. Their
files are short, but they are read like the positions: every record and every link loaded once per
import, every row checked in Python, then written in bulk with its history (editing.bulk), so the
queries do not grow with the rows.
"""

from collections import defaultdict

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

    def discard(self):
        self.created, self.changed, self.links = [], [], {}

    def write(self):
        written = save_with_history(
            self.model, self.created, self.changed, list(self.fields), self.links, user=self.user
        )
        self.discard()
        return written
