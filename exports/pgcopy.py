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


def position_copy_sql(queryset):
    """The COPY statement for these positions, in positions.csv's columns and the queryset's order;
    None when the queryset can hold no row."""
    query = position_csv_sql(queryset)
    if query is None:
        return None
    sql, params = query
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
