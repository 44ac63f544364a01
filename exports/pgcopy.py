"""positions.csv on PostgreSQL: the database writes the CSV itself (COPY ... TO STDOUT).

The SELECT is exports.sqlcsv's, which formats and guards every cell in SQL; COPY streams its
result. A thread runs COPY into a bounded queue that the response drains, so memory stays flat.
"""

import contextlib
import queue
import threading

import psycopg2
from django.db import DatabaseError, OperationalError, connection

from .sqlcsv import header_line, position_csv_sql

CHUNK = 64 * 1024
_DONE = object()

# How COPY's SELECT is planned, sent in the same query string as COPY: one round trip, and SET LOCAL
# holds only until the implicit transaction of that string ends (inside an atomic block, until it ends).
# - jit off: compiling the SELECT's expressions cost 1.7 s per process before the first row at a
#   million positions, over the whole first-byte budget (issue 17: 1 s); the formula guard in SQL is
#   cheap enough without it (kptracker.csvguard);
# - no parallel workers: the parts of exports.sqlcsv.by_meeting_then_none's UNION ALL are then read one
#   after the other, in order; and on 2 CPUs the workers' sorts only delayed the first row;
# - work_mem 16MB: one meeting's positions (about 4,000 rows of 1 KB at a million) are sorted in memory,
#   and the planner prices that incremental sort below one sort of every row (with 32MB it chose the
#   whole sort, on disk, at a million rows: the first byte came after it, 6 s and more).
PLANNER_SETTINGS = "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL work_mem = '16MB'; "
# - and, for every position (no filter), no sort of every row: at ten million positions the planner
#   priced a sort of the whole table below reading meeting by meeting (a meeting's 33,000 rows no longer
#   fit in work_mem), and the first byte came after 78 s. Read meeting by meeting, it comes after 0.6 s,
#   and the whole export is faster too (97 s against 105 s for COPY into /dev/null; `make bench-large`,
#   2026-12-07). A filtered export keeps the planner's choice: for a selective filter (a participant, an
#   issue) an index on it and a sort of the few rows found is far cheaper than reading every meeting.
UNFILTERED_SETTINGS = "SET LOCAL enable_sort = off; "


def position_copy_sql(queryset):
    """The COPY statement for these positions, in positions.csv's columns and the queryset's order;
    None when the queryset can hold no row."""
    query = position_csv_sql(queryset)
    if query is None:
        return None
    sql, params = query
    with connection.cursor() as cursor:
        select = cursor.mogrify(sql, params).decode()
    settings = PLANNER_SETTINGS + ("" if queryset.query.where else UNFILTERED_SETTINGS)
    return f"{settings}COPY ({select}) TO STDOUT WITH (FORMAT csv)"


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
    """Yield positions.csv: the header with COPY's first output, then the rest in ~64 KB chunks.

    Nothing is yielded before COPY has produced something (or ended), so a database that is gone
    when the export starts fails the first chunk, and kptracker.middleware.StreamStartGuard answers
    the friendly 503 instead of a 200 whose body breaks off. Once data has gone out, a failure can
    only cut the download short, which the client sees as an incomplete transfer.
    """
    # COPY ends lines with LF (the Python path with CRLF): both are read alike by every CSV reader,
    # and rewriting COPY's output would also rewrite line breaks inside quoted quotes.
    header = header_line("\n")
    copy_sql = position_copy_sql(queryset)
    if copy_sql is None:
        yield header
        return
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
            if header:
                chunk = (header.encode() if isinstance(chunk, bytes) else header) + chunk
                header = None
            yield chunk
    finally:
        stop.set()
        while thread.is_alive():  # let COPY end (it stops at its next write) before the connection is reused
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        thread.join()
    if failure:
        raise _as_database_error(failure[0], raw)
    if header:  # COPY wrote nothing: no row matched
        yield header


def _as_database_error(exc, raw):
    """COPY's failure as Django's database error, so the middleware can tell an outage from a bug.

    COPY runs on the raw psycopg2 connection, past Django's error wrapping. A lost server can also
    surface as a non-database exception from inside psycopg2 (a SystemError was seen when PostgreSQL
    shut down mid-COPY); a closed connection says which it was.
    """
    connection.errors_occurred = True  # the health check drops the connection before its next use
    if isinstance(exc, psycopg2.Error):
        try:
            with connection.wrap_database_errors:
                raise exc
        except DatabaseError as wrapped:
            return wrapped
    if raw.closed:
        return OperationalError("the database connection was lost during the export")
    return exc
