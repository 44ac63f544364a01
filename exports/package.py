"""The whole dataset as a Frictionless Data Package: a CSV per table, datapackage.json, README.md and
CHANGELOG.md, under one licence.

`package_files()` yields every file as a stream of byte chunks: the tables (`table_files()`), then the
files that describe them (`about_files()`). `write_package()` writes them into a directory and
`stream_package_zip()` into a zip, both one chunk at a time, so memory stays bounded. One query per
table (run inside one snapshot on PostgreSQL), whatever the size of the data.

A package made on the fly (the download, `export_data`) has no version; a numbered release
(exports.releases) is the same files with its number, and its entry heading the changelog.
"""

import json
import shutil
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from .csvwriter import stream_csv
from .tables import PACKAGE_TABLES

PACKAGE_NAME = "kptracker-data"
PACKAGE_TITLE = "kptracker: Kimberley Process meetings, issues, participants and positions"
ABOUT_FILENAMES = ["datapackage.json", "README.md", "CHANGELOG.md"]
PACKAGE_FILENAMES = [table.filename for table in PACKAGE_TABLES] + ABOUT_FILENAMES

# The compilation's licence. CC BY 4.0 rather than ODbL 1.0: attribution is all a citable research
# dataset needs, and without share-alike a paper may merge the record with data sets under other
# licences (ParlGov, V-Dem, trade statistics); version 4.0 covers the database right too. It does not
# cover the sources' texts, which stay their publishers' (README.md, "Licence").
LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
LICENCE_SHORT = "CC BY 4.0"


def descriptor(created, version=None):
    """The datapackage.json content (Data Package v1, tabular profile); `version` for a release."""
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": (
            "Who said what, who blocked what, at which Kimberley Process meeting, and on what evidence. "
            "See README.md for the conventions, the licence and how to cite, CHANGELOG.md for the releases."
        ),
        "licenses": [dict(LICENCE)],
        **({"version": version} if version else {}),
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


def citation(created, version=None, url=""):
    """How to cite the package, in one line: a release by its number, a package made on the fly by its day."""
    day = created.date().isoformat()
    where = f" {url}" if url else ""
    if version:
        return (
            f"kptracker ({created:%Y}). {PACKAGE_TITLE}, release {version} [Data set]. "
            f"Made on {day}. Licence: {LICENCE_SHORT}.{where}"
        )
    return f"kptracker ({created:%Y}). {PACKAGE_TITLE} [Data set]. Data package made on {day}.{where}"


def bibtex(created, version, url=""):
    """A release's BibTeX entry (a @misc, which every style knows)."""
    fields = [
        ("author", "{kptracker}"),
        ("title", f"{{{PACKAGE_TITLE}}}"),
        ("howpublished", f"Data set, release {version}"),
        ("version", version),
        ("year", f"{created:%Y}"),
        ("note", f"Made on {created.date().isoformat()}. Licence: {LICENCE_SHORT}"),
        *([("url", url)] if url else []),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{PACKAGE_NAME}-{version},\n{body}\n}}"


def readme(created, row_counts, url="", version=None, latest=None):
    """README.md: what each file holds, the conventions, the licence, which version it is and how to cite.

    `version` for a release; else `latest` is the newest release, if any, which a paper should cite.
    """
    day = created.date().isoformat()
    files = "\n".join(
        f"| `{table.filename}` | {row_counts.get(table.name, 0)} | {table.description} |" for table in PACKAGE_TABLES
    )
    if version:
        made = f"Release {version} of the data package, made on {day} (at {created.isoformat(timespec='seconds')})"
        which = (
            f"This is release {version}, made on {day}. A release never changes once made: its files and their "
            "SHA-256 sums are listed on its page. `CHANGELOG.md` lists every release, the rows in each file and "
            "what changed since the release before."
        )
    else:
        made = f"Data package made on {day} (at {created.isoformat(timespec='seconds')})"
        newest = f" The newest is release {latest.version}, made on {latest.date.isoformat()}." if latest else ""
        which = (
            "This package was made on the fly from the live record: it is not a numbered release, and the "
            "record changes as new sources are read. To cite a state of the record that others can download "
            f"again, use a numbered release (`/export/releases/` on the site).{newest} `CHANGELOG.md` lists them."
        )
    return f"""# {PACKAGE_TITLE}

{made} from the kptracker database.

## Files

| file | rows | what it holds |
|---|---|---|
{files}
| `datapackage.json` | | The Frictionless Data Package descriptor: each file's columns, types, allowed values, keys. |
| `README.md` | | This file. |
| `CHANGELOG.md` | | The releases: each one's number, date, rows per file and what changed. |

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

## Licence

The compilation (which meetings, proposals, positions and sources are recorded and how they are linked,
the codes given to each, and the notes, summaries and descriptions written for kptracker) is licensed
under the [{LICENCE["title"]}]({LICENCE["path"]}) licence ({LICENCE_SHORT}): copy, share and adapt it
for any purpose, crediting kptracker as under "How to cite" and saying what you changed.

The sources' texts are not kptracker's and the licence does not cover them. `sources_text.csv` holds the
full text of the news articles the record was first built from (the sources whose text is stored), and
the `quote` column of `positions.csv` quotes them: they remain their publishers' and authors' copyright,
and are included and quoted for research, so that every position can be checked against its source.
Ask their publishers before republishing them.

## Version

{which}

## How to cite

> {citation(created, version, url)}

Please give the release number (or, for a package made on the fly, the day it was made): the record is
updated as new sources are read.
"""


def _changes_line(changes):
    if changes is None:
        return "The first release."
    tables = changes["tables"].values()
    added, removed, changed = (sum(t[key] for t in tables) for key in ("added", "removed", "changed"))
    rows = "row" if added == 1 else "rows"
    words = [f"Compared with release {changes['since']}: {added} {rows} added, {removed} removed, {changed} changed."]
    for key, label in (
        ("tables_added", "Files added"),
        ("tables_removed", "Files removed"),
        ("columns_added", "Columns added"),
        ("columns_removed", "Columns removed"),
    ):
        if changes.get(key):
            words.append(f"{label}: {', '.join(f'`{name}`' for name in changes[key])}.")
    return " ".join(words)


def changelog(releases, made_on=None):
    """CHANGELOG.md: every release, newest first, with its date, rows per file and what changed since the
    release before (rows added, removed, and changed: the same key with other values).

    `releases` (objects with version, date, counts and changes, as exports.releases.Release) are newest
    first; `made_on` is the day of a package made on the fly, which is none of them.
    """
    lines = ["# Changelog of the kptracker data package", ""]
    if made_on:
        lines += [f"This package was made on the fly on {made_on.isoformat()}: it is not a numbered release.", ""]
    if not releases:
        lines += ["No numbered release has been made yet.", ""]
    for release in releases:
        changes = release.changes
        lines += [f"## Release {release.version} ({release.date.isoformat()})", "", _changes_line(changes), ""]
        if changes is None:
            lines += ["| file | rows |", "|---|--:|"]
            lines += [f"| `{name}.csv` | {rows} |" for name, rows in release.counts.items()]
        else:
            lines += ["| file | rows | added | removed | changed |", "|---|--:|--:|--:|--:|"]
            for name, rows in release.counts.items():
                delta = changes["tables"].get(name, {})
                cells = " | ".join(str(delta.get(key, "")) for key in ("added", "removed", "changed"))
                lines.append(f"| `{name}.csv` | {rows} | {cells} |")
        lines.append("")
    return "\n".join(lines)


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


def table_files(row_counts):
    """Yield (filename, byte chunks) for every CSV of the package, counting each one's rows into
    `row_counts` ({table name: rows}) as they are written.

    Consume each file's chunks before asking for the next file: the queries run lazily."""
    with consistent_snapshot():
        for table in PACKAGE_TABLES:
            header, rows = table.rows()
            yield table.filename, _encoded(stream_csv(header, _counted(rows, row_counts, table.name)))


def about_files(created, row_counts, *, url="", version=None, releases=()):
    """Yield (filename, byte chunks) for datapackage.json, README.md and CHANGELOG.md.

    `releases` are the releases to list, newest first: for a release (`version`), itself first."""
    yield (
        "datapackage.json",
        [json.dumps(descriptor(created, version), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"],
    )
    latest = releases[0] if releases else None
    yield "README.md", [readme(created, row_counts, url, version, latest).encode("utf-8")]
    yield "CHANGELOG.md", [changelog(releases, made_on=None if version else created.date()).encode("utf-8")]


def package_files(created=None, url="", releases=()):
    """Yield (filename, byte chunks) for every file of a package made on the fly, the CSVs first.

    Consume each file's chunks before asking for the next file: the queries run lazily, and
    README.md counts the rows written. `releases` (newest first) go into the changelog.
    """
    created = created or timezone.now()
    row_counts = {}
    yield from table_files(row_counts)
    yield from about_files(created, row_counts, url=url, releases=releases)


def write_files(directory, files):
    """Write (filename, chunks) pairs into `directory` (which must exist), overwriting files of the same name."""
    directory = Path(directory)
    written = []
    for filename, chunks in files:
        path = directory / filename
        with path.open("wb") as file:
            for chunk in chunks:
                file.write(chunk)
        written.append(path)
    return written


def write_package(directory, created=None, releases=()):
    """Write the package's files into `directory` (which must exist), overwriting files of the same name."""
    return write_files(directory, package_files(created, releases=releases))


def _member(filename, created):
    info = zipfile.ZipInfo(filename, date_time=created.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # rw-r--r-- once unzipped
    return info


def zip_package(directory, path, created):
    """Zip the package's files, written in `directory`, into the file `path` (files at its root)."""
    directory = Path(directory)
    with zipfile.ZipFile(path, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename in PACKAGE_FILENAMES:
            with (directory / filename).open("rb") as source, archive.open(_member(filename, created), "w") as member:
                shutil.copyfileobj(source, member)


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


def stream_package_zip(created=None, url="", releases=()):
    """Yield the package as a zip file (files at its root), a chunk per CSV batch.

    ZipFile writes to an unseekable sink using data descriptors, so nothing but the current batch
    and the zip's central directory (a few hundred bytes per file) is ever held in memory.
    """
    created = created or timezone.now()
    sink = _ZipSink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, chunks in package_files(created, url, releases):
            with archive.open(_member(filename, created), mode="w") as member:
                for chunk in chunks:
                    member.write(chunk)
                    if data := sink.take():
                        yield data
            if data := sink.take():
                yield data
    if data := sink.take():
        yield data
