"""positions.csv comes from a SELECT that formats every cell in SQL (COPY on PostgreSQL; on SQLite a
record per row, quoted a batch at a time): it must hold exactly what the Python path,
exports.tables.position_rows, writes."""

import csv
import io

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from exports.csvwriter import stream_csv
from exports.pgcopy import stream_position_copy
from exports.sqlcsv import stream_position_sqlite
from exports.tables import position_rows
from meetings.models import Meeting
from positions.models import Position
from tests.factories import PositionFactory, SourceFactory
from tests.pages.world import build_world

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")

AWKWARD = [
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturn",
    "\nNewline first",
    "'=already guarded by hand",
    "'Tis an apostrophe",
    "''",
    'A "quoted", comma\nand a line break',
    "plain ünïcödé ‘quotes’",
    # Either side of '@' (64), the highest guarded start, where the guard's one-comparison path ends.
    "?question first",
    "A capital first",
    "Émile, ＝ fullwidth",
    "unit\x1fseparator",  # what the SQLite path joins cells with (exports.sqlcsv.CELL_END)
    "record\x1eseparator\x1f",
]


def parse(chunks):
    text = "".join(c.decode("utf-8") if isinstance(c, bytes) else c for c in chunks)
    return list(csv.reader(io.StringIO(text, newline="")))


def sql_path():
    return stream_position_copy if connection.vendor == "postgresql" else stream_position_sqlite


def test_the_sql_and_python_paths_write_the_same_rows(kp_data):
    source = SourceFactory(title="=cmd|' /C calc'!A0", text="x")
    # PostgreSQL text cannot hold a NUL; SQLite's can, and it must be guarded there too.
    awkward = AWKWARD + (["\0NUL first"] if connection.vendor == "sqlite" else [])
    for i, text in enumerate(awkward):
        PositionFactory(quote=text, source=source, note=text, source_location=f"-{i}")
    queryset = Position.objects.order_by("pk")
    header, rows = position_rows(queryset)
    python = parse(stream_csv(header, rows))
    copied = parse(sql_path()(queryset))
    assert len(copied) == Position.objects.count() + 1
    assert copied == python
    quotes = {row[header.index("quote")] for row in copied[1:]}
    assert '\'=HYPERLINK("http://x")' in quotes and 'A "quoted", comma\nand a line break' in quotes
    assert {"''=already guarded by hand", "''Tis an apostrophe", "'''"} <= quotes


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the separators are the SQLite path's")
def test_a_cell_holding_a_separator_costs_its_batch_one_query_and_changes_nothing(kp_data, monkeypatch):
    monkeypatch.setattr("exports.sqlcsv.BATCH_SIZE", 3)
    made = [
        PositionFactory(quote="a \x1f in the middle" if i == 4 else f'plain "{i}"', note="\x1e" if i == 5 else "")
        for i in range(7)
    ]
    queryset = Position.objects.filter(pk__in=[p.pk for p in made]).order_by("pk")  # batches 0-2, 3-5, 6
    header, rows = position_rows(queryset)
    with CaptureQueriesContext(connection) as queries:
        chunks = list(stream_position_sqlite(queryset))
    # the header, the fast batches, and the one holding both separators again
    assert len(queries) == 2
    assert all(isinstance(chunk, bytes) for chunk in chunks)
    assert parse(chunks) == parse(stream_csv(header, rows))


def test_an_empty_selection_is_the_header_alone(kp_data):
    header, _rows = position_rows(Position.objects.none())
    assert parse(sql_path()(Position.objects.none())) == [header]


def test_the_positions_export_honours_filters(client, kp_data):
    response = client.get("/export/positions.csv", {"participant": "RUS", "stance": "blocks"})
    rows = parse(response.streaming_content)
    expected = Position.objects.filter(participant__code="RUS", stance="blocks").count()
    assert len(rows) - 1 == expected > 0
    assert {row[rows[0].index("participant_code")] for row in rows[1:]} == {"RUS"}


def test_positions_csv_is_newest_meeting_first_and_positions_at_no_meeting_last(client):
    # Two worlds on the same days: each day has two meetings, whose positions interleave by issue and
    # participant; each world's boycotts of its working body are at no meeting. On PostgreSQL the export
    # reads positions at a meeting and those at none as two parts (exports.sqlcsv.by_meeting_then_none).
    build_world(prefix="w")
    build_world(prefix="v")
    header, *body = parse(client.get("/export/positions.csv").streaming_content)
    at = {name: header.index(name) for name in ("meeting_slug", "issue_title", "participant", "id")}
    starts = dict(Meeting.objects.values_list("slug", "start_date"))
    # An act at a meeting has no issue: NULL, which PostgreSQL sorts after every title and SQLite before.
    no_issue_last = connection.vendor == "postgresql"

    def documented(row):
        start, title = starts.get(row[at["meeting_slug"]]), row[at["issue_title"]]
        return (
            start is None,  # positions at no meeting last
            -start.toordinal() if start else 0,  # newest meeting first
            (title == "") == no_issue_last,
            title,
            row[at["participant"]],
            int(row[at["id"]]),
        )

    assert len(body) == Position.objects.count()
    assert body == sorted(body, key=documented)
    at_none = [row for row in body if not row[at["meeting_slug"]]]
    assert len(at_none) == 8 and body[-8:] == at_none
    # The newest day's two meetings come first, their 2 x 17 positions by issue ("v …" before "w …") and
    # participant, not one meeting's after the other's.
    newest_day = [row[at["meeting_slug"]] for row in body[:34]]
    assert set(newest_day) == {"v-meeting-2", "w-meeting-2"} and newest_day != sorted(newest_day)


@postgresql_only
def test_a_client_that_stops_reading_leaves_the_connection_usable(kp_data):
    PositionFactory.create_batch(50, quote="x" * 2000)
    chunks = stream_position_copy(Position.objects.all())
    next(chunks)
    next(chunks)
    chunks.close()
    assert Position.objects.count() >= 50


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_database_lost_before_copy_writes_fails_the_first_chunk_as_a_database_error(monkeypatch):
    """Nothing may go out before COPY has: StreamStartGuard then turns the failure into the 503 page."""
    from django.db import OperationalError

    import exports.pgcopy

    # COPY whose server process ends itself, as a PostgreSQL shutdown ends every backend.
    monkeypatch.setattr(
        exports.pgcopy, "position_copy_sql", lambda qs: "COPY (SELECT pg_terminate_backend(pg_backend_pid())) TO STDOUT"
    )
    chunks = stream_position_copy(Position.objects.all())
    try:
        with pytest.raises(OperationalError):
            next(chunks)
    finally:
        chunks.close()
        connection.close()
    assert Position.objects.count() == 0  # and the next use reconnects


@postgresql_only
def test_every_position_is_read_meeting_by_meeting_and_never_sorted_whole(kp_data):
    """Unfiltered, positions.csv must not wait for a sort of every row before its first byte, however
    the planner prices that sort (at ten million positions it chose it, and the first byte took 78 s).
    A filtered export keeps the planner's choice (an index on a participant, then a small sort)."""
    from exports.pgcopy import position_copy_sql
    from pages.filters import PositionFilter

    def plan(query):
        filterset = PositionFilter(QueryDict(query), queryset=Position.objects.newest_first())
        assert filterset.is_valid()
        sql = position_copy_sql(filterset.qs)
        settings, select = sql.split("COPY (", 1)
        select = select.rsplit(") TO STDOUT", 1)[0]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(settings)
            cursor.execute("EXPLAIN (COSTS OFF) " + select)
            return settings, "\n".join(line for (line,) in cursor.fetchall())

    settings, unfiltered = plan("")
    assert "enable_sort = off" in settings
    first_part = unfiltered.split('"*SELECT* 2"')[0]
    assert "Incremental Sort" in first_part and "Index Scan Backward using meeting_start_idx" in first_part
    nodes = [line.strip().removeprefix("->").strip() for line in first_part.splitlines()]
    assert not [node for node in nodes if node == "Sort" or node.startswith("Sort ") and "Key" not in node]
    settings, _filtered = plan("participant=RUS")
    assert "enable_sort" not in settings
