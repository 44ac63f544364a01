"""The whole dataset as a Frictionless Data Package: a CSV per table, datapackage.json and README.md.

`package_files()` yields every file as a stream of byte chunks; `write_package()` writes them into a
directory and `stream_package_zip()` into a zip, both one chunk at a time, so memory stays bounded.
One query per table (run inside one snapshot on PostgreSQL), whatever the size of the data.
"""

import json
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from .csvwriter import stream_csv
from .tables import PACKAGE_TABLES

PACKAGE_NAME = "kptracker-data"
PACKAGE_TITLE = "kptracker: Kimberley Process meetings, issues, participants and positions"
PACKAGE_FILENAMES = [table.filename for table in PACKAGE_TABLES] + ["datapackage.json", "README.md"]


def descriptor(created):
    """The datapackage.json content (Data Package v1, tabular profile)."""
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": (
            "Who said what, who blocked what, at which Kimberley Process meeting, and on what evidence. "
            "See README.md for the conventions and how to cite."
        ),
        "created": created.isoformat(timespec="seconds"),
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": table.name,
                "path": table.filename,
                "title": table.title,
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [column.schema() for column in table.columns],
                    "missingValues": [""],
                    "primaryKey": list(table.primary_key),
                    **({"foreignKeys": [fk.schema() for fk in table.foreign_keys]} if table.foreign_keys else {}),
                },
            }
            for table in PACKAGE_TABLES
        ],
    }


def readme(created, row_counts, url=""):
    """README.md: what each file holds, the conventions, how to cite, and when the package was made."""
    day = created.date().isoformat()
    files = "\n".join(
        f"| `{table.filename}` | {row_counts.get(table.name, 0)} | {table.description} |" for table in PACKAGE_TABLES
    )
    where = f" {url}" if url else ""
    return f"""# {PACKAGE_TITLE}

Data package made on {day} (at {created.isoformat(timespec="seconds")}) from the kptracker database.

## Files

| file | rows | what it holds |
|---|---|---|
{files}
| `datapackage.json` | | The Frictionless Data Package descriptor: each file's columns, types, allowed values, keys. |
| `README.md` | | This file. |

Every column is described in `datapackage.json`. Check the package with the Frictionless
framework: `frictionless validate datapackage.json`.

## Conventions

- CSV as in RFC 4180, UTF-8, comma-separated, a header row, CRLF line ends.
- Identifiers are natural keys: a participant's `code`; the `slug` of a meeting, issue, person, source or
  working body. An agenda item is identified by (`meeting_slug`, `issue_slug`); a proposal by
  (`meeting_slug`, `issue_slug`, `proposal`), and each account of how it was decided by its `account`
  number among them; a chair by (`year`, `role`, `body`, `participant_code`, `person_slug`); a membership
  event by (`participant_code`, `event`, `date`); a position has an `id`.
- Dates are written at the precision the sources give: `2024-11-12`, `2024-11` or `2024`; the
  `*_precision` column next to them says which (`day`, `month`, `year`).
- Kinds, statuses, outcomes, stages, results, stances, evidence and acts are stored codes, e.g.
  `no_consensus`, `blocks`, `inferred`.
- A proposal has a row in `proposals.csv` per account of how it was decided: one where the sources
  agree, one each where they disagree. A proposal with no account has one row, its account columns empty.
- A position answers a proposal (`proposal`, `stage`), or it is an act that answers none (`act`: a
  walk-out, a boycott, a statement), whose issue, outcome and proposal columns are empty, and whose
  meeting columns are empty when it was aimed at a working body at no meeting. `evidence` says whether
  the quote states the position, is read as it (the note says how), or the source is cited with no quote.
- Booleans are `true` or `false`. An empty cell means unknown or none.
- `meetings.csv` lists a meeting's sources by slug, joined with `; `; `meeting_sources.csv` has the same
  links one per row. `proposals.csv`, `chairs.csv` and `memberships.csv` list their sources (and a
  proposal's proposers, by code) the same way. A position's `reported_by` is the reporting participant's
  name, or else the outlet; `reported_by_person` the slug of the person who reported it.
- Spreadsheet formula guard: a cell whose text begins with `=`, `+`, `-`, `@`, a tab, a carriage return,
  a line feed or a NUL has a single quote (`'`) put before it, so that a spreadsheet shows it as text.
  Remove that first `'` to get the original text back.

## How to cite

> kptracker ({created:%Y}). *{PACKAGE_TITLE}* [Data set]. Data package made on {day}.{where}

Please give the date the package was made: the record is updated as new sources are read.
"""


@contextmanager
def consistent_snapshot(using=DEFAULT_DB_ALIAS):
    """Read every table from one snapshot, so the package's foreign keys hold even while editors save.

    On PostgreSQL: a REPEATABLE READ, READ ONLY transaction (one more query). Inside an existing
    transaction (tests, ATOMIC_REQUESTS) its snapshot is used as it is. On SQLite nothing is done:
    a transaction held open while a slow client downloads would lock out the editors.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _counted(rows, row_counts, name):
    row_counts[name] = 0
    for row in rows:
        row_counts[name] += 1
        yield row


def _encoded(chunks):
    for chunk in chunks:
        yield chunk.encode("utf-8")


def package_files(created=None, url=""):
    """Yield (filename, byte chunks) for every file of the package, the CSVs first.

    Consume each file's chunks before asking for the next file: the queries run lazily, and
    README.md counts the rows written.
    """
    created = created or timezone.now()
    row_counts = {}
    with consistent_snapshot():
        for table in PACKAGE_TABLES:
            header, rows = table.rows()
            yield table.filename, _encoded(stream_csv(header, _counted(rows, row_counts, table.name)))
    yield "datapackage.json", [json.dumps(descriptor(created), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"]
    yield "README.md", [readme(created, row_counts, url).encode("utf-8")]


def write_package(directory, created=None):
    """Write the package's files into `directory` (which must exist), overwriting files of the same name."""
    directory = Path(directory)
    written = []
    for filename, chunks in package_files(created):
        path = directory / filename
        with path.open("wb") as file:
            for chunk in chunks:
                file.write(chunk)
        written.append(path)
    return written


class _ZipSink:
    """A write-only, unseekable file: ZipFile writes into it, the generator takes out what it wrote."""

    def __init__(self):
        self._chunks = []
        self._written = 0

    def write(self, data):
        self._chunks.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self):
        return self._written

    def flush(self):
        pass

    def take(self):
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_package_zip(created=None, url=""):
    """Yield the package as a zip file (files at its root), a chunk per CSV batch.

    ZipFile writes to an unseekable sink using data descriptors, so nothing but the current batch
    and the zip's central directory (a few hundred bytes per file) is ever held in memory.
    """
    created = created or timezone.now()
    sink = _ZipSink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, chunks in package_files(created, url):
            info = zipfile.ZipInfo(filename, date_time=created.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # rw-r--r-- once unzipped
            with archive.open(info, mode="w") as member:
                for chunk in chunks:
                    member.write(chunk)
                    if data := sink.take():
                        yield data
            if data := sink.take():
                yield data
    if data := sink.take():
        yield data
