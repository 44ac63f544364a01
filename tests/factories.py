import datetime

import factory
from factory.django import DjangoModelFactory

from meetings.models import Meeting, MeetingKind, Participant, ParticipantKind, Person, Source
from positions.legacy import default_proposal
from positions.models import AgendaItem, Attribution, Issue, Position, Stance


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Participant {n}")
    code = factory.Sequence(lambda n: f"P{n:03d}")
    kind = ParticipantKind.GOVERNMENT
    has_veto = True
    slug = factory.Sequence(lambda n: f"participant-{n}")


class ObserverFactory(ParticipantFactory):
    kind = ParticipantKind.CIVIL_SOCIETY_OBSERVER
    has_veto = False


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    role = "delegate"
    affiliation = factory.SubFactory(ParticipantFactory)


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    publisher = "Test Wire"
    published_date = datetime.date(2024, 11, 16)
    text = "The delegate said: we will not discuss this. Another delegate said: we support it."


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"KP Meeting {n}")
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    kind = MeetingKind.PLENARY
    start_date = factory.Sequence(lambda n: datetime.date(2000 + n % 25, 11, 1 + n % 20))
    end_date = factory.LazyAttribute(lambda m: m.start_date + datetime.timedelta(days=3))
    city = "Dubai"
    host_country = "ARE"


class IssueFactory(DjangoModelFactory):
    class Meta:
        model = Issue

    title = factory.Sequence(lambda n: f"Issue {n}")
    slug = factory.Sequence(lambda n: f"issue-{n}")
    description = "A recurring agenda topic."


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    issue = factory.SubFactory(IssueFactory)
    outcome = "no_consensus"


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    # Tests name the agenda item; the position goes onto its one proposal (as the data migration does).
    agenda_item = factory.SubFactory(AgendaItemFactory)
    proposal = factory.LazyAttribute(lambda o: default_proposal(o.agenda_item))
    participant = factory.SubFactory(ParticipantFactory)
    stance = Stance.BLOCKS
    attribution = Attribution.STATED
    quote = "we will not discuss this"
    source = factory.SubFactory(SourceFactory)
