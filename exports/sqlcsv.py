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
from django.db.models import CharField, Func

from kptracker.csvguard import guarded, neutralise, sqlite_guarded

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
    """(sql, params) of PostgreSQL's SELECT for COPY, or None when the queryset can hold no row."""
    return _sql_or_none(position_csv_values(queryset))


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
