"""Importing chairs from CSV, in the columns of /export/chairs.csv.

A row is one account of who chaired (or was vice-chair of) the KP, or one of its working bodies, in a
year: matched on (year, role, body, participant, person), so two accounts of one year that disagree
are two rows. Its note, whether it is a reading, and its sources can change.
"""

from exports.tables import CHAIR_COLUMNS
from governance.models import FIRST_YEAR, LAST_YEAR, Chair, ChairRole

from .import_meetings import RowResult, one_of, parse_count
from .import_records import RecordImport, constraint_messages, links_of

ROLES = tuple(ChairRole.values)
RULES = constraint_messages(Chair)


def parse_year(text):
    year = parse_count(text)
    if year is None:
        raise ValueError("Give the year, e.g. 2024.")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(RULES["chair_year_plausible"])
    return year


class ChairImport(RecordImport):
    kind = "chairs"
    reads = CHAIR_COLUMNS.imported
    free_text = CHAIR_COLUMNS.free_text
    required = (("year",), ("participant_code", "participant"))
    model = Chair
    fields = ("inferred", "note")

    def __init__(self, user=None):
        super().__init__(user)
        self.chairs = {
            self._key(c.year, c.role, c.body_id, c.participant_id, c.person_id): c for c in Chair.objects.all()
        }
        self.sources_of = links_of(Chair.sources)

    @staticmethod
    def _key(year, role, body_id, participant_id, person_id):
        return (year, role, body_id, participant_id, person_id)

    def row(self, line, cells):
        result = RowResult(line)
        attempt = result.attempt
        year = attempt("year", parse_year, cells.get("year", ""))
        role = cells.get("role", "") or ChairRole.CHAIR
        attempt("role", one_of, ROLES, role, "a role")
        participant = person = body = None
        if participant_key := cells.get("participant_code") or cells.get("participant", ""):
            participant = attempt("participant", self.lookups.participant, participant_key)
        else:
            result.error("participant", "Name the chairing participant (participant_code or participant).")
        if cells.get("person_slug") or cells.get("person"):
            person = attempt("person", self.lookups.person, cells.get("person_slug", ""), cells.get("person", ""))
        if cells.get("body"):
            body = attempt("body", self.lookups.working_body, cells["body"])
        inferred = self.boolean(result, cells, "inferred")
        sources = attempt("sources", self.lookups.sources_named, cells["sources"]) if "sources" in cells else None
        if participant:
            where = body.name if body else "the KP"
            result.label = f"{participant} {ChairRole(role).label if role in ROLES else role} of {where}, {year}"
        if result.errors:
            return result
        key = self._key(year, role, body and body.pk, participant.pk, person and person.pk)
        if self.already_on(result, key, line, "chair"):
            return result
        chair = self.chairs.get(key) or Chair(year=year, role=role, body=body, participant=participant, person=person)
        if self.settle_sourced(result, chair, cells, inferred, sources, RULES["chair_inferred_has_note"]):
            self.chairs.setdefault(key, chair)
        return result
