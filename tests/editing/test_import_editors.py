"""What an editor sees importing a file: the file's own columns and a template, every error at once
with its file line (the same in the admin and the command), unverified quotes flagged, each change as
before → after, a clean preview, a truthful final message, and limits that answer plainly."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.db.models.sql.compiler import SQLInsertCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting, Participant, Source
from positions.models import AgendaItem, Position, Stance
from tests.editing.test_import import POSITION_HEADER, export, run, snapshot, write
from tests.exports.test_endpoints import POSITION_CONTRACT as EXPORT_COLUMNS

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:positions_position_import"
CONFIRM_URL = "admin:positions_position_process_import"


def upload(client, text, url=IMPORT_URL, name="positions.csv"):
    file = io.BytesIO(text.encode() if isinstance(text, str) else text)
    file.name = name
    # format and resource: what django-import-export's form took (kptracker's ignores them).
    return client.post(reverse(url), {"import_file": file, "format": "0", "resource": "0"})


def confirm(client, preview):
    return client.post(reverse(CONFIRM_URL), {**preview.context["confirm_form"].initial, "resource": "0"}, follow=True)


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def a_quote(source):
    """A sentence of the source's text, on one line."""
    return source.text.splitlines()[0].split(".")[0].strip()


# Line 2: three errors in three columns; line 3 is good; line 4: two more.
THREE_BAD_ROWS = POSITION_HEADER + (
    "2024-11-plenary-dubai,digitalisation,,Atlantis,,blocked,said,,,a quote,{source}\n"
    "2024-11-plenary-dubai,digitalisation,,RUS,,neutral,stated,,,a quote,{source}\n"
    "no-such-meeting,digitalisation,settled,RUS,,abstains,stated,,,a quote,{source}\n"
)
EXPECTED_ERRORS = [
    ("2", "participant", "No participant has the code, name or alias 'Atlantis'"),
    ("2", "stance", "'blocked' is not a stance: one of supports, opposes, blocks"),
    ("2", "attribution", "'said' is not an attribution: one of stated, reported"),
    ("4", "meeting_slug", "No meeting has the slug 'no-such-meeting'"),
    ("4", "outcome", "'settled' is not an outcome"),
]


# --- item 14: columns, template, every error at once, line numbers -------------------------------


def test_the_import_page_lists_the_files_columns_and_links_a_template(kp_data, admin_client_logged_in):
    html = admin_client_logged_in.get(reverse(IMPORT_URL)).content.decode()
    for column in EXPORT_COLUMNS:
        assert f"<code>{column}</code>" in html
    for internal in ("_agenda_item", "_participant", "_source", "_start_date", "_chair"):
        assert internal not in html
    template_url = reverse("admin:positions_position_import_template")
    assert f'href="{template_url}"' in html
    assert reverse("admin:meetings_meeting_import_template") in admin_client_logged_in.get(
        reverse("admin:meetings_meeting_import")
    ).content.decode("utf-8")


@pytest.mark.parametrize("kind", ["positions", "meetings"])
def test_the_template_has_the_exports_columns_and_an_example_that_imports(
    kind, kp_data, admin_client_logged_in, client, tmp_path
):
    response = admin_client_logged_in.get(reverse(f"admin:{kind}_{kind[:-1]}_import_template"))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    exported = list(csv.reader(io.StringIO(export(client, f"/export/{kind}.csv"), newline="")))
    assert rows[0] == exported[0]
    assert len(rows) == 2 and rows[1] in exported[1:]
    out, error = run(write(tmp_path, "template.csv", "\r\n".join(",".join(f'"{c}"' for c in r) for r in rows)))
    assert error is None and "0 to create, 0 to change, 1 unchanged" in out, out


def test_the_template_is_for_editors_only(kp_data, client):
    response = client.get(reverse("admin:positions_position_import_template"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_error_of_every_row_and_column_at_once_with_its_file_line_in_the_command(kp_data, tmp_path):
    source = Source.objects.exclude(text="").first().slug
    out, error = run(write(tmp_path, "p.csv", THREE_BAD_ROWS.format(source=source)), "--dry-run")
    assert error is not None and error.returncode == 1
    for line, column, message in EXPECTED_ERRORS:
        assert f"line {line}: ERROR in column {column}: {message}" in out, out
    assert out.count("ERROR") == len(EXPECTED_ERRORS)


def test_the_admin_shows_every_error_with_the_same_file_lines(kp_data, admin_client_logged_in):
    source = Source.objects.exclude(text="").first().slug
    response = upload(admin_client_logged_in, THREE_BAD_ROWS.format(source=source))
    html = response.content.decode()
    assert response.context.get("confirm_form") is None
    for line, column, message in EXPECTED_ERRORS:
        assert f"<tr><td>{line}</td><td><code>{column}</code></td><td>{message}".replace("'", "&#x27;") in html, (
            line,
            column,
        )
    assert not Position.objects.filter(stance="neutral", agenda_item__issue__slug="digitalisation").exists()


# --- item 14: unverified quotes, before → after, a clean preview --------------------------------


def test_an_unverified_quote_is_flagged_by_the_dry_run_and_the_preview(kp_data, admin_client_logged_in, tmp_path):
    source = Source.objects.exclude(text="").first()
    text = POSITION_HEADER + (
        f"2024-11-plenary-dubai,digitalisation,,RUS,,neutral,stated,,,words nobody wrote,{source.slug}\n"
        f'2024-11-plenary-dubai,digitalisation,,CHN,,neutral,stated,,,"{a_quote(source)}",{source.slug}\n'
    )
    out, error = run(write(tmp_path, "p.csv", text), "--dry-run")
    assert error is None, out
    assert "line 2: WARNING in column quote: Not found in the text of its source" in out
    assert "line 3: WARNING" not in out
    html = upload(admin_client_logged_in, text).content.decode()
    assert "Quotes not found in their source (1)" in html
    assert "Line 2: Russia neutral" in html or "Line 2: Russian Federation neutral" in html


def test_a_change_is_shown_as_before_and_after(kp_data, client, admin_client_logged_in, tmp_path):
    reader = csv.DictReader(io.StringIO(export(client, "/export/positions.csv")))
    rows = list(reader)
    rows[0]["note"] = "A note added in a spreadsheet"
    old_location = rows[0]["source_location"]
    rows[0]["source_location"] = "paragraph 99"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=reader.fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    position = Position.objects.get(pk=rows[0]["id"])
    old_note = position.note

    out, error = run(write(tmp_path, "p.csv", buffer.getvalue()), "--dry-run")
    assert error is None, out
    (line,) = [text for text in out.splitlines() if text.startswith("line 2: change")]
    assert f'source_location: "{old_location}" → "paragraph 99"' in line
    assert f'note: "{old_note}" → "A note added in a spreadsheet"' in line

    html = upload(admin_client_logged_in, buffer.getvalue()).content.decode()
    assert "<code>note</code>:" in html and "A note added in a spreadsheet" in html
    assert "<code>source_location</code>:" in html and "paragraph 99" in html


def test_other_words_are_another_statement_not_a_change(kp_data, client, tmp_path):
    """Several statements of one participant with one stance in one source are allowed: a row's quote is
    part of which statement it is, so edited words add a statement and leave the first as it was."""
    reader = csv.DictReader(io.StringIO(export(client, "/export/positions.csv")))
    rows = list(reader)
    quoted = next(i for i, row in enumerate(rows) if row["quote"])  # a cited row stores no quote to edit
    rows[0], rows[quoted] = rows[quoted], rows[0]
    rows[0]["quote"] += " (abridged)"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=reader.fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    out, error = run(write(tmp_path, "p.csv", buffer.getvalue()))
    assert error is None, out
    assert f"1 to create, 0 to change, {len(rows) - 1} unchanged" in out, out
    first = Position.objects.get(pk=rows[0]["id"])
    added = Position.objects.get(quote=rows[0]["quote"])
    assert first.quote != added.quote
    assert (added.proposal, added.participant, added.stance, added.source) == (
        first.proposal,
        first.participant,
        first.stance,
        first.source,
    )


@pytest.mark.parametrize("kind", ["meetings", "positions"])
def test_the_preview_writes_empty_as_empty(kind, kp_data, admin_client_logged_in):
    """No None, no ---, no []: with a good row and a bad one, the preview shows both kinds of row."""
    source = Source.objects.exclude(text="").first().slug
    if kind == "meetings":
        text = (
            "slug,title,kind,number,start_date,end_date,city,host_country,is_virtual,chair,theme,sources\n"
            "2025-11-plenary-geneva,KP Plenary 2025,plenary,,2025-11,,,,false,,,\n"
            "2025-12-plenary-geneva,KP Plenary 2025 bis,plenary,,2025-12,,,,false,Atlantis,,\n"
        )
        url = "admin:meetings_meeting_import"
    else:
        text = POSITION_HEADER + (
            f"2024-11-plenary-dubai,digitalisation,,RUS,,abstains,stated,,,a quote,{source}\n"
            f"2024-11-plenary-dubai,digitalisation,,RUS,,blocked,stated,,,a quote,{source}\n"
        )
        url = IMPORT_URL
    html = upload(admin_client_logged_in, text, url=url, name="f.csv").content.decode()
    content = html[html.index("<h1") : html.index('id="footer"')]
    for noise in ("None", "[]", "---"):
        assert noise not in content
    assert "<tr><td>3</td>" in content and "<td>create</td>" in content


# --- item 14 and 10: the final message says what happened ---------------------------------------


def test_a_confirmed_import_says_what_it_did(kp_data, admin_client_logged_in):
    source = Source.objects.exclude(text="").first()
    text = POSITION_HEADER + f"2024-11-plenary-dubai,digitalisation,,RUS,,abstains,stated,,,a quote,{source.slug}\n"
    response = confirm(admin_client_logged_in, upload(admin_client_logged_in, text))
    assert Position.objects.filter(stance="abstains", participant__code="RUS").exists()
    assert message_texts(response) == [
        "Imported positions: 1 new, 0 changed, 0 unchanged; 1 with a quote not found in its source, "
        "marked unverified. (from positions.csv)"
    ]


def test_a_confirm_whose_transaction_fails_says_nothing_was_imported(kp_data, admin_client_logged_in, monkeypatch):
    """Two editors confirm the same file: the second one's insert meets the first one's row."""
    source = Source.objects.exclude(text="").first()
    text = POSITION_HEADER + (
        f"2024-11-plenary-dubai,digitalisation,,RUS,,abstains,stated,,,a quote,{source.slug}\n"
        f"2024-11-plenary-dubai,digitalisation,,CHN,,abstains,stated,,,a quote,{source.slug}\n"
    )
    preview = upload(admin_client_logged_in, text)
    before = snapshot()
    insert = SQLInsertCompiler.execute_sql

    def the_other_editor_was_first(self, *args, **kwargs):
        if self.query.model is Position:
            raise IntegrityError(
                "UNIQUE constraint failed: positions_position.agenda_item_id, positions_position.participant_id, "
                "positions_position.stance, positions_position.source_id"
            )
        return insert(self, *args, **kwargs)

    monkeypatch.setattr(SQLInsertCompiler, "execute_sql", the_other_editor_was_first)
    response = confirm(admin_client_logged_in, preview)
    (message,) = message_texts(response)
    assert message.startswith("The import failed and nothing was changed:"), message
    assert "already recorded" in message and "Import finished" not in message
    assert [m.level_tag for m in get_messages(response.wsgi_request)] in ([], ["error"])
    assert snapshot() == before


def test_a_preview_confirmed_twice_imports_once(kp_data, admin_client_logged_in):
    source = Source.objects.exclude(text="").first()
    text = POSITION_HEADER + f"2024-11-plenary-dubai,digitalisation,,RUS,,abstains,stated,,,a quote,{source.slug}\n"
    preview = upload(admin_client_logged_in, text)
    confirm(admin_client_logged_in, preview)
    (message,) = message_texts(confirm(admin_client_logged_in, preview))
    assert message.startswith("Nothing was imported: this preview has expired or was already imported")
    assert Position.objects.filter(stance="abstains", participant__code="RUS").count() == 1


# --- item 11: limits, a cell too large, large files ----------------------------------------------


def test_the_admin_refuses_a_file_over_its_limit_before_reading_it(kp_data, admin_client_logged_in, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    source = Source.objects.exclude(text="").first()
    row = f"2024-11-plenary-dubai,digitalisation,,RUS,,abstains,stated,,,a quote,{source.slug}\n"
    response = upload(admin_client_logged_in, POSITION_HEADER + row * 20)
    html = response.content.decode()
    assert "the admin imports files up to 0.0 MB" in html and "manage.py import_csv" in html
    assert response.context.get("summary") is None  # nothing was parsed
    assert not Position.objects.filter(stance="abstains", meeting__slug="2024-11-plenary-dubai").exists()


@pytest.mark.parametrize("csv_limit", [131_072, 10**9])  # the csv module's default, or what other code sets
def test_a_cell_too_large_is_named_with_its_line(kp_data, admin_client_logged_in, tmp_path, csv_limit):
    source = Source.objects.exclude(text="").first()
    text = POSITION_HEADER + (
        f"2024-11-plenary-dubai,digitalisation,,RUS,,abstains,stated,,,a quote,{source.slug}\n"
        f"2024-11-plenary-dubai,digitalisation,,CHN,,abstains,stated,,,{'x' * 200_000},{source.slug}\n"
    )
    message = "line 3: a cell is larger than 131,072 characters."
    previous = csv.field_size_limit(csv_limit)
    try:
        with pytest.raises(CommandError, match=message):
            call_command("import_csv", write(tmp_path, "p.csv", text), stdout=io.StringIO())
        assert message in upload(admin_client_logged_in, text).content.decode()
    finally:
        csv.field_size_limit(previous)
    assert not Position.objects.filter(stance="abstains", meeting__slug="2024-11-plenary-dubai").exists()


def generated_rows(count, source):
    """`count` distinct new positions on one agenda item (each participant × stance once)."""
    pairs = [(p, s) for p in Participant.objects.order_by("code") for s in Stance.values]
    assert len(pairs) >= count
    return "".join(
        f'2024-11-plenary-dubai,digitalisation,,{p.code},,{s},stated,,,"{a_quote(source)}",{source.slug}\n'
        for p, s in pairs[:count]
    )


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_queries_do_not_grow_with_the_rows(kp_data, tmp_path, dry_run):
    source = Source.objects.exclude(text="").first()
    counts = []
    for count in (10, 60):
        path = write(tmp_path, f"p{count}.csv", POSITION_HEADER + generated_rows(count, source))
        with CaptureQueriesContext(connection) as queries:
            out, error = run(path, *(["--dry-run"] if dry_run else []))
        assert error is None and f"{count} to create" in out, out
        counts.append(len(queries))
        AgendaItem.objects.filter(meeting__slug="2024-11-plenary-dubai", issue__slug="digitalisation").delete()
    # Bulk inserts come in batches (SQLite takes at most 999 parameters a statement): not one a row.
    assert counts[0] <= counts[1] <= counts[0] + 2, counts


def test_a_file_read_in_chunks_is_still_all_or_nothing(kp_data, tmp_path, monkeypatch):
    monkeypatch.setattr("editing.importing.CHUNK_ROWS", 4)
    source = Source.objects.exclude(text="").first()
    rows = generated_rows(11, source) + "2024-11-plenary-dubai,digitalisation,,Atlantis,,neutral,stated,,,q,x\n"
    before, meetings = snapshot(), Meeting.objects.count()
    out, error = run(write(tmp_path, "p.csv", POSITION_HEADER + rows))
    assert error is not None and "line 13: ERROR in column participant" in out
    assert snapshot() == before
    out, error = run(write(tmp_path, "p.csv", POSITION_HEADER + generated_rows(11, source)))
    assert error is None and "11 to create" in out, out
    assert len(snapshot()) == len(before) + 11
    assert Meeting.objects.count() == meetings


def test_after_a_cell_with_line_breaks_a_row_is_named_by_its_line_and_its_spreadsheet_row(kp_data, tmp_path):
    source = Source.objects.exclude(text="").first().slug
    text = POSITION_HEADER + (
        f'2024-11-plenary-dubai,digitalisation,,RUS,,abstains,stated,,,"two\nlines",{source}\n'
        f"2024-11-plenary-dubai,digitalisation,,Atlantis,,abstains,stated,,,a quote,{source}\n"
    )
    out, error = run(write(tmp_path, "p.csv", text), "--dry-run")
    assert "line 4 (spreadsheet row 3): ERROR in column participant" in out, out


# --- who may import ------------------------------------------------------------------------------


@pytest.mark.parametrize("in_editors_group,status", [(True, 200), (False, 403)])
def test_editors_may_import_and_other_staff_may_not(kp_data, client, django_user_model, in_editors_group, status):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username="staff", password="a long passphrase", is_staff=True)
    if in_editors_group:
        call_command("create_editor_group", verbosity=0)
        user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    for name in ("import", "import_template"):
        assert client.get(reverse(f"admin:positions_position_{name}")).status_code == status
        assert client.get(reverse(f"admin:meetings_meeting_{name}")).status_code == status
    changelist = client.get(reverse("admin:positions_position_changelist"))
    if in_editors_group:
        assert reverse(IMPORT_URL) in changelist.content.decode()
