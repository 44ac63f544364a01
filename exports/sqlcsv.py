"""positions.csv written by the database: every cell formatted and guarded in SQL.

Python-side CSV writing runs at a fraction of the database's own rate (shared/PERFORMANCE-NOTES.md):
converting each value, neutralising each cell and quoting it in Python is what costs. So the
export's SELECT does all of it (partial dates, reported_by, the formula-injection guard):
- PostgreSQL: the SELECT gives guarded cells and COPY writes the CSV (exports/pgcopy.py);
- SQLite: the SELECT gives each finished CSV record as one text (SQLiteCSVRecord), and Python only
  joins them (stream_position_sqlite).
The queryset is the very one the page filtered. exports.tables.position_rows, the Python path,
is the reference: a test holds both SQL paths to its output, cell for cell.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, CharField, F, Func, Value, When
from django.db.models.functions import Coalesce, Concat, Left, Substr
from django.db.models.lookups import In

from kptracker.csvguard import GUARD, GUARDED_STARTS

from .csvwriter import BATCH_SIZE, neutralise
from .tables import POSITION_COLUMNS, _header


def _cells():
    """positions.csv's columns, in order: what each holds, as a field path or an expression."""
    return {
        "meeting_slug": "agenda_item__meeting__slug",
        "meeting_title": "agenda_item__meeting__title",
        "meeting_kind": "agenda_item__meeting__kind",
        "meeting_start": partial_date("agenda_item__meeting__start_date", "agenda_item__meeting__date_precision"),
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
        "id": "id",
        "meeting_date_precision": "agenda_item__meeting__date_precision",
        "reported_by_code": "reported_by__code",
        "reported_by_outlet": "reported_by_outlet",
        "speaker_slug": "speaker__slug",
        "source_slug": "source__slug",
        "source_location": "source_location",
        "note": "note",
    }


def _expressions():
    cells = _cells()
    assert list(cells) == _header(POSITION_COLUMNS), "positions.csv's columns changed: update exports/sqlcsv.py"
    return {name: F(value) if isinstance(value, str) else value for name, value in cells.items()}


def partial_date(date_field, precision_field):
    """The date at its known precision, as text: 2024-11-12, 2024-11 or 2024 (as dates.format_partial_date)."""
    if connection.vendor == "sqlite":  # dates are ISO 8601 text there: keep 4, 7 or 10 characters
        length = Case(
            When(**{precision_field: "year"}, then=Value(4)),
            When(**{precision_field: "month"}, then=Value(7)),
            default=Value(10),
        )
        return Substr(F(date_field), 1, length, output_field=CharField())

    def to_char(fmt):
        return Func(F(date_field), Value(fmt), function="to_char", output_field=CharField())

    return Case(
        When(**{precision_field: "year"}, then=to_char("YYYY")),
        When(**{precision_field: "month"}, then=to_char("YYYY-MM")),
        default=to_char("YYYY-MM-DD"),
        output_field=CharField(),
    )


# --- PostgreSQL: guarded cells for COPY ----------------------------------------------------------


def guarded(expression):
    """The text of `expression` with a ' before a leading = + - @ tab CR LF or ' (kptracker.csvguard's
    rule; PostgreSQL text cannot hold the NUL it also guards against, nor psycopg2 send one)."""
    starts = In(Left(expression, 1), [c for c in GUARDED_STARTS if c != "\0"])
    return Case(
        When(starts, then=Concat(Value(GUARD), expression, output_field=CharField())),
        default=expression,
        output_field=CharField(),
    )


def position_csv_values(queryset):
    """`queryset` as rows of positions.csv's guarded cells (the id, a number, as it is)."""
    expressions = _expressions()
    annotations = {f"csv_{name}": guarded(e) for name, e in expressions.items() if name != "id"}
    return queryset.annotate(**annotations).values_list(*[f"csv_{n}" if n != "id" else n for n in expressions])


# --- SQLite: finished CSV records -----------------------------------------------------------------

CELL = (
    "'\"' || REPLACE(CASE WHEN COALESCE(unicode({x}), CASE WHEN {x} <> '' THEN 0 END) IN ({starts})"
    " THEN %s || {x} ELSE COALESCE({x}, '') END, '\"', '\"\"') || '\"'"
)


class SQLiteCSVRecord(Func):
    """One CSV record as a text: every cell guarded, then quoted, by SQLite.

    A cell is '"' || REPLACE(text, '"', '""') || '"' (RFC 4180), its text first prefixed with '
    when it starts with = + - @ tab CR LF NUL or ' (kptracker.csvguard); NULL is an empty cell. unicode() gives a text's
    first code point, and NULL both for an empty text and for one that starts with NUL, which
    `x <> ''` tells apart (SQLite compares every byte of a text). The SQL is fixed; every value
    is a parameter.
    """

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        starts = [ord(c) for c in GUARDED_STARTS]
        cells, params = [], []
        for expression in self.get_source_expressions():
            x, x_params = compiler.compile(expression)
            cells.append(CELL.format(x=x, starts=", ".join(["%s"] * len(starts))))
            params += [*x_params, *x_params, *starts, GUARD, *x_params, *x_params]  # the order they appear in
        return " || ',' || ".join(cells), params


def position_csv_records(queryset):
    """`queryset` as one finished positions.csv record per row."""
    return queryset.annotate(csv_record=SQLiteCSVRecord(*_expressions().values())).values_list("csv_record")


def header_line(line_end):
    """positions.csv's header row, the names guarded like every other cell."""
    return ",".join(neutralise(name) for name in _header(POSITION_COLUMNS)) + line_end


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
