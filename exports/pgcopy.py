"""positions.csv on PostgreSQL: the database writes the CSV itself (COPY ... TO STDOUT).

Python-side CSV writing runs at a fraction of COPY's rate (shared/PERFORMANCE-NOTES.md), so on
PostgreSQL the export's SELECT does the formatting and the formula-injection guard in SQL and
COPY streams the result; the filtered queryset is the very one the page shows. A thread runs
COPY into a bounded queue that the response drains, so memory stays flat. SQLite keeps the
Python path (exports.tables.position_rows), and a test holds the two byte-for-byte alike.
"""

import contextlib
import queue
import threading

from django.db import connection
from django.db.models import Case, CharField, F, Func, Value, When
from django.db.models.functions import Coalesce, Concat

from .csvwriter import neutralise
from .tables import POSITION_COLUMNS, _header

FORMULA_PATTERN = r"^[=+\-@\t\r\n]"  # NUL cannot occur in PostgreSQL text
CHUNK = 64 * 1024
_DONE = object()


def _guard(queryset, name, expression):
    """Annotate `name` with the guarded text of `expression`."""
    probe = f"_probe_{name}"
    queryset = queryset.annotate(**{probe: expression if not isinstance(expression, str) else F(expression)})
    guarded = Case(
        When(**{f"{probe}__regex": FORMULA_PATTERN}, then=Concat(Value("'"), F(probe), output_field=CharField())),
        default=F(probe),
        output_field=CharField(),
    )
    return queryset.annotate(**{name: guarded})


def _partial_date(date_field, precision_field):
    def to_char(fmt):
        return Func(F(date_field), Value(fmt), function="to_char", output_field=CharField())

    return Case(
        When(**{precision_field: "year"}, then=to_char("YYYY")),
        When(**{precision_field: "month"}, then=to_char("YYYY-MM")),
        default=to_char("YYYY-MM-DD"),
        output_field=CharField(),
    )


SOURCES = {
    "meeting_slug": "agenda_item__meeting__slug",
    "meeting_title": "agenda_item__meeting__title",
    "meeting_kind": "agenda_item__meeting__kind",
    "meeting_start": _partial_date("agenda_item__meeting__start_date", "agenda_item__meeting__date_precision"),
    "issue_slug": "agenda_item__issue__slug",
    "issue_title": "agenda_item__issue__title",
    "outcome": "agenda_item__outcome",
    "participant": "participant__name",
    "participant_code": "participant__code",
    "participant_kind": "participant__kind",
    "stance": "stance",
    "attribution": "attribution",
    "reported_by": Coalesce(F("reported_by__name"), F("reported_by_outlet"), output_field=CharField()),
    "speaker": "speaker__name",
    "quote": "quote",
    "source": "source__title",
    "source_url": "source__url",
    "id": None,  # a number: never starts with a formula character
    "meeting_date_precision": "agenda_item__meeting__date_precision",
    "reported_by_code": "reported_by__code",
    "reported_by_outlet": "reported_by_outlet",
    "speaker_slug": "speaker__slug",
    "source_slug": "source__slug",
    "source_location": "source_location",
    "note": "note",
}


def position_copy_sql(queryset):
    """The COPY statement for these positions, in positions.csv's columns and the queryset's order."""
    header = _header(POSITION_COLUMNS)
    assert list(SOURCES) == header, "positions.csv's columns changed: update exports/pgcopy.py"
    names = []
    for column, expression in SOURCES.items():
        if expression is None:
            names.append(column)
            continue
        name = f"csv_{column}"
        queryset = _guard(queryset, name, expression)
        names.append(name)
    sql, params = queryset.values_list(*names).query.sql_with_params()
    with connection.cursor() as cursor:
        select = cursor.mogrify(sql, params).decode()
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"


class _QueueWriter:
    def __init__(self, chunks, stop):
        self.chunks, self.stop, self.buffer = chunks, stop, []
        self.size = 0

    def write(self, data):
        if self.stop.is_set():
            raise OSError("the client went away")
        self.buffer.append(data)
        self.size += len(data)
        if self.size >= CHUNK:
            self.flush()

    def flush(self):
        if self.buffer:
            joined = b"".join(self.buffer) if isinstance(self.buffer[0], bytes) else "".join(self.buffer)
            self.chunks.put(joined)
            self.buffer, self.size = [], 0


def stream_position_copy(queryset):
    """Yield positions.csv: the header, then COPY's output in ~64 KB chunks."""
    copy_sql = position_copy_sql(queryset)
    # COPY ends lines with LF (the Python path with CRLF): both are read alike by every CSV reader,
    # and rewriting COPY's output would also rewrite line breaks inside quoted quotes.
    yield ",".join(neutralise(name) for name in _header(POSITION_COLUMNS)) + "\n"
    connection.ensure_connection()
    raw = connection.connection
    chunks, stop, failure = queue.Queue(maxsize=16), threading.Event(), []

    def run():
        writer = _QueueWriter(chunks, stop)
        try:
            with raw.cursor() as cursor:
                cursor.copy_expert(copy_sql, writer)
            writer.flush()
        except Exception as exc:  # handed to the response thread, which raises it
            failure.append(exc)
        finally:
            chunks.put(_DONE)

    thread = threading.Thread(target=run, name="positions-copy", daemon=True)
    thread.start()
    try:
        while (chunk := chunks.get()) is not _DONE:
            yield chunk
    finally:
        stop.set()
        while thread.is_alive():  # let COPY end (it stops at its next write) before the connection is reused
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        thread.join()
    if failure:
        raise failure[0]
