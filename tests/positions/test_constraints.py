"""The rules of agenda items and positions are enforced by the database itself, on PostgreSQL and SQLite alike."""

import pytest

from meetings.models import Meeting
from positions.models import AgendaItem, Position
from tests.factories import (
    AgendaItemFactory,
    ObserverFactory,
    ParticipantFactory,
    PositionFactory,
)
from tests.meetings.test_constraints import assert_rejected

pytestmark = pytest.mark.django_db


def test_agenda_item_unique_per_meeting_and_issue():
    item = AgendaItemFactory()
    assert_rejected(lambda: AgendaItem.objects.create(meeting=item.meeting, issue=item.issue))


def test_outcome_and_stance_must_be_choices():
    assert_rejected(lambda: AgendaItemFactory(outcome="vetoed"))
    assert_rejected(lambda: PositionFactory(stance="sulks"))


def test_position_is_unique_per_item_participant_stance_source():
    position = PositionFactory()
    assert_rejected(
        lambda: Position.objects.create(
            agenda_item=position.agenda_item,
            participant=position.participant,
            stance=position.stance,
            attribution="stated",
            quote="again",
            source=position.source,
        )
    )


def test_reported_position_names_its_reporter_and_stated_one_does_not():
    reporter = ObserverFactory(code="KPCSC", name="Coalition", slug="coalition")
    assert_rejected(lambda: PositionFactory(attribution="reported"))
    assert_rejected(lambda: PositionFactory(attribution="stated", reported_by=reporter))
    assert_rejected(lambda: PositionFactory(attribution="stated", reported_by_outlet="A newspaper"))
    PositionFactory(attribution="reported", reported_by=reporter)
    PositionFactory(attribution="reported", reported_by_outlet="A newspaper")


def test_participant_cannot_report_itself():
    participant = ParticipantFactory()
    assert_rejected(lambda: PositionFactory(participant=participant, attribution="reported", reported_by=participant))


def test_position_needs_a_quote_and_a_source():
    assert_rejected(lambda: PositionFactory(quote=""))
    assert_rejected(lambda: PositionFactory(source=None))


def test_deleting_a_meeting_takes_its_agenda_and_positions():
    position = PositionFactory()
    position.agenda_item.meeting.delete()
    assert not Position.objects.exists()
    assert not Meeting.objects.exists()
