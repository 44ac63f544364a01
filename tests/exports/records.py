"""A small record holding everything issue 13 added: proposals at two stages with accounts that agree
and disagree (one with none), statements quoted, inferred and cited, acts at a meeting and against a
working body, a person who reported, chairs and membership events at each date precision."""

import datetime

from governance.models import Chair, MembershipEvent, WorkingBody
from meetings.quotes import quote_in_source
from positions.models import Position, Proposal, ProposalAccount
from tests.factories import (
    AgendaItemFactory,
    IssueFactory,
    MeetingFactory,
    ObserverFactory,
    ParticipantFactory,
    PersonFactory,
    SourceFactory,
)


def build_record():
    russia = ParticipantFactory(code="RUS", name="Russian Federation", slug="russia")
    eu = ParticipantFactory(code="EU", name="European Union", slug="eu", kind="regional_organisation")
    canada = ParticipantFactory(code="CAN", name="Canada", slug="canada")
    car = ParticipantFactory(code="CAF", name="Central African Republic", slug="car")
    coalition = ObserverFactory(code="KPCSC", name="KP Civil Society Coalition", slug="kpcsc")
    zerouki = PersonFactory(name="Ahmed Bin Sulayem", slug="bin-sulayem", affiliation=None)
    mtisi = PersonFactory(name="Shamiso Mtisi", slug="mtisi", affiliation=coalition)
    stored = SourceFactory(
        slug="b-news",
        text="Russia blocked it again. The EU put the item forward. The coalition walked out. Canada said yes.",
    )
    other = SourceFactory(slug="a-report", text="The vote did not attract a simple majority. Canada said yes.")
    cited = SourceFactory(slug="c-public-page", text="", url="https://kp.example/page", notes="What it states.")
    body = WorkingBody.objects.create(name="Committee on Participation", slug="participation", kind="committee")

    kasane = MeetingFactory(slug="2022-06-kasane", title="Kasane intersessional", kind="intersessional",
                            start_date=datetime.date(2022, 6, 20), end_date=None)  # fmt: skip
    dubai = MeetingFactory(slug="2024-11-dubai", title="Dubai plenary", start_date=datetime.date(2024, 11, 12))
    russia_item = AgendaItemFactory(meeting=kasane, issue=IssueFactory(slug="russia-ukraine", title="Russia"))
    car_item = AgendaItemFactory(meeting=dubai, issue=IssueFactory(slug="car", title="CAR"), outcome="adopted")

    discuss = Proposal.objects.create(agenda_item=russia_item, text="Discuss Russia's diamonds", stage="agenda")
    voted = ProposalAccount.objects.create(
        proposal=discuss, decided_by="vote", result="rejected", votes_for=20, votes_against=2, abstentions=0,
        result_note="Did not attract a simple majority.",
    )  # fmt: skip
    voted.proposed_by.add(eu, canada)
    voted.sources.add(other, stored)
    removed = ProposalAccount.objects.create(
        proposal=discuss, decided_by="consensus", result="blocked", inferred=True, result_note="=read as a block"
    )
    removed.sources.add(stored)
    lift = Proposal.objects.create(
        agenda_item=car_item, text="Lift CAR's restrictions, subject to enhanced vigilance", stage="decision"
    )
    adopted = ProposalAccount.objects.create(proposal=lift, decided_by="consensus", result="adopted")
    adopted.sources.add(cited)
    wording = Proposal.objects.create(agenda_item=car_item, text="-Thank the monitors", stage="communique")

    def position(**fields):
        fields.setdefault("attribution", "stated")
        fields.setdefault("source", stored)
        fields["quote_verified"] = quote_in_source(fields["quote"], fields["source"].text)  # as the admin sets it
        return Position.objects.create(**fields)

    positions = [
        position(proposal=discuss, participant=russia, stance="blocks", quote="Russia blocked it again"),
        # A second statement of Russia blocking, in the same source: other words.
        position(
            proposal=discuss,
            participant=russia,
            stance="blocks",
            quote="Russia blocked it",
            evidence="inferred",
            note="Read as a block of the discussion.",
        ),  # fmt: skip
        position(
            proposal=discuss,
            participant=eu,
            stance="supports",
            quote="The EU put the item forward",
            attribution="reported",
            reported_by_person=mtisi,
        ),  # fmt: skip
        position(proposal=lift, participant=canada, stance="supports", evidence="cited", quote="", source=cited),
        position(
            proposal=wording,
            participant=canada,
            stance="supports",
            quote="Canada said yes",
            source=other,
            speaker=zerouki,
        ),  # fmt: skip
        position(
            act="walk_out", meeting=dubai, participant=coalition, stance="protests", quote="The coalition walked out"
        ),  # fmt: skip
        position(
            act="boycott",
            working_body=body,
            participant=canada,
            stance="protests",
            evidence="cited",
            quote="",
            source=cited,
        ),  # fmt: skip
        position(
            act="statement",
            meeting=kasane,
            working_body=body,
            participant=coalition,
            quote="Canada said yes",
            source=other,
            attribution="reported",
            reported_by=canada,
        ),  # fmt: skip
    ]

    chairs = [
        Chair.objects.create(year=2021, participant=russia, person=zerouki, note="Its chairmanship of 2021."),
        Chair.objects.create(year=2021, role="vice_chair", participant=car),
        Chair.objects.create(year=2018, participant=eu, inferred=True, note="Read from the list of chairs."),
        Chair.objects.create(year=2018, participant=eu, person=mtisi, note="+Another account names a person."),
        Chair.objects.create(year=2023, body=body, participant=canada),
    ]
    for chair in chairs:
        chair.sources.add(stored)
    chairs[0].sources.add(cited)

    events = [
        MembershipEvent.objects.create(
            participant=car, event="restrictions_imposed", date=datetime.date(2013, 1, 1), date_precision="year"
        ),  # fmt: skip
        MembershipEvent.objects.create(
            participant=car,
            event="restrictions_lifted",
            date=datetime.date(2024, 11, 1),
            date_precision="month",
            note="Subject to enhanced vigilance.",
        ),  # fmt: skip
        MembershipEvent.objects.create(
            participant=canada,
            event="admitted",
            date=datetime.date(2003, 1, 1),
            inferred=True,
            note="@founding participant",
        ),  # fmt: skip
    ]
    for event in events:
        event.sources.add(other)
    events[1].sources.add(cited)
    return {
        "participants": {"RUS": russia, "EU": eu, "CAN": canada, "CAF": car, "KPCSC": coalition},
        "sources": {"stored": stored, "other": other, "cited": cited},
        "meetings": {"kasane": kasane, "dubai": dubai},
        "proposals": {"discuss": discuss, "lift": lift, "wording": wording},
        "accounts": {"voted": voted, "removed": removed, "adopted": adopted},
        "positions": positions,
        "chairs": chairs,
        "events": events,
        "body": body,
        "people": {"zerouki": zerouki, "mtisi": mtisi},
    }
