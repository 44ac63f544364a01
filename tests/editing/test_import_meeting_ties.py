"""Meetings tied to others (held within one, replacing a cancelled one) import by slug, as meetings.csv writes them."""

import pytest

from meetings.models import Meeting
from tests.editing.test_import import run, write

pytestmark = pytest.mark.django_db

HEADER = "slug,title,kind,start_date,is_virtual,part_of,replaces,planned_city,planned_host_country\n"
SESSION = "2025-05-special-session-geneva,KP Special Session 2025,special_session,2025-05,false,{part_of},,,\n"
INTERSESSIONAL = (
    "2025-05-intersessional-geneva,KP Intersessional 2025,intersessional,2025-05,true,,{replaces},Geneva,che\n"
)


def test_a_meeting_names_one_recorded_or_earlier_in_the_file(kp_data, tmp_path):
    text = HEADER + INTERSESSIONAL.format(replaces="2020-06-intersessional-moscow-cancelled")
    text += SESSION.format(part_of="2025-05-intersessional-geneva")
    out, error = run(write(tmp_path, "ties.csv", text))
    assert error is None, out
    session = Meeting.objects.get(slug="2025-05-special-session-geneva")
    assert session.part_of.slug == "2025-05-intersessional-geneva"
    intersessional = session.part_of
    assert intersessional.replaces.slug == "2020-06-intersessional-moscow-cancelled"
    assert (intersessional.planned_city, intersessional.planned_host_country) == ("Geneva", "CHE")
    assert list(intersessional.parts.all()) == [session]


def test_a_meeting_named_later_in_the_file_or_nowhere_is_an_error_with_its_line(kp_data, tmp_path):
    text = HEADER + SESSION.format(part_of="2025-05-intersessional-geneva")  # comes first: not yet known
    text += INTERSESSIONAL.format(replaces="2019-06-intersessional-atlantis")
    out, error = run(write(tmp_path, "ties.csv", text))
    assert error is not None
    assert "line 2: ERROR in column part_of: No meeting has the slug '2025-05-intersessional-geneva'" in out
    assert "line 3: ERROR in column replaces: No meeting has the slug '2019-06-intersessional-atlantis'" in out
    assert not Meeting.objects.filter(slug__contains="geneva").exists()


def test_a_meeting_tied_to_itself_is_an_error(kp_data, tmp_path):
    text = HEADER + SESSION.format(part_of="2025-05-special-session-geneva")
    out, error = run(write(tmp_path, "ties.csv", text))
    assert error is not None
    assert "line 2: ERROR in column part_of: A meeting cannot be tied to itself." in out


def test_clearing_a_tie_is_a_change_shown_before_and_after(kp_data, tmp_path):
    text = "slug,part_of\n2024-05-special-session-dubai,\n"
    out, error = run(write(tmp_path, "ties.csv", text), "--kind", "meetings", "--dry-run")
    assert error is None, out
    assert "part_of" in out and "2024-05-intersessional-dubai" in out
    assert "0 to create, 1 to change" in out
    out, error = run(write(tmp_path, "ties.csv", text), "--kind", "meetings")
    assert error is None, out
    assert Meeting.objects.get(slug="2024-05-special-session-dubai").part_of is None


def test_a_tie_that_would_make_a_loop_is_an_error(kp_data, tmp_path):
    # The special session is held within the intersessional; the intersessional cannot be held within it.
    text = "slug,part_of\n2024-05-intersessional-dubai,2024-05-special-session-dubai\n"
    out, error = run(write(tmp_path, "ties.csv", text), "--kind", "meetings")
    assert error is not None
    assert "ERROR in column part_of: That would make a loop" in out
    assert Meeting.objects.get(slug="2024-05-intersessional-dubai").part_of is None


def test_an_import_writes_one_history_record_per_meeting(kp_data, tmp_path):
    session = Meeting.objects.get(slug="2024-05-special-session-dubai")
    before = session.history.count()
    out, error = run(
        write(tmp_path, "ties.csv", "slug,part_of\n2024-05-special-session-dubai,\n"), "--kind", "meetings"
    )
    assert error is None, out
    assert session.history.count() == before + 1
    assert session.history.first().part_of_id is None  # the record shows the change it made
