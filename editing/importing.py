"""Running an import: the file read in chunks, every row checked, all or nothing written.

Shared by the admin's import pages and `manage.py import_csv`, so both number lines alike (the
header is line 1, the first row line 2) and say the same things. The file is read as a stream, a
chunk of rows at a time, inside one transaction: memory stays flat however long the file, and a
file with any error (or a write the database refuses) changes nothing. The files' columns are the
exports' (exports.tables), declared once there.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from exports.tables import CHAIR_COLUMNS, MEETING_COLUMNS, MEMBERSHIP_COLUMNS, POSITION_COLUMNS, PROPOSAL_COLUMNS
from meetings.version import bump_version

from .import_chairs import ChairImport
from .import_meetings import CHANGE, CREATE, UNCHANGED, MeetingImport, restore_cell
from .import_memberships import MembershipImport
from .import_positions import PositionImport
from .import_proposals import ProposalImport

IMPORTS = {
    "meetings": MeetingImport,
    "positions": PositionImport,
    "proposals": ProposalImport,
    "chairs": ChairImport,
    "memberships": MembershipImport,
}
COLUMNS = {
    "meetings": MEETING_COLUMNS,
    "positions": POSITION_COLUMNS,
    "proposals": PROPOSAL_COLUMNS,
    "chairs": CHAIR_COLUMNS,
    "memberships": MEMBERSHIP_COLUMNS,
}
# A column only a positions file has: a proposals file names a meeting and an issue too.
POSITION_ONLY = ("participant_code", "participant", "stance", "attribution", "quote")
CHUNK_ROWS = 1000
# The largest cell read (characters): the csv module's default limit, held here because that limit is
# process-wide and other code (the frictionless library) raises it.
MAX_CELL = 131_072


class ImportFileError(ValueError):
    """The file as a whole cannot be read: not UTF-8 CSV, no header, an unknown kind, a cell too large."""


def detect_kind(header):
    if "event" in header:
        return "memberships"
    if "year" in header and "role" in header:
        return "chairs"
    if "meeting_slug" in header:
        return "positions" if any(name in header for name in POSITION_ONLY) else "proposals"
    if "slug" in header and "title" in header:
        return "meetings"
    raise ImportFileError(
        "Cannot tell what the file holds: a positions file has meeting_slug and participant columns, a "
        "proposals file meeting_slug and proposal but no participant, a chairs file year and role, a "
        "memberships file an event column, a meetings file slug and title (the columns of "
        "/export/positions.csv, /export/proposals.csv, /export/chairs.csv, /export/memberships.csv and "
        "/export/meetings.csv)."
    )


def column_guide(kind):
    """The file's columns, in the export's order: (name, description, whether the import reads it)."""
    reads = IMPORTS[kind].reads
    return [(c.name, c.description, c.name in reads) for c in COLUMNS[kind]]


@dataclass
class Summary:
    """What an import did, or would do: counts, and the problems that concern the whole file."""

    kind: str
    dry_run: bool
    counts: dict = field(default_factory=lambda: {CREATE: 0, CHANGE: 0, UNCHANGED: 0, "invalid": 0})
    unverified: int = 0
    file_errors: list = field(default_factory=list)
    file_warnings: list = field(default_factory=list)
    failure: str = ""  # the database refused the writes: everything was rolled back

    def add(self, result):
        self.counts[result.action or "invalid"] += 1
        self.unverified += any(column == "quote" for column, _ in result.warnings)

    @property
    def has_errors(self):
        return bool(self.file_errors or self.counts["invalid"] or self.failure)

    def totals(self):
        c = self.counts
        text = f"{c[CREATE]} to create, {c[CHANGE]} to change, {c[UNCHANGED]} unchanged, {c['invalid']} with errors"
        if self.unverified:
            text += f"; {self.unverified} with a quote not found in its source"
        return text

    def message(self):
        """The one final sentence an editor reads, true to what happened."""
        if self.failure:
            return f"The import failed and nothing was changed: {self.failure}"
        if self.file_errors:
            return "Nothing was imported: " + " ".join(self.file_errors)
        if self.counts["invalid"]:
            return (
                f"Nothing was imported: {self.counts['invalid']} row(s) have errors. "
                "Correct them and import the file again."
            )
        c = self.counts
        verb = "Would import" if self.dry_run else "Imported"
        text = f"{verb} {self.kind}: {c[CREATE]} new, {c[CHANGE]} changed, {c[UNCHANGED]} unchanged"
        if self.unverified:
            text += f"; {self.unverified} with a quote not found in its source, marked unverified"
        return text + "."


def read_rows(binary_file):
    """(header, rows): the header's column names and an iterator of (line, row, record) for each row.

    `record` is the row's cells, raw; `line` is the file line the row starts on, `row` its row in a
    spreadsheet (they differ after a cell holding line breaks). A file that cannot be read raises
    ImportFileError naming the line.
    """
    # Decoded as it is read (UTF-8, a BOM allowed); newline="" leaves line breaks inside cells as they are.
    reader = csv.reader(io.TextIOWrapper(binary_file, encoding="utf-8-sig", newline=""))
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _unreadable(exc, 1) from exc
    if not header or not any(name.strip() for name in header):
        raise ImportFileError("The file is empty: its first line should name the columns.")
    header = [name.strip() for name in header]

    def rows():
        line, row = reader.line_num + 1, 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except (UnicodeDecodeError, csv.Error) as exc:
                raise _unreadable(exc, line) from exc
            if record:
                if any(len(cell) > MAX_CELL for cell in record):
                    raise ImportFileError(_too_large(line))
                row += 1
                yield line, row, record
            line = reader.line_num + 1

    return header, rows()


def _too_large(line):
    return f"line {line}: a cell is larger than {MAX_CELL:,} characters."


def _unreadable(exc, line):
    if isinstance(exc, UnicodeDecodeError):
        return ImportFileError(f"The file is not UTF-8 text (line {line} cannot be read).")
    if "field larger than field limit" in str(exc):
        return ImportFileError(_too_large(line))
    return ImportFileError(f"The file is not readable CSV (line {line}): {exc}.")


def check_header(header, importer, summary):
    for alternatives in importer.required:
        if not any(name in header for name in alternatives):
            summary.file_errors.append(f"The file has no {' or '.join(alternatives)} column.")
    known = {c.name for c in COLUMNS[importer.kind]}
    for name in header:
        if name and name not in known:
            summary.file_warnings.append(f"The column {name!r} is not one of {importer.kind}.csv's: it is ignored.")
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        summary.file_errors.append(f"The file has more than one column named {', '.join(duplicates)}.")


def run_import(binary_file, *, kind=None, dry_run, user=None, on_row=None):
    """Check every row of the file, and unless `dry_run` write them all, or none if any has an error.

    `on_row(result)` is called for each row (a editing.import_meetings.RowResult) as it is checked.
    Raises ImportFileError for a file that cannot be read; returns the Summary.
    """
    header, rows = read_rows(binary_file)
    kind = kind or detect_kind(header)
    summary = Summary(kind, dry_run)
    try:
        with transaction.atomic():
            importer = IMPORTS[kind](user=user)
            check_header(header, importer, summary)
            if summary.file_errors:
                return summary
            columns = [
                (index, name, name in importer.free_text) for index, name in enumerate(header) if name in importer.reads
            ]
            written = False
            for chunk in _chunks(rows, columns, len(header)):
                results = importer.process([(line, cells) for line, _row, cells, _extra in chunk])
                for result, (_line, row, _cells, extra) in zip(results, chunk, strict=True):
                    result.row = row
                    if extra:
                        result.error("(row)", f"The row has {extra} more cell(s) than the header has columns.")
                        result.action = ""
                    summary.add(result)
                    if on_row:
                        on_row(result)
                if dry_run or summary.has_errors:
                    importer.discard()
                else:
                    written = importer.write() or written
            if dry_run or summary.has_errors:
                transaction.set_rollback(True)
            elif written:
                bump_version()
    except DatabaseError as exc:  # e.g. another editor's import wrote the same position first
        summary.failure = _database_reason(exc)
    return summary


def _chunks(rows, columns, width):
    chunk = []
    for line, row, record in rows:
        cells = {name: restore_cell(record[i] if i < len(record) else "", free_text=free) for i, name, free in columns}
        chunk.append((line, row, cells, max(0, len(record) - width)))
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _database_reason(exc):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "unique" in text.lower():
        return (
            f"the database refused a row that is already recorded ({text}). Another import may have "
            "written the same records meanwhile: preview the file again."
        )
    return f"the database refused the writes ({text})."


# --- reporting -----------------------------------------------------------------------------------


def show(value):
    """A value as the report writes it: quoted, so empty text and white space can be seen."""
    return json.dumps(value, ensure_ascii=False)


def report_lines(result, *, verbose=False):
    """The command's lines for one row: its errors, or what it does (each change as before → after)."""
    prefix = result.place
    lines = [f"{prefix}: ERROR in column {column}: {message}" for column, message in result.errors]
    if result.action and (result.action != UNCHANGED or verbose):
        text = f"{prefix}: {result.action} {result.label}"
        if result.changes:
            text += ": " + "; ".join(f"{c}: {show(before)} → {show(after)}" for c, before, after in result.changes)
        lines.append(text)
    lines += [f"{prefix}: WARNING in column {column}: {message}" for column, message in result.warnings]
    return lines
