"""The benchmark's measurements taken inside Django, run by bench/run.py as a subprocess.

    python bench/probes.py TASK [TASK ...] [--requests N]

prints one JSON object merging each task's results. The environment (DATABASE_URL, DEBUG,
SECRET_KEY, ...) is bench/run.py's production-like one. Tasks:

- matrix: /matrix/ through the test client, as served (page cache as configured) and with the
  "pages" cache replaced by DummyCache, and the SQL that blocking_matrix runs, alone through a cursor.
- alignment: /alignment/ built from scratch (a miss on an emptied page cache), alignment_pairs()
  through the ORM and its one SQL statement alone through a cursor, in interleaved rounds; then
  /alignment/ from the page cache; and the sizes its join grows with (positions, and the pairs of
  participants with a side on the same proposal that it joins).
- queries: the number of SQL statements of every page and export (COPY included), page cache off,
  streams consumed.
- export-sql: COPY statements for /export/positions.csv's rows (the plain SELECT of
  exports.tables.position_rows, and the export's own COPY where it has one) and the number of positions.
- export-profile: where the time of the Python export path goes, stage by stage, in this process.
- import: `manage.py import_csv` on N positions of positions.csv (the export of the first N): a dry
  run while they are all recorded (every row checked, nothing to write), then a real import after
  they are deleted (every row created, with its history). All in a transaction rolled back at the
  end, so the data is left as it was.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kptracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import OperationalError, connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from exports.csvwriter import BATCH_SIZE, stream_csv  # noqa: E402
from exports.tables import position_rows  # noqa: E402
from meetings.models import Meeting, Participant, Source  # noqa: E402
from pages.analysis import SIDED_STANCES, alignment_pairs, consensus_adoptions  # noqa: E402
from pages.filters import AnalysisFilter, MatrixFilter, PositionFilter  # noqa: E402
from pages.selectors import blocking_matrix  # noqa: E402
from positions.models import Issue, Position, Proposal  # noqa: E402

try:  # the export's own COPY statement on PostgreSQL, where it has one
    from exports.pgcopy import position_copy_sql  # noqa: E402
except ImportError:
    position_copy_sql = None

PAGE_CACHE = "pages"
# Django's server-side cursor wraps the SELECT of a streamed queryset in a DECLARE.
DECLARE = re.compile(r"^\s*DECLARE\s+\S+\s+.*?CURSOR\s+(?:WITH|WITHOUT)\s+HOLD\s+FOR\s+", re.IGNORECASE | re.DOTALL)
SEARCH_WORD = "sovereignty"  # in synthetic quotes (synthetic/vocabulary.py FILLERS) and curated ones
# The alignment's rounds: at least MIN_ROUNDS, then more (up to --requests) while the rounds so far
# took less than ALIGNMENT_BUDGET_S. Past ALIGNMENT_LIMIT_S it is not timed: its first query, a join of
# every pair of positions on a proposal, took 8 s at 100,000 positions and had not finished after
# 8 minutes at a million (29 GB of temporary files); the join of one row per participant and proposal
# that replaced it (issue 17) takes seconds there.
MIN_ROUNDS = 3
ALIGNMENT_BUDGET_S = 30
ALIGNMENT_LIMIT_S = 60
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement stopped by statement_timeout


def client():
    # ALLOWED_HOSTS is 127.0.0.1 in the benchmark: the test client's default 'testserver' would be a 400.
    return Client(SERVER_NAME="127.0.0.1")


def no_page_cache():
    """override_settings that swaps the "pages" cache for DummyCache (a no-op when there is no such alias)."""
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    if PAGE_CACHE in caches:
        caches[PAGE_CACHE] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    return override_settings(CACHES=caches)


def get(path, c=None):
    """GET `path`, consuming a streamed body; (status, bytes, milliseconds)."""
    c = c or client()
    started = time.perf_counter()
    response = c.get(path)
    if response.streaming:
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
    else:
        size = len(response.content)
    return response.status_code, size, (time.perf_counter() - started) * 1000


def timed_requests(path, requests):
    c = client()
    times, statuses = [], set()
    for _ in range(requests):
        status, _size, ms = get(path, c)
        statuses.add(status)
        times.append(ms)
    if statuses != {200}:
        raise SystemExit(f"{path} answered {sorted(statuses)}, not only 200")
    return times


def timed_sql(sql, repeats):
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return times


def task_matrix(requests):
    has_page_cache = PAGE_CACHE in settings.CACHES
    with no_page_cache():
        uncached = timed_requests("/matrix/", requests)
    served = timed_requests("/matrix/", requests)

    # The SQL blocking_matrix runs for a bare /matrix/, captured as sent (parameters interpolated).
    filterset = MatrixFilter(QueryDict(""), queryset=Position.objects.all())
    if not filterset.is_valid():
        raise SystemExit(f"MatrixFilter rejects an empty query: {filterset.errors}")
    with CaptureQueriesContext(connection) as captured:
        blocking_matrix(filterset)
    statements = [q["sql"] for q in captured.captured_queries]
    aggregates = [sql for sql in statements if "GROUP BY" in sql.upper()]
    if not aggregates:
        raise SystemExit("blocking_matrix ran no aggregate (GROUP BY) query")
    timed_sql(aggregates[0], 1)  # warm: plan cache, buffers
    aggregate_ms = statistics.median(timed_sql(aggregates[0], requests))
    all_ms = sum(statistics.median(timed_sql(sql, requests)) for sql in statements)
    return {
        "page_cache": settings.CACHES[PAGE_CACHE]["BACKEND"] if has_page_cache else None,
        "matrix_ms": statistics.median(served),
        "matrix_first_ms": served[0],
        "matrix_uncached_ms": statistics.median(uncached),
        "matrix_sql_ms": aggregate_ms,
        "matrix_sql_all_ms": all_ms,
        "matrix_sql_statements": len(statements),
        "matrix_requests": requests,
    }


def milliseconds(function):
    """(function's result, the milliseconds it took)."""
    started = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - started) * 1000


def fetch_all(sql, params):
    """Every row of `sql` with `params`, through a cursor: the statement alone, no ORM."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_all_within(sql, params, limit_s):
    """fetch_all, or None if PostgreSQL had not finished within `limit_s` seconds (statement_timeout)."""
    if connection.vendor != "postgresql":
        return fetch_all(sql, params)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %s", [int(limit_s * 1000)])
            cursor.execute(sql, params)
            return cursor.fetchall()
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) == QUERY_CANCELED:
            return None
        raise


class Captured(Exception):
    """Raised by an execute wrapper once it has the statement: its SQL without running it."""


def alignment_statements(orm, *, run):
    """(alignment_pairs' result or None, the statements it sent as (sql, params)); `run` False stops at the first."""
    sent = []

    def capture(execute, sql, params, many, context):
        sent.append((sql, params))
        if not run:
            raise Captured
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(capture):
            result = orm()
    except Captured:
        result = None
    return result, sent


def task_alignment(requests):
    """/alignment/ (no filter) against its one query, in rounds: the page built from scratch (a miss on
    an emptied page cache), alignment_pairs() through the ORM, and the SQL the ORM sent for it, alone
    through a cursor; then the page from the page cache. Medians, and the sizes its join grows with.

    The bare SQL runs once first, as a warm-up, within ALIGNMENT_LIMIT_S: if it does not finish in
    time, nothing is timed.
    """
    # The queryset the view gives alignment_pairs for a bare /alignment/ (pages/views.py alignment).
    filterset = AnalysisFilter(None, queryset=Position.objects.all())
    evidence = filterset.chosen("evidence")

    def orm():
        return alignment_pairs(filterset.qs, evidence=evidence)

    # What the join grows with: per proposal, the positions read and the participants they are reduced
    # to (one row each, whatever its number of positions), every pair of which is joined.
    per_proposal = list(
        filterset.qs.filter(proposal__isnull=False, stance__in=SIDED_STANCES)
        .exclude(proposal__in=consensus_adoptions())
        .values("proposal")
        .annotate(positions=Count("pk"), participants=Count("participant", distinct=True))
        .order_by()
        .values_list("positions", "participants")
    )
    result = {
        "alignment_positions": sum(n for n, _ in per_proposal),
        "alignment_proposals": len(per_proposal),
        "alignment_position_pairs": sum(m * (m - 1) // 2 for _, m in per_proposal),
        "alignment_sql_limit_s": ALIGNMENT_LIMIT_S,
        "alignment_rounds": 0,
    }

    # alignment_pairs builds its queryset inside and returns Pairs: its SQL and parameters are taken as
    # the ORM hands them to the driver (the compiler's output, what qs.query.sql_with_params() gives).
    _, sent = alignment_statements(orm, run=False)
    statement = sent[0]
    if "GROUP BY" not in statement[0].upper():
        raise SystemExit("alignment_pairs' first statement is not its grouped query")
    if fetch_all_within(*statement, ALIGNMENT_LIMIT_S) is None:
        return result

    c = client()
    page_cache = caches[PAGE_CACHE]
    uncached, through_orm, bare = [], [], []
    started = time.perf_counter()
    # Interleaved, so that a machine busier for a while slows all three alike.
    while len(bare) < MIN_ROUNDS or (len(bare) < requests and time.perf_counter() - started < ALIGNMENT_BUDGET_S):
        page_cache.clear()
        response, ms = milliseconds(lambda: c.get("/alignment/"))
        if response.status_code != 200 or response.get("X-Page-Cache") != "miss":
            raise SystemExit(f"/alignment/ answered {response.status_code} ({response.get('X-Page-Cache')})")
        uncached.append(ms)

        (pairs, sent), ms = milliseconds(lambda: alignment_statements(orm, run=True))
        through_orm.append(ms)
        if sent != [statement]:
            raise SystemExit(f"alignment_pairs sent {len(sent)} statements, not its one grouped query")

        rows, ms = milliseconds(lambda: fetch_all(*statement))
        bare.append(ms)
        if len(rows) != len(pairs):
            raise SystemExit(f"the alignment's SQL alone gave {len(rows)} rows, alignment_pairs {len(pairs)}")

    # The last round's page is in the page cache: what most readers get.
    served, misses = [], 0
    for _ in range(max(requests, MIN_ROUNDS)):
        response, ms = milliseconds(lambda: c.get("/alignment/"))
        if response.status_code != 200:
            raise SystemExit(f"/alignment/ answered {response.status_code}")
        served.append(ms)
        misses += response.get("X-Page-Cache") != "hit"

    return result | {
        "alignment_pairs": len(pairs),
        "alignment_ms": statistics.median(served),
        "alignment_cache_misses": misses,
        "alignment_uncached_ms": statistics.median(uncached),
        "alignment_orm_ms": statistics.median(through_orm),
        "alignment_sql_ms": statistics.median(bare),
        "alignment_rounds": len(bare),
    }


def most_positions(queryset, relation):
    return queryset.annotate(bench_n=Count(relation)).order_by("-bench_n", "pk").first()


def page_paths():
    """(label, path) for every page and export; the detail pages are those with the most positions."""
    meeting = most_positions(Meeting.objects.all(), "agenda_items__positions")
    issue = most_positions(Issue.objects.all(), "agenda_items__positions")
    participant = most_positions(Participant.objects.all(), "positions")
    source = most_positions(Source.objects.all(), "positions")
    missing = [name for name, row in [("meeting", meeting), ("issue", issue), ("participant", participant),
                                      ("source", source)] if row is None]  # fmt: skip
    if missing:
        raise SystemExit(f"No {', '.join(missing)} in the database: was the synthetic data generated?")
    # The two participants with the most positions, compared.
    busiest = Participant.objects.annotate(bench_n=Count("positions")).order_by("-bench_n", "pk")[:2]
    compared = "&".join(f"participant={p.code}" for p in busiest)
    # The map of the proposal, and of the issue at the meeting, with the most stances.
    proposals = Proposal.objects.select_related("agenda_item__meeting", "agenda_item__issue")
    proposal = most_positions(proposals, "positions")
    item = proposal.agenda_item
    at_meeting = f"meeting={item.meeting.slug}&issue={item.issue.slug}"
    return [
        ("/", "/"),
        ("/meetings/<slug>/", meeting.get_absolute_url()),
        ("/issues/", "/issues/"),
        ("/issues/<slug>/", issue.get_absolute_url()),
        ("/participants/", "/participants/"),
        ("/participants/<code>/", participant.get_absolute_url()),
        ("/matrix/", "/matrix/"),
        ("/matrix/?by=meeting", "/matrix/?by=meeting"),
        ("/positions/", "/positions/"),
        (f"/positions/?q={SEARCH_WORD}", f"/positions/?q={SEARCH_WORD}"),
        ("/sources/<pk>/", source.get_absolute_url()),
        ("/positions/<id>/", Position.objects.filter(source=source).order_by("pk").first().get_absolute_url()),
        (f"/search/?q={SEARCH_WORD}", f"/search/?q={SEARCH_WORD}"),
        ("/compare/?participant=<a>&participant=<b>", f"/compare/?{compared}"),
        ("/alignment/", "/alignment/"),
        ("/about/", "/about/"),
        ("/map/?proposal=<id>", f"/map/?proposal={proposal.pk}"),
        ("/map/?meeting=<slug>&issue=<slug>", f"/map/?{at_meeting}"),
        ("/map/?year=<year>", f"/map/?year={item.meeting.start_date.year}"),
        # The JSON API's lists at their largest page, and a record (issue 16).
        ("/api/v1/meetings", "/api/v1/meetings?page_size=500"),
        ("/api/v1/positions", "/api/v1/positions?page_size=500"),
        ("/api/v1/positions?participant=<a>", f"/api/v1/positions?page_size=500&{compared.split('&')[0]}"),
        ("/api/v1/proposals", "/api/v1/proposals?page_size=500"),
        ("/api/v1/participants", "/api/v1/participants?page_size=500"),
        ("/api/v1/chairs", "/api/v1/chairs?page_size=500"),
        ("/api/v1/memberships", "/api/v1/memberships?page_size=500"),
        ("/api/v1/matrix", "/api/v1/matrix?page_size=500"),
        (
            "/api/v1/positions/<id>",
            "/api/v1/positions/" + str(Position.objects.filter(source=source).order_by("pk").first().pk),
        ),
        ("/export/meetings.csv", "/export/meetings.csv"),
        ("/export/positions.csv", "/export/positions.csv"),
        ("/export/matrix.csv", "/export/matrix.csv"),
        ("/export/compare.csv", f"/export/compare.csv?{compared}"),
        ("/export/alignment.csv", "/export/alignment.csv"),
        ("/export/kptracker-data.zip", "/export/kptracker-data.zip"),
    ]


class CopyCounter:
    """Counts COPY statements, which Django's query log does not see.

    exports/pgcopy.py runs COPY through psycopg2's copy_expert on the raw connection, past Django's
    cursor wrapper, so CaptureQueriesContext misses it. On PostgreSQL every new connection gets a
    cursor class that counts copy_expert / copy_to / copy_from calls (from any thread).
    """

    def __init__(self):
        self.count = 0
        if connection.vendor != "postgresql":
            return
        import psycopg2.extensions
        from django.db.backends.signals import connection_created

        counter = self

        class CountingCursor(psycopg2.extensions.cursor):
            def copy_expert(self, *args, **kwargs):
                counter.count += 1
                return super().copy_expert(*args, **kwargs)

            def copy_to(self, *args, **kwargs):
                counter.count += 1
                return super().copy_to(*args, **kwargs)

            def copy_from(self, *args, **kwargs):
                counter.count += 1
                return super().copy_from(*args, **kwargs)

        def instrument(sender, connection, **kwargs):
            connection.connection.cursor_factory = CountingCursor

        connection_created.connect(instrument, weak=False)
        if connection.connection is not None:
            connection.connection.cursor_factory = CountingCursor


def task_queries(skip=()):
    """Per page and export: SQL statements sent (Django's log plus COPY), status, size, time; cache off."""
    results = {}
    copies = CopyCounter()
    with no_page_cache():
        c = client()
        for label, path in page_paths():
            if label in skip:
                continue
            copies_before = copies.count
            with CaptureQueriesContext(connection) as captured:
                status, size, ms = get(path, c)
            results[label] = {
                "path": path,
                "status": status,
                "queries": len(captured.captured_queries) + copies.count - copies_before,
                "copy_statements": copies.count - copies_before,
                "bytes": size,
                "ms": round(ms, 1),
            }
    return {"queries": results}


def export_queryset():
    """The queryset /export/positions.csv exports with no filter (as exports/views.py positions_csv builds it)."""
    filterset = PositionFilter(QueryDict(""), queryset=Position.objects.newest_first())
    if not filterset.is_valid():
        raise SystemExit(f"PositionFilter rejects an empty query: {filterset.errors}")
    return filterset.qs


def plain_select(queryset):
    """The SELECT of exports.tables.position_rows (the rows, unformatted), captured as Django sends it."""
    _header, rows = position_rows(queryset)
    with CaptureQueriesContext(connection) as captured:
        next(rows, None)
    rows.close()
    selects = [q["sql"] for q in captured.captured_queries if "positions_position" in q["sql"]]
    if len(selects) != 1:
        raise SystemExit(f"expected one query over positions from position_rows, got {len(selects)}")
    return DECLARE.sub("", selects[0]).strip()


def task_export_sql():
    """COPY statements for the export's rows: the plain SELECT, and the export's own statement if it has one."""
    queryset = export_queryset()
    result = {
        "copy_sql": f"COPY ({plain_select(queryset)}) TO STDOUT WITH CSV HEADER",
        "export_copy_sql": None,
        "positions": Position.objects.count(),
    }
    if connection.vendor == "postgresql" and position_copy_sql is not None:
        result["export_copy_sql"] = position_copy_sql(queryset)
    return result


def rate(rows, seconds):
    return rows / seconds if seconds else None


def task_export_profile():
    """Rows/s of the Python path of the positions export, built up stage by stage, and of the whole view.

    Each Python stage includes the ones before it, so the difference of two stages' time per row is
    what the later stage adds: the database and driver alone (a server-side cursor, as position_rows
    uses), then Django's values_list iterator and the row tuples, then neutralising and csv.writer.
    On SQLite that is the export; on PostgreSQL the view may use COPY instead (exports/pgcopy.py).
    test_client is the view itself, in this process, through the test client.
    """
    queryset = export_queryset()
    sql = plain_select(queryset)
    stages = {}

    with transaction.atomic():  # a named (server-side) cursor lives in a transaction
        connection.ensure_connection()
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            cursor = connection.connection.cursor(name="bench_profile")
            cursor.itersize = BATCH_SIZE
            cursor.execute(sql)
            n = sum(1 for _ in cursor)
        else:  # SQLite streams from an ordinary cursor
            cursor = connection.connection.cursor()
            cursor.execute(sql)
            n = 0
            while batch := cursor.fetchmany(BATCH_SIZE):
                n += len(batch)
        cursor.close()
        stages["server_cursor"] = rate(n, time.perf_counter() - started)

    started = time.perf_counter()
    header, rows = position_rows(queryset)
    n = sum(1 for _ in rows)
    stages["position_rows"] = rate(n, time.perf_counter() - started)

    started = time.perf_counter()
    header, rows = position_rows(queryset)
    n_bytes = sum(len(chunk) for chunk in stream_csv(header, rows))
    stages["stream_csv"] = rate(n, time.perf_counter() - started)

    with no_page_cache():
        status, _size, ms = get("/export/positions.csv")
    if status != 200:
        raise SystemExit(f"/export/positions.csv answered {status}")
    stages["test_client"] = rate(n, ms / 1000)
    return {"export_profile_rows_per_s": stages, "export_profile_rows": n, "export_profile_bytes": n_bytes}


def task_import(rows):
    """Rows/s of `import_csv` on `rows` positions: a dry run of an unchanged export, then creating them."""
    import io
    import tempfile

    from django.core.management import call_command

    def import_csv(path, *args):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_csv", path, *args, stdout=out)
        return time.perf_counter() - started, out.getvalue()

    chosen = Position.objects.order_by("pk").values("pk")[:rows]
    queryset = Position.objects.filter(pk__in=chosen).order_by("pk")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="") as file:
        header, values = position_rows(queryset)
        for chunk in stream_csv(header, values):
            file.write(chunk)
        file.flush()
        n = queryset.count()
        with transaction.atomic():
            dry_seconds, out = import_csv(file.name, "--dry-run")
            if f"0 to create, 0 to change, {n} unchanged" not in out:
                raise SystemExit(f"the dry run of an unchanged export reported changes:\n{out[-2000:]}")
            Position.objects.filter(pk__in=list(queryset.values_list("pk", flat=True))).delete()
            create_seconds, out = import_csv(file.name)
            if f"{n} to create, 0 to change, 0 unchanged" not in out:
                raise SystemExit(f"the import did not create every row:\n{out[-2000:]}")
            transaction.set_rollback(True)
    return {
        "import_rows": n,
        "import_rows_per_s": rate(n, create_seconds),
        "import_dry_run_rows_per_s": rate(n, dry_seconds),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    tasks = ["matrix", "alignment", "queries", "export-sql", "export-profile", "import"]
    parser.add_argument("tasks", nargs="+", choices=tasks)
    parser.add_argument("--requests", type=int, default=15, help="requests per timing (median taken)")
    parser.add_argument("--import-rows", type=int, default=5000, help="positions the import task imports")
    parser.add_argument("--skip", action="append", default=[], help="a queries label to leave out")
    args = parser.parse_args()
    result = {"database_vendor": connection.vendor}
    for task in args.tasks:
        if task == "matrix":
            result |= task_matrix(args.requests)
        elif task == "alignment":
            result |= task_alignment(args.requests)
        elif task == "queries":
            result |= task_queries(set(args.skip))
        elif task == "export-sql":
            result |= task_export_sql()
        elif task == "export-profile":
            result |= task_export_profile()
        elif task == "import":
            result |= task_import(args.import_rows)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
