"""Editors import meetings and positions from CSV: previewed, all-or-nothing, names matched not invented."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from governance.models import Chair, MembershipEvent
from meetings.models import Meeting
from meetings.quotes import quote_in_source
from positions.models import AgendaItem, Position, Proposal, ProposalAccount

pytestmark = pytest.mark.django_db

POSITION_HEADER = (
    "meeting_slug,issue_slug,outcome,participant,participant_code,stance,attribution,reported_by,speaker,"
    "quote,source_slug\n"
)
NEW_MEETING = (
    "slug,title,kind,number,start_date,end_date,city,host_country,is_virtual,chair,theme,sources\n"
    "2025-11-plenary-geneva,KP Plenary 2025 (22nd),plenary,22,2025-11,,Geneva,CHE,false,Switzerland,,"
    "2024-11-plenary-canada-statement\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path, *args):
    out = io.StringIO()
    try:
        call_command("import_csv", path, *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def export(client, path, **params):
    return b"".join(client.get(path, params).streaming_content).decode("utf-8")


def snapshot():
    """Every position as its natural keys and values (quote_verified last)."""
    return sorted(
        Position.objects.values_list(
            "meeting__slug",
            "agenda_item__issue__slug",
            "agenda_item__outcome",
            "proposal__text",
            "proposal__stage",
            "act",
            "working_body__slug",
            "participant__code",
            "stance",
            "evidence",
            "attribution",
            "reported_by__code",
            "reported_by_person__slug",
            "reported_by_outlet",
            "speaker__slug",
            "quote",
            "source__slug",
            "source_location",
            "note",
            "quote_verified",
        ),
        key=repr,  # an act's issue and proposal are None: sorted as text
    )


def record_snapshot():
    """The proposals with their accounts, the chairs and the membership events, as natural keys and values."""
    accounts, numbers = [], {}
    for a in ProposalAccount.objects.order_by("proposal_id", "pk").prefetch_related("proposed_by", "sources"):
        numbers[a.proposal_id] = numbers.get(a.proposal_id, 0) + 1  # its number among its proposal's accounts
        accounts.append((a, numbers[a.proposal_id]))
    return {
        "positions": snapshot(),
        "proposals": sorted(
            Proposal.objects.values_list("agenda_item__meeting__slug", "agenda_item__issue__slug", "text", "stage")
        ),
        "accounts": sorted(
            (
                a.proposal.agenda_item.meeting.slug,
                a.proposal.text,
                number,
                a.decided_by,
                a.result,
                a.votes_for,
                a.votes_against,
                a.abstentions,
                a.result_note,
                a.inferred,
                sorted(p.code for p in a.proposed_by.all()),
                sorted(s.slug for s in a.sources.all()),
            )
            for a, number in accounts
        ),  # no None among the keys: sorted as they are
        "chairs": sorted(
            [
                (
                    c.year,
                    c.role,
                    c.body and c.body.slug,
                    c.participant.code,
                    c.person and c.person.slug,
                    c.inferred,
                    c.note,
                    sorted(s.slug for s in c.sources.all()),
                )
                for c in Chair.objects.prefetch_related("sources").select_related("body", "participant", "person")
            ],
            key=repr,  # a chair of the KP has no body, one with no person named no person: None
        ),  # fmt: skip
        "memberships": sorted(
            (
                e.participant.code,
                e.event,
                e.date,
                e.date_precision,
                e.inferred,
                e.note,
                sorted(s.slug for s in e.sources.all()),
            )
            for e in MembershipEvent.objects.prefetch_related("sources").select_related("participant")
        ),  # fmt: skip
    }


def test_a_good_file_imports(kp_data, tmp_path):
    from meetings.models import Source

    source = Source.objects.exclude(text="").filter(positions__participant__code="CAN").distinct().first()
    meetings_csv = NEW_MEETING.replace("2024-11-plenary-canada-statement", source.slug)
    out, error = run(write(tmp_path, "m.csv", meetings_csv))
    assert error is None, out
    meeting = Meeting.objects.get(slug="2025-11-plenary-geneva")
    assert (meeting.number, meeting.date_precision, meeting.start_date.isoformat()) == (22, "month", "2025-11-01")
    assert meeting.chair.code == "CHE" and list(meeting.sources.all()) == [source]

    quote = Position.objects.filter(source=source).first().quote
    positions_csv = POSITION_HEADER + (
        "2025-11-plenary-geneva,russia-ukraine,not_discussed,Russian Federation,,blocks,reported,Canada,,"
        f'"{quote}",{source.slug}\n'
        f'2025-11-plenary-geneva,russia-ukraine,,,CAN,supports,stated,,,"{quote}",{source.slug}\n'
    )
    out, error = run(write(tmp_path, "p.csv", positions_csv))
    assert error is None, out
    assert "2 to create" in out
    blocks = Position.objects.get(agenda_item__meeting=meeting, stance="blocks")
    assert blocks.participant.code == "RUS" and blocks.reported_by.code == "CAN" and blocks.quote_verified
    assert AgendaItem.objects.get(meeting=meeting).outcome == "not_discussed"


def test_one_bad_row_in_the_middle_changes_nothing_and_is_reported(kp_data, client, tmp_path):
    before = snapshot()
    reader = csv.DictReader(io.StringIO(export(client, "/export/positions.csv")))
    rows = list(reader)
    new_row = {**rows[0], "stance": "neutral", "id": ""}  # valid, and would be created
    unknown = {**rows[1], "participant_code": "", "participant": "Atlantis"}
    middle = len(rows) // 2
    rows = [new_row, *rows[:middle], unknown, *rows[middle:]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=reader.fieldnames)
    writer.writeheader()
    writer.writerows(rows)

    out, error = run(write(tmp_path, "bad.csv", buffer.getvalue()))
    assert error is not None and error.returncode == 1
    bad_line = middle + 3  # the header is line 1, the new row line 2, then `middle` exported rows
    assert f"line {bad_line}: ERROR in column participant: No participant has the code, name or alias 'Atlantis'" in out
    assert out.count("ERROR") == 1
    assert snapshot() == before


def test_unknown_participant_name_is_an_error_not_a_new_participant(kp_data, tmp_path):
    from meetings.models import Participant, Source

    source = Source.objects.exclude(text="").first()
    count = Participant.objects.count()
    text = POSITION_HEADER + f"2024-11-plenary-dubai,russia-ukraine,,Atlantis,,blocks,stated,,,x,{source.slug}\n"
    out, error = run(write(tmp_path, "p.csv", text), "--dry-run")
    assert error is not None
    assert "line 2: ERROR in column participant: No participant has the code, name or alias 'Atlantis'" in out
    assert Participant.objects.count() == count


@pytest.mark.parametrize("name,code", [("Russian Federation", "RUS"), ("DRC", "COD"), ("uae", "ARE"), ("rus", "RUS")])
def test_participants_match_on_code_name_or_alias(kp_data, tmp_path, name, code):
    from meetings.models import Source

    source = Source.objects.exclude(text="").first()
    text = POSITION_HEADER + f'2024-11-plenary-dubai,digitalisation,,"{name}",,neutral,stated,,,a quote,{source.slug}\n'
    out, error = run(write(tmp_path, "p.csv", text))
    assert error is None, out
    position = Position.objects.get(agenda_item__issue__slug="digitalisation", stance="neutral")
    assert position.participant.code == code
    assert not position.quote_verified  # "a quote" is not in the source


def test_import_of_an_export_gives_back_the_same_data(kp_data, client, tmp_path):
    before = snapshot()
    meetings_before = export(client, "/export/meetings.csv")
    positions_file = write(tmp_path, "positions.csv", export(client, "/export/positions.csv"))
    meetings_file = write(tmp_path, "meetings.csv", meetings_before)

    out, error = run(positions_file, "--dry-run")
    assert error is None and f"0 to create, 0 to change, {len(before)} unchanged" in out, out

    Position.objects.all().delete()
    Meeting.objects.filter(slug="2024-11-plenary-dubai").update(title="Wrong title", city="Nowhere")
    out, error = run(meetings_file)
    assert error is None, out
    out, error = run(positions_file)
    assert error is None, out
    assert snapshot() == before
    assert export(client, "/export/meetings.csv") == meetings_before


RECORD_FILES = ["proposals", "positions", "chairs", "memberships"]


@pytest.mark.parametrize("data", ["kp_data", "record"])
def test_each_export_of_the_record_imports_back_changing_nothing(data, request, client, tmp_path):
    """proposals.csv, positions.csv, chairs.csv and memberships.csv: as they are (nothing to do), then
    into a database that lost them (the same record back, the same files out)."""
    from tests.exports.records import build_record

    if data == "record":
        build_record()
    else:
        request.getfixturevalue("kp_data")
    before = record_snapshot()
    exported = {kind: export(client, f"/export/{kind}.csv") for kind in RECORD_FILES}
    files = {kind: write(tmp_path, f"{kind}.csv", text) for kind, text in exported.items()}
    counts = {
        "proposals": len(exported["proposals"].splitlines()) - 1,
        "positions": len(before["positions"]),
        "chairs": len(before["chairs"]),
        "memberships": len(before["memberships"]),
    }
    for kind in RECORD_FILES:
        out, error = run(files[kind], "--dry-run")
        assert error is None and f"0 to create, 0 to change, {counts[kind]} unchanged" in out, (kind, out)

    Proposal.objects.all().delete()  # and with them their accounts and positions
    Position.objects.all().delete()  # the acts
    Chair.objects.all().delete()
    MembershipEvent.objects.all().delete()
    for kind in RECORD_FILES:
        out, error = run(files[kind])
        assert error is None, (kind, out)
    assert record_snapshot() == before
    for kind in ("proposals", "chairs", "memberships"):
        assert export(client, f"/export/{kind}.csv") == exported[kind], kind


def test_formula_guard_is_undone_on_import(kp_data, client, tmp_path):
    from meetings.models import Source

    source = Source.objects.exclude(text="").first()
    text = (
        POSITION_HEADER
        + f"2024-11-plenary-dubai,digitalisation,,RUS,,neutral,stated,,,'=1+1 is a formula,{source.slug}\n"
    )
    assert run(write(tmp_path, "p.csv", text))[1] is None
    assert (
        Position.objects.get(stance="neutral", agenda_item__issue__slug="digitalisation").quote == "=1+1 is a formula"
    )


@pytest.mark.parametrize(
    "content,message",
    [(b"\xff\xfe\x00bad", "not UTF-8"), (b"", "empty"), (b"a,b\n1,2\n", "Cannot tell what the file holds")],
)
def test_unreadable_files_are_refused_whole(tmp_path, content, message, db):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_csv", str(path), stdout=io.StringIO())


def test_admin_import_previews_then_confirms(kp_data, admin_client_logged_in):
    from meetings.models import Source

    source = Source.objects.exclude(text="").first()
    csv_text = POSITION_HEADER + f"2024-11-plenary-dubai,digitalisation,,RUS,,abstains,stated,,,a quote,{source.slug}\n"
    url = reverse("admin:positions_position_import")
    assert admin_client_logged_in.get(url).status_code == 200
    upload = io.BytesIO(csv_text.encode())
    upload.name = "positions.csv"
    response = admin_client_logged_in.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "create" in html
        and not Position.objects.filter(stance="abstains", meeting__slug="2024-11-plenary-dubai").exists()
    )  # preview only
    confirm = response.context["confirm_form"]
    response = admin_client_logged_in.post(
        reverse("admin:positions_position_process_import"), {**confirm.initial, "resource": "0"}
    )
    assert response.status_code == 302
    assert Position.objects.filter(stance="abstains", participant__code="RUS").exists()


def test_admin_import_with_an_error_offers_no_confirm(kp_data, admin_client_logged_in):
    csv_text = POSITION_HEADER + "2024-11-plenary-dubai,digitalisation,,Atlantis,,abstains,stated,,,a quote,nope\n"
    upload = io.BytesIO(csv_text.encode())
    upload.name = "positions.csv"
    response = admin_client_logged_in.post(
        reverse("admin:positions_position_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    html = response.content.decode()
    assert "Atlantis" in html and "No source has the slug" in html
    assert response.context.get("confirm_form") is None


# Text that truly starts with what the formula guard writes, or with white space a strip would lose.
TRICKY_TEXT = [
    "'=1+1 is text, apostrophe included",
    "'Tis the season",
    "''",
    "=SUM(A1)",
    "-",
    "\tTabbed first",
    "\r\nA line break first",
    "\nNewline first",
    "  spaces around  ",
    "trailing line break\n",
]


def test_an_export_with_tricky_text_imports_back_changing_nothing(kp_data, client, tmp_path):
    for position, text in zip(Position.objects.order_by("pk"), TRICKY_TEXT, strict=False):
        verified = quote_in_source(text, position.source.text)  # as the import will find it
        Position.objects.filter(pk=position.pk).update(
            quote=text, note=text, source_location=text, quote_verified=verified
        )
    for meeting, text in zip(Meeting.objects.order_by("pk"), TRICKY_TEXT, strict=False):
        Meeting.objects.filter(pk=meeting.pk).update(theme=text, summary=text, notes=text)
    before = snapshot()
    meetings_before = export(client, "/export/meetings.csv")
    positions_file = write(tmp_path, "positions.csv", export(client, "/export/positions.csv"))
    meetings_file = write(tmp_path, "meetings.csv", meetings_before)

    out, error = run(positions_file, "--dry-run")
    assert error is None and f"0 to create, 0 to change, {len(before)} unchanged" in out, out
    out, error = run(meetings_file, "--dry-run")
    assert error is None and f"0 to create, 0 to change, {Meeting.objects.count()} unchanged" in out, out

    Position.objects.all().delete()
    Meeting.objects.update(theme="", summary="", notes="")
    out, error = run(meetings_file)
    assert error is None, out
    out, error = run(positions_file)
    assert error is None, out
    assert snapshot() == before
    assert export(client, "/export/meetings.csv") == meetings_before


def any_text(min_size=0):
    """Any text the database can store: PostgreSQL text cannot hold NUL, SQLite's can."""
    from django.db import connection
    from hypothesis import strategies as st

    exclude = ["\0"] if connection.vendor == "postgresql" else []
    characters = st.characters(exclude_categories=("Cs",), exclude_characters=exclude)  # Cs: lone surrogates
    return st.text(characters, min_size=min_size, max_size=40)


@pytest.fixture
def one_position(db):
    from tests.factories import PositionFactory

    return PositionFactory()


def test_any_text_survives_an_export_and_an_import(one_position, client, tmp_path):
    """Through the real endpoints and command: the export, then `import_csv` over an emptied table."""
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(quote=any_text(min_size=1), note=any_text(), outlet=any_text(min_size=1))
    def round_trip(quote, note, outlet):
        if not outlet.strip():
            outlet = "x" + outlet  # an outlet of white space alone names no one: not a reported position
        Position.objects.update(quote=quote, note=note, attribution="reported", reported_by_outlet=outlet)
        before = snapshot()
        path = write(tmp_path, "positions.csv", export(client, "/export/positions.csv"))
        Position.objects.all().delete()
        out, error = run(path)
        assert error is None, out
        assert snapshot() == [(*before[0][:-1], snapshot()[0][-1])]  # quote_verified is the import's to set
        out, error = run(path, "--dry-run")
        assert error is None and "0 to create, 0 to change, 1 unchanged" in out, out

    round_trip()
