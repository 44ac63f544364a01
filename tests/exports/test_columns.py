"""Each CSV file's columns are declared once (exports.tables): the export's header, the data package's
Table Schema, positions.csv's SQL select list and the import's columns must be that one sequence."""

import csv
import datetime
import inspect
import io
import json
import re
import zipfile

import pytest
from django.db import connection
from django.urls import reverse

from editing.importing import IMPORTS
from exports.columns import Columns, Computed, column
from exports.sqlcsv import position_csv_values
from exports.tables import (
    CHAIR_COLUMNS,
    MATRIX_COLUMNS,
    MEETING_COLUMNS,
    MEMBERSHIP_COLUMNS,
    PACKAGE_TABLES,
    POSITION_COLUMNS,
    PROPOSAL_COLUMNS,
)
from meetings.dates import (
    PARTIAL_DATE_PATTERN,
    DatePrecision,
    format_partial_date,
    parse_partial_date,
    partial_date_sql,
)
from meetings.models import Meeting
from positions.models import Position
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def header_of(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    return next(csv.reader(io.StringIO(body, newline="")))


def package_fields(client):
    response = client.get("/export/kptracker-data.zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
    return {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor["resources"]}


# Each imported file: its columns, and the admin's name of the model whose list page has its import.
IMPORTED_FILES = [
    ("meetings", MEETING_COLUMNS, "meetings_meeting"),
    ("positions", POSITION_COLUMNS, "positions_position"),
    ("proposals", PROPOSAL_COLUMNS, "positions_proposal"),
    ("chairs", CHAIR_COLUMNS, "governance_chair"),
    ("memberships", MEMBERSHIP_COLUMNS, "governance_membershipevent"),
]


@pytest.mark.parametrize(("kind", "columns", "admin_name"), IMPORTED_FILES)
def test_export_header_package_schema_and_import_columns_are_one_sequence(
    kind, columns, admin_name, client, admin_client_logged_in, kp_data
):
    names = list(columns.names)
    assert header_of(client.get(f"/export/{kind}.csv")) == names
    assert package_fields(client)[kind] == names
    template = admin_client_logged_in.get(reverse(f"admin:{admin_name}_import_template"))
    assert header_of(template) == names
    guide = admin_client_logged_in.get(reverse(f"admin:{admin_name}_import")).context["columns"]
    assert [name for name, _description, _read in guide] == names
    assert {name for name, _description, read in guide if read} == columns.imported
    assert IMPORTS[kind].free_text <= columns.imported


def test_every_package_file_has_its_declared_columns(client, kp_data):
    assert package_fields(client) == {table.name: list(table.columns.names) for table in PACKAGE_TABLES}


def test_the_sql_select_list_of_positions_is_the_declared_columns(kp_data):
    values = position_csv_values(Position.objects.all())
    assert [name.removeprefix("csv_") for name in values._fields] == list(POSITION_COLUMNS.names)


def test_the_matrix_starts_with_its_declared_columns(client, kp_data):
    header = header_of(client.get("/export/matrix.csv"))
    assert header[: len(MATRIX_COLUMNS)] == list(MATRIX_COLUMNS.names) and header[-1] == "total"


def test_a_date_column_takes_the_partial_date_pattern():
    start = next(c for c in MEETING_COLUMNS if c.name == "start_date")
    assert start.schema()["constraints"]["pattern"] == PARTIAL_DATE_PATTERN


@pytest.mark.parametrize(
    ("precision", "text"),
    [(DatePrecision.DAY, "2024-11-12"), (DatePrecision.MONTH, "2024-11"), (DatePrecision.YEAR, "2024")],
)
def test_the_partial_date_rule_agrees_with_itself_in_every_form(precision, text):
    day = {DatePrecision.DAY: 12, DatePrecision.MONTH: 1, DatePrecision.YEAR: 1}[precision]
    month = 1 if precision == DatePrecision.YEAR else 11
    date = datetime.date(2024, month, day)
    meeting = MeetingFactory(start_date=date, end_date=None, date_precision=precision)
    assert format_partial_date(date, precision) == text
    assert parse_partial_date(text) == (date, precision)
    in_sql = (
        Meeting.objects.filter(pk=meeting.pk)
        .annotate(text=partial_date_sql("start_date", "date_precision"))
        .values_list("text", flat=True)
    )
    assert in_sql.get() == text


@pytest.mark.parametrize("text", ["2024-1", "24", "2024-11-12x", "２０２４", "2024/11"])
def test_text_off_the_pattern_is_not_a_partial_date(text):
    with pytest.raises(ValueError, match="is not a date"):
        parse_partial_date(text)


def test_a_value_computed_in_python_has_no_sql_form():
    columns = Columns(Meeting, column("twice", "The slug, twice.", Computed(lambda slug: slug * 2, ("slug",))))
    MeetingFactory(slug="ab")
    assert list(columns.rows(Meeting.objects.all())[1]) == [("abab",)]
    assert columns.columns[0].schema() == {"name": "twice", "type": "string", "description": "The slug, twice."}
    with pytest.raises(TypeError):
        columns.sql()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the per-row record is SQLite's")
def test_the_sqlite_record_has_a_cell_per_declared_column(kp_data):
    from exports.sqlcsv import stream_position_sqlite

    text = b"".join(stream_position_sqlite(Position.objects.all())).decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(POSITION_COLUMNS.names)
    assert {len(row) for row in rows} == {len(POSITION_COLUMNS)}


@pytest.mark.parametrize(("kind", "columns"), [(kind, columns) for kind, columns, _admin in IMPORTED_FILES])
def test_every_column_an_importer_reads_by_name_is_declared_as_imported(kind, columns):
    """What a column means on import is the importer's; its name must still be one the file declares."""
    importer = IMPORTS[kind]
    source = inspect.getsource(inspect.getmodule(importer))
    named = set(re.findall(r'cells(?:\.get\(|\[)"(\w+)"', source)) | set(re.findall(r'"(\w+)" in cells\b', source))
    named |= {name for alternatives in importer.required for name in alternatives}
    assert named and named <= columns.imported
