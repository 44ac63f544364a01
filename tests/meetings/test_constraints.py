"""Rules of meetings, participants and sources, enforced by the database itself on PostgreSQL and SQLite."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from meetings.models import Meeting, Participant
from tests.factories import (
    MeetingFactory,
    ObserverFactory,
    ParticipantFactory,
    PositionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_meeting_end_before_start_is_rejected():
    assert_rejected(lambda: MeetingFactory(start_date=datetime.date(2024, 11, 12), end_date=datetime.date(2024, 11, 1)))
    MeetingFactory(start_date=datetime.date(2024, 11, 12), end_date=datetime.date(2024, 11, 12))


def test_meeting_kind_must_be_a_choice():
    assert_rejected(lambda: MeetingFactory(kind="summit"))


def test_meeting_month_precision_date_is_first_of_month():
    assert_rejected(
        lambda: MeetingFactory(start_date=datetime.date(2023, 11, 5), end_date=None, date_precision="month")
    )
    MeetingFactory(start_date=datetime.date(2023, 11, 1), end_date=None, date_precision="month")
    assert_rejected(lambda: MeetingFactory(start_date=datetime.date(2022, 6, 1), end_date=None, date_precision="year"))


def test_meeting_host_country_is_alpha3():
    assert_rejected(lambda: MeetingFactory(host_country="ae"))
    MeetingFactory(host_country="")


def test_plenary_numbers_are_unique():
    MeetingFactory(kind="plenary", number=21)
    assert_rejected(lambda: MeetingFactory(kind="plenary", number=21))
    MeetingFactory(kind="intersessional", number=21)


def test_observer_cannot_hold_a_veto():
    assert_rejected(lambda: ObserverFactory(has_veto=True))


def test_participant_code_is_unique_and_capitalised():
    ParticipantFactory(code="RUS", name="Russian Federation", slug="russia")
    assert_rejected(
        lambda: Participant.objects.create(code="RUS", name="Russia again", slug="russia-2", kind="government")
    )
    assert_rejected(lambda: ParticipantFactory(code="rus", name="lower", slug="lower"))


def test_source_in_use_cannot_be_deleted():
    source = SourceFactory()
    PositionFactory(source=source)
    assert_rejected(source.delete)


def test_an_in_lookup_ignores_ids_no_column_can_hold():
    """On SQLite an id beyond 64 bits in an `in` list raised OverflowError (kptracker/lookups.py)."""
    meeting = MeetingFactory()
    assert list(Meeting.objects.filter(pk__in=[2**70, meeting.pk])) == [meeting]
    assert not Meeting.objects.filter(pk__in=[2**63, -(2**63) - 1]).exists()


def test_a_meeting_is_not_part_of_itself_nor_replaces_itself():
    meeting = MeetingFactory()
    for field in ("part_of", "replaces"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(**{field: meeting})
    other = MeetingFactory()
    Meeting.objects.filter(pk=meeting.pk).update(part_of=other, replaces=other)


def test_the_planned_host_country_is_alpha3():
    assert_rejected(lambda: MeetingFactory(planned_host_country="rus"))
    MeetingFactory(planned_host_country="RUS", planned_city="Moscow")
