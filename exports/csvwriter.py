"""The CSV machinery every export shares: batched streaming and the response.

Every cell of every export goes through `neutralise` (kptracker.csvguard), inside `stream_csv`, so no
export can forget the formula guard. Every response can start with a byte-order mark (`bom=1`).
"""

import csv
import io
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from kptracker.csvguard import neutralise

# One yield per this many rows: about 40% faster under gunicorn than one per row
# (/work/shared/PERFORMANCE-NOTES.md). Also the chunk size of the database iterators.
BATCH_SIZE = 2000

# UTF-8's byte-order mark: without it, spreadsheet programs on Windows read a CSV in the local code page.
BOM = "\ufeff"


def stream_csv(header, rows, *, batch_size=BATCH_SIZE):
    """Yield RFC 4180 CSV text for `header` and then `rows`, one string per `batch_size` rows.

    Every cell is neutralised. The buffer is emptied after each batch, so memory stays flat
    however many rows there are; the header goes out with the first batch.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the excel dialect: minimal quoting, "" for a quote, CRLF line ends
    writer.writerow([neutralise(name) for name in header])
    rows = iter(rows)
    while True:
        batch = [[neutralise(value) for value in row] for row in islice(rows, batch_size)]
        if batch:
            writer.writerows(batch)
        if buffer.tell():
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
        if len(batch) < batch_size:
            return


def dated_filename(stem, extension, day=None):
    """'<stem>-YYYY-MM-DD.<extension>': a download says what it holds and when it was made."""
    day = day or timezone.localdate()
    return f"{stem}-{day.isoformat()}.{extension}"


def with_bom(chunks):
    """The chunks, the first one with the byte-order mark before it.

    Put into the first chunk rather than yielded alone: nothing goes out before the export has produced
    its first chunk, so a database gone at the start is still the friendly 503 (StreamStartGuard)."""
    chunks = iter(chunks)
    first = next(chunks, "")
    yield BOM.encode("utf-8") + first if isinstance(first, bytes) else BOM + first
    yield from chunks


def csv_response(filename_stem, header, rows, *, bom=False):
    """Stream `rows` as a CSV download named '<filename_stem>-YYYY-MM-DD.csv'."""
    return csv_stream_response(filename_stem, stream_csv(header, rows), bom=bom)


def csv_stream_response(filename_stem, chunks, *, bom=False):
    """Stream already-written CSV text (or bytes) as a download named '<filename_stem>-YYYY-MM-DD.csv',
    with a byte-order mark first if `bom`."""
    response = StreamingHttpResponse(with_bom(chunks) if bom else chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=dated_filename(filename_stem, "csv")
    )
    response.filename_stem = filename_stem  # for exports.cache, which builds a hit's response the same way
    return response
