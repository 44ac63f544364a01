"""Importing membership events from CSV, in the columns of /export/memberships.csv.

A row is one account of a dated change in a participant's standing (admitted, suspended,
restrictions lifted…): matched on (participant, event, date at its precision). Its note, whether it
is a reading, and its sources can change.
"""

from exports.tables import MEMBERSHIP_COLUMNS
from governance.models import MembershipEvent, MembershipEventKind
from meetings.dates import DatePrecision, format_partial_date, parse_partial_date

from .import_meetings import RowResult, one_of
from .import_records import RecordImport, constraint_messages, links_of

EVENTS, PRECISIONS = tuple(MembershipEventKind.values), tuple(DatePrecision.values)
RULES = constraint_messages(MembershipEvent)


def starts_its_period(date, precision):
    """The rule of meetings.dates.period_start_condition: a month's date is the 1st, a year's 1 January."""
    if precision == DatePrecision.MONTH:
        return date.day == 1
    if precision == DatePrecision.YEAR:
        return (date.month, date.day) == (1, 1)
    return True


class MembershipImport(RecordImport):
    kind = "memberships"
    reads = MEMBERSHIP_COLUMNS.imported
    free_text = MEMBERSHIP_COLUMNS.free_text
    required = (("participant_code", "participant"), ("event",), ("date",))
    model = MembershipEvent
    fields = ("inferred", "note")

    def __init__(self, user=None):
        super().__init__(user)
        self.events = {
            self._key(e.participant_id, e.event, e.date, e.date_precision): e for e in MembershipEvent.objects.all()
        }
        self.sources_of = links_of(MembershipEvent.sources)

    @staticmethod
    def _key(participant_id, event, date, precision):
        return (participant_id, event, format_partial_date(date, precision))

    def row(self, line, cells):
        result = RowResult(line)
        attempt = result.attempt
        participant = None
        if participant_key := cells.get("participant_code") or cells.get("participant", ""):
            participant = attempt("participant", self.lookups.participant, participant_key)
        else:
            result.error("participant", "Name the participant (participant_code or participant).")
        event = cells.get("event", "")
        attempt("event", one_of, EVENTS, event, "a membership event")
        date, precision = attempt("date", parse_partial_date, cells.get("date", "")) or (None, None)
        if date is None and not result.errors:
            result.error("date", "Give the date: YYYY-MM-DD, YYYY-MM or YYYY.")
        if cells.get("date_precision"):
            precision = attempt("date_precision", one_of, PRECISIONS, cells["date_precision"], "a precision")
        if date is not None and precision and not starts_its_period(date, precision):
            result.error("date", RULES["membership_date_matches_precision"])
        inferred = self.boolean(result, cells, "inferred")
        sources = attempt("sources", self.lookups.sources_named, cells["sources"]) if "sources" in cells else None
        if participant and date is not None and event in EVENTS:
            result.label = f"{participant} {MembershipEventKind(event).label} {format_partial_date(date, precision)}"
        if result.errors:
            return result
        key = self._key(participant.pk, event, date, precision)
        if self.already_on(result, key, line, "membership event"):
            return result
        record = self.events.get(key) or MembershipEvent(
            participant=participant, event=event, date=date, date_precision=precision
        )
        if self.settle_sourced(result, record, cells, inferred, sources, RULES["membership_inferred_has_note"]):
            self.events.setdefault(key, record)
        return result
