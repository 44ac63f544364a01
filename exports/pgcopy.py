"""positions.csv on PostgreSQL: the database writes the CSV itself (COPY ... TO STDOUT).

The SELECT is exports.sqlcsv's, which formats and guards every cell in SQL; COPY streams its
result. A thread runs COPY into a bounded queue that the response drains, so memory stays flat.
"""

import contextlib
import queue
import threading

from django.db import connection

from .csvwriter import neutralise
from .sqlcsv import position_csv_sql
from .tables import POSITION_COLUMNS, _header

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
    """Yield positions.csv: the header, then COPY's output in ~64 KB chunks."""
    copy_sql = position_copy_sql(queryset)
    # COPY ends lines with LF (the Python path with CRLF): both are read alike by every CSV reader,
    # and rewriting COPY's output would also rewrite line breaks inside quoted quotes.
    yield ",".join(neutralise(name) for name in _header(POSITION_COLUMNS)) + "\n"
    if copy_sql is None:
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
            yield chunk
    finally:
        stop.set()
        while thread.is_alive():  # let COPY end (it stops at its next write) before the connection is reused
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        thread.join()
    if failure:
        raise failure[0]
