"""positions.csv written by the database: every cell formatted and guarded in SQL.

Python-side CSV writing runs at a fraction of the database's own rate (shared/PERFORMANCE-NOTES.md):
converting each value, neutralising each cell and quoting it in Python is what costs. So the
export's SELECT does all of it (partial dates, reported_by, the formula-injection guard), each cell's
SQL from the file's declaration (exports.tables.POSITION_COLUMNS):
- PostgreSQL: the SELECT gives guarded cells and COPY writes the CSV (exports/pgcopy.py);
- SQLite: the SELECT gives each finished CSV record as one text (SQLiteCSVRecord), and Python only
  joins them (stream_position_sqlite).
The queryset is the very one the page filtered. exports.tables.position_rows, the Python path,
is the reference: a test holds both SQL paths to its output, cell for cell.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, F, Func

from kptracker.csvguard import guarded, neutralise, sqlite_guarded
from positions.models import NEWEST_MEETING_FIRST

from .csvwriter import BATCH_SIZE
from .tables import POSITION_COLUMNS

# --- PostgreSQL: guarded cells for COPY ----------------------------------------------------------


def position_csv_values(queryset):
    """`queryset` as rows of positions.csv's guarded cells.

    A number (the id) goes out as it is: COPY writes it as Python does, and none is negative."""
    cells = {c.name: (c.type == "string", c.value.sql()) for c in POSITION_COLUMNS}
    annotations = {f"csv_{name}": guarded(e) for name, (text, e) in cells.items() if text}
    return queryset.annotate(**annotations).values_list(*[f"csv_{n}" if text else n for n, (text, _e) in cells.items()])


# --- SQLite: finished CSV records -----------------------------------------------------------------


class SQLiteCSVRecord(Func):
    """One CSV record as a text: every cell guarded (kptracker.csvguard), then quoted, by SQLite.

    A cell is '"' || REPLACE(guarded text, '"', '""') || '"' (RFC 4180); NULL is an empty cell.
    """

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        cells, params = [], []
        for expression in self.get_source_expressions():
            text, text_params = sqlite_guarded(*compiler.compile(expression))
            cells.append(f"'\"' || REPLACE({text}, '\"', '\"\"') || '\"'")
            params += text_params
        return " || ',' || ".join(cells), params


def position_csv_records(queryset):
    """`queryset` as one finished positions.csv record per row."""
    return queryset.annotate(csv_record=SQLiteCSVRecord(*POSITION_COLUMNS.sql().values())).values_list("csv_record")


def header_line(line_end):
    """positions.csv's header row, the names guarded like every other cell."""
    return ",".join(neutralise(name) for name in POSITION_COLUMNS.names) + line_end


def _sql_or_none(values):
    try:
        return values.query.sql_with_params()
    except EmptyResultSet:  # e.g. .none(): no SQL to run and no row
        return None


def position_csv_sql(queryset):
    """(sql, params) of PostgreSQL's SELECT for COPY, or None when the queryset can hold no row.

    In newest_first's order (the position list's and the export's) the SELECT is the positions at a
    meeting, then those at none (acts aimed at a working body), each part in that same order: see
    `by_meeting_then_none`. Any other order is one SELECT in that order."""
    parts = [_sql_or_none(position_csv_values(part)) for part in by_meeting_then_none(queryset)]
    parts = [part for part in parts if part is not None]
    if len(parts) < 2:
        return parts[0] if parts else None
    return " UNION ALL ".join(f"({sql})" for sql, _params in parts), tuple(p for _sql, ps in parts for p in ps)


def by_meeting_then_none(queryset):
    """`queryset` as the querysets whose rows, one after the other, are its rows in its order.

    Ordered newest meeting first (Position.objects.newest_first), that is the positions at a meeting and
    then those at none, each part in the queryset's order. Split so, the first part joins meetings with
    an inner join, so PostgreSQL can read it meeting by meeting, newest first (meetings' index on their
    start date, meeting_start_idx, read backwards; a nested loop to each meeting's positions), and sort
    only one meeting's positions at a time by the keys after the date (an incremental sort): the first
    rows go out at once instead of after a sort of every row. Over the LEFT JOIN that the positions at
    no meeting need, the meetings cannot lead the join, and every row was sorted before the first was
    sent. COPY runs the parts' UNION ALL in order (exports/pgcopy.py runs it without parallel workers).
    """
    order = queryset.query.order_by
    if not order or order[0] != NEWEST_MEETING_FIRST:
        return [queryset]
    # A meeting's start date is never NULL, so in the first part DESC (NULLS FIRST, PostgreSQL's default)
    # orders as DESC NULLS LAST does, and matches meeting_start_idx read backwards.
    at_a_meeting = queryset.filter(meeting__start_date__isnull=False)
    return [at_a_meeting.order_by(F("meeting__start_date").desc(), *order[1:]), queryset.filter(meeting__isnull=True)]


def stream_position_sqlite(queryset):
    """Yield positions.csv from SQLite: the header, then one chunk per BATCH_SIZE records."""
    yield header_line("\r\n")
    query = _sql_or_none(position_csv_records(queryset))
    if query is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(*query)
        while batch := cursor.fetchmany(BATCH_SIZE):
            yield "".join(f"{row[0]}\r\n" for row in batch)  # DISTINCT may append ORDER BY columns
