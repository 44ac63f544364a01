"""Running an import and reporting it row by row: shared by `manage.py import_csv` and its tests."""

import tablib
from import_export.results import RowResult

from meetings.resources import MeetingResource

from .resources import PositionResource

RESOURCES = {"meetings": MeetingResource, "positions": PositionResource}


class ImportFileError(ValueError):
    """The file as a whole cannot be read: not UTF-8 CSV, no header, an unknown kind."""


def read_csv(raw_bytes):
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"The file is not UTF-8 text (byte {exc.start} cannot be read).") from exc
    if not text.strip():
        raise ImportFileError("The file is empty.")
    try:
        return tablib.Dataset().load(text, format="csv")
    except Exception as exc:  # tablib raises several kinds for a malformed file
        raise ImportFileError(f"The file is not readable CSV: {exc}") from exc


def detect_kind(headers):
    if "meeting_slug" in headers:
        return "positions"
    if "slug" in headers and "title" in headers:
        return "meetings"
    raise ImportFileError(
        "Cannot tell what the file holds: a positions file has a meeting_slug column, "
        "a meetings file slug and title columns (the columns of /export/positions.csv and /export/meetings.csv)."
    )


def run_import(dataset, kind, *, dry_run, user=None):
    """Import all rows or none: any invalid row rolls the whole file back."""
    resource = RESOURCES[kind]()
    return resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, user=user
    )


def report_lines(result):
    """One line per row (line numbers as in the file, the header being line 1), then a summary."""
    lines = []
    labels = {
        RowResult.IMPORT_TYPE_NEW: "create",
        RowResult.IMPORT_TYPE_UPDATE: "change",
        RowResult.IMPORT_TYPE_SKIP: "skip (unchanged)",
        RowResult.IMPORT_TYPE_DELETE: "delete",
    }
    for number, row in enumerate(result.rows, start=2):
        if row.import_type == RowResult.IMPORT_TYPE_INVALID:
            for column, messages in _validation_errors(row):
                for message in messages:
                    lines.append(f"line {number}: ERROR in column {column}: {message}")
        elif row.import_type == RowResult.IMPORT_TYPE_ERROR:
            for error in row.errors:
                lines.append(f"line {number}: ERROR: {error.error}")
        else:
            lines.append(
                f"line {number}: {labels.get(row.import_type, row.import_type)} {row.object_repr or ''}".rstrip()
            )
    for error in result.base_errors:
        lines.append(f"ERROR: {error.error}")
    count = {kind: result.totals.get(kind, 0) for kind in (*RowResult.valid_import_types, "invalid", "error")}
    lines.append(
        f"{count[RowResult.IMPORT_TYPE_NEW]} to create, {count[RowResult.IMPORT_TYPE_UPDATE]} to change, "
        f"{count[RowResult.IMPORT_TYPE_SKIP]} unchanged, {count[RowResult.IMPORT_TYPE_INVALID]} invalid, "
        f"{count[RowResult.IMPORT_TYPE_ERROR]} errors"
    )
    return lines


def has_errors(result):
    return result.has_errors() or result.has_validation_errors()


def _validation_errors(row):
    error = row.validation_error
    if hasattr(error, "message_dict"):
        return sorted(error.message_dict.items())
    return [("(row)", error.messages)]
