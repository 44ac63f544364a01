"""positions.csv written by the database: every cell formatted and guarded in SQL.

Python-side CSV writing runs at a fraction of the database's own rate (shared/PERFORMANCE-NOTES.md):
converting each value, neutralising each cell and quoting it in Python is what costs. So the
export's SELECT does all of it (partial dates, reported_by, the formula-injection guard), each cell's
SQL from the file's declaration (exports.tables.POSITION_COLUMNS):
- PostgreSQL: the SELECT gives the cells, an outer SELECT guards them, and COPY writes the CSV
  (exports/pgcopy.py);
- SQLite: the SELECT gives each record's guarded cells as one text (SQLiteCSVRecord), and Python
  quotes a batch of them at once (quote_records, stream_position_sqlite).
The queryset is the very one the page filtered. exports.tables.position_rows, the Python path,
is the reference: a test holds both SQL paths to its output, cell for cell.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BinaryField, F, Func

from kptracker.csvguard import neutralise, postgresql_guarded, sqlite_guarded
from positions.models import NEWEST_MEETING_FIRST, Position

from .csvwriter import BATCH_SIZE
from .tables import POSITION_COLUMNS

# --- PostgreSQL: guarded cells for COPY ----------------------------------------------------------


def position_csv_values(queryset):
    """`queryset` as rows of positions.csv's cells, text not yet guarded (`guarded_select` does that).

    A number (the id) goes out as it is: COPY writes it as Python does, and none is negative."""
    annotations = {f"csv_{c.name}": c.value.sql() for c in POSITION_COLUMNS if c.type == "string"}
    return queryset.annotate(**annotations).values_list(*_select_names())


def _select_names():
    return [f"csv_{c.name}" if c.type == "string" else c.name for c in POSITION_COLUMNS]


def guarded_select(sql, params):
    """(sql, params): every row of `sql` (position_csv_values' columns) in its order, each text guarded.

    Guarded over the finished rows rather than inside the SELECT: there, under the sort by meeting, the
    guard cost twice as much (3.2 s of 11 s at a million positions, against 1.5 s over the sorted rows).
    """
    cells, guard_params = [], []
    for column, name in zip(POSITION_COLUMNS, _select_names(), strict=True):
        reference = f"csv_rows.{connection.ops.quote_name(name)}"
        if column.type == "string":
            cell, cell_params = postgresql_guarded(reference)
            cells.append(cell)
            guard_params += cell_params
        else:
            cells.append(reference)
    # Only fixed text and the declared columns' quoted names go into the statement; values are parameters.
    return f"SELECT {', '.join(cells)} FROM ({sql}) csv_rows", (*guard_params, *params)  # noqa: S608


# --- SQLite: finished CSV records -----------------------------------------------------------------

# A record's cells come out of SQLite joined by the unit separator, and Python quotes a whole batch of
# records at once: three byte replacements over the batch instead of a REPLACE per cell in SQL (which
# cost a third of the export's time). Exact only when no cell holds a separator, which the counts
# prove; a batch where one does goes the slow way, its rows formatted cell by cell by SQLite.
CELL_END = b"\x1f"
RECORD_END = b"\x1e"


class SQLiteCSVRecord(Func):
    """One record's cells as UTF-8 bytes: every cell guarded (kptracker.csvguard), NULL as empty.

    `quoted=False`: the cells joined by CELL_END, for `quote_records`. `quoted=True`: the finished
    record, each cell '"' || REPLACE(cell, '"', '""') || '"' (RFC 4180), joined by commas.
    """

    output_field = BinaryField()

    def __init__(self, *expressions, quoted):
        super().__init__(*expressions)
        self.quoted = quoted

    def as_sqlite(self, compiler, connection, **extra_context):
        cells, params = [], []
        for expression in self.get_source_expressions():
            text, text_params = sqlite_guarded(*compiler.compile(expression))
            cells.append(f"'\"' || REPLACE({text}, '\"', '\"\"') || '\"'" if self.quoted else text)
            params += text_params
        joined = " || ',' || ".join(cells) if self.quoted else f" || char({CELL_END[0]}) || ".join(cells)
        return f"CAST({joined} AS BLOB)", params


def position_csv_records(queryset, *, quoted=False):
    """`queryset` as (record, pk) per row: see SQLiteCSVRecord."""
    record = SQLiteCSVRecord(*POSITION_COLUMNS.sql().values(), quoted=quoted)
    return queryset.annotate(csv_record=record).values_list("csv_record", "pk")


def quote_records(records):
    """CSV lines (bytes, CRLF after each) of records whose cells are joined by CELL_END; None if a cell
    holds CELL_END or RECORD_END, so that the cells cannot be told apart."""
    batch = RECORD_END.join(records)
    cuts = len(POSITION_COLUMNS) - 1
    if batch.count(CELL_END) != cuts * len(records) or batch.count(RECORD_END) != len(records) - 1:
        return None
    return b'"' + batch.replace(b'"', b'""').replace(CELL_END, b'","').replace(RECORD_END, b'"\r\n"') + b'"\r\n'


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
    if not parts:
        return None
    if len(parts) == 1:
        return guarded_select(*parts[0])
    union = " UNION ALL ".join(f"({sql})" for sql, _params in parts)
    return guarded_select(union, tuple(p for _sql, ps in parts for p in ps))


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
    """Yield positions.csv from SQLite as UTF-8 bytes: the header, then one chunk per BATCH_SIZE records."""
    yield header_line("\r\n").encode()
    query = _sql_or_none(position_csv_records(queryset))
    if query is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(*query)
        while batch := cursor.fetchmany(BATCH_SIZE):
            lines = quote_records([row[0] for row in batch])  # DISTINCT may append ORDER BY columns
            yield lines if lines is not None else _one_by_one(batch)


def _one_by_one(batch):
    """A batch's CSV lines, where some cell holds a separator: the records that do are finished by
    SQLite, cell by cell (one more query for all of them), the others as usual. A record depends only on
    its position, so they are read by id; one deleted meanwhile is left out, as a later export would."""
    lines = [quote_records([record]) for record, *_pk in batch]
    awkward = [row[1] for row, line in zip(batch, lines, strict=True) if line is None]
    redone = position_csv_records(Position.objects.filter(pk__in=awkward), quoted=True)
    finished = {pk: record + b"\r\n" for record, pk in redone}
    return b"".join(
        line if line is not None else finished.get(row[1], b"") for row, line in zip(batch, lines, strict=True)
    )
