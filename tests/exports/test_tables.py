"""The row functions the filtered exports reuse: one query each, whatever the queryset was filtered by."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from exports.package import package_files
from exports.tables import POSITION_COLUMNS, chair_label, meeting_rows, position_rows
from meetings.models import Meeting
from positions.models import Position
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    ParticipantFactory,
    PersonFactory,
    PositionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_meeting_rows_on_a_queryset_filtered_through_positions(django_assert_num_queries):
    blocker = ParticipantFactory()
    meeting = MeetingFactory()
    meeting.sources.add(SourceFactory(slug="b-source"), SourceFactory(slug="a-source"))
    for _ in range(3):  # three matching positions: a join-based aggregate would repeat each source three times
        PositionFactory(agenda_item=AgendaItemFactory(meeting=meeting), participant=blocker)
    PositionFactory()  # another meeting, filtered out
    queryset = Meeting.objects.filter(agenda_items__positions__participant=blocker).distinct()
    with django_assert_num_queries(1):
        header, rows = meeting_rows(queryset)
        rows = list(rows)
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["slug"] == meeting.slug
    assert row["sources"] == "a-source; b-source"


def test_position_rows_on_a_filtered_queryset(django_assert_num_queries):
    kept = PositionFactory.create_batch(3, stance="blocks")
    PositionFactory(stance="supports")
    with django_assert_num_queries(1):
        header, rows = position_rows(Position.objects.for_listing().blocks().order_by("id"))
        rows = list(rows)
    assert header == [c.name for c in POSITION_COLUMNS]
    assert [dict(zip(header, row, strict=True))["id"] for row in rows] == [p.pk for p in kept]
    assert all(len(row) == len(header) for row in rows)


@pytest.mark.parametrize(("with_chair", "with_person"), [(True, True), (True, False), (False, True), (False, False)])
def test_chair_label_is_meeting_chair_display(with_chair, with_person):
    meeting = MeetingFactory(
        chair=ParticipantFactory() if with_chair else None, chair_person=PersonFactory() if with_person else None
    )
    chair_name = meeting.chair.name if meeting.chair else None
    person_name = meeting.chair_person.name if meeting.chair_person else None
    assert chair_label(chair_name, person_name) == meeting.chair_display


@pytest.mark.django_db(transaction=True)
def test_the_package_reads_one_snapshot_on_postgresql(tmp_path):
    """An issue saved while the package is being written does not appear half-way through it."""
    if connection.vendor != "postgresql":
        pytest.skip("The snapshot transaction is PostgreSQL's; SQLite exports are not wrapped.")
    files = package_files()
    name, chunks = next(files)
    assert name == "meetings.csv"
    b"".join(chunks)  # the first query takes the snapshot

    editor = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with editor.cursor() as cursor:
            cursor.execute(
                "INSERT INTO positions_issue (title, slug, description, updated_at) "
                "VALUES ('Saved meanwhile', 'saved-meanwhile', '', now())"
            )
    finally:
        editor.close()

    contents = {name: b"".join(chunks) for name, chunks in files}
    assert b"saved-meanwhile" not in contents["issues.csv"]
    assert not connection.in_atomic_block  # the snapshot transaction ended with the package
