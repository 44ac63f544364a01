"""/map/: stances on a proposal or an issue at a meeting, and standing in a year, with the EU drawn on
its member states of that year and what cannot be drawn listed."""

import datetime
import html as htmllib
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import Group, MembershipEvent, MemberState
from tests.factories import (
    AgendaItemFactory,
    ObserverFactory,
    ParticipantFactory,
    PositionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# ISO 3166 numeric codes, as world-atlas names its shapes.
RUSSIA, UKRAINE, FRANCE, UK, CROATIA = "643", "804", "250", "826", "191"


def member(eu, name, iso, joined, left=None):
    state = MemberState.objects.create(organisation=eu, name=name, iso_code=iso, joined=joined, left=left)
    state.sources.add(SourceFactory(text="", url="https://example.org/eu", notes="Lists the members."))
    return state


@pytest.fixture
def record():
    """A proposal at a 2019 meeting: Russia blocks (and in a second source opposes), Ukraine and the
    EU support, the KPCSC (an observer) supports. The EU's members: France, the UK (until 2020) and
    Croatia (from 2013)."""
    rus = ParticipantFactory(code="RUS", name="Russia")
    ukr = ParticipantFactory(code="UKR", name="Ukraine")
    eu = ParticipantFactory(code="EU", name="European Union", kind="regional_organisation")
    kpcsc = ObserverFactory(code="KPCSC", name="Civil Society Coalition")
    member(eu, "France", "FRA", datetime.date(1958, 1, 1))
    member(eu, "United Kingdom", "GBR", datetime.date(1973, 1, 1), datetime.date(2020, 1, 31))
    member(eu, "Croatia", "HRV", datetime.date(2013, 7, 1))
    item = AgendaItemFactory(meeting__start_date=datetime.date(2019, 11, 18), meeting__slug="plenary-2019")
    blocks = PositionFactory(agenda_item=item, participant=rus, stance="blocks", quote="no")
    PositionFactory(agenda_item=item, participant=rus, stance="opposes", quote="not now")
    for participant in (ukr, eu, kpcsc):
        PositionFactory(agenda_item=item, participant=participant, stance="supports", quote=f"yes {participant.code}")
    return {"item": item, "proposal": blocks.proposal, "rus": rus, "eu": eu, "ukr": ukr, "kpcsc": kpcsc}


ATLAS_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "world-atlas"
USE = re.compile(r'<use href="([^"#]+)#c(\d+)" class="cat-(\w+)" data-id="(\d+)"><title>(.*?)</title></use>')


def shapes(response):
    """Every country the map draws: {code: (category, its title's words)}, each drawn once."""
    found = USE.findall(response.content.decode())
    assert len(found) == len({code for _, code, *_ in found}), "a country drawn twice"
    for url, code, _, data_id, _ in found:
        assert code == data_id and url.endswith(".svg")
    return {code: (category, htmllib.unescape(title)) for _, code, category, _, title in found}


def drawn(response):
    """The countries coloured by a place on record (the rest are drawn as nothing on record)."""
    return {code: category for code, (category, _) in shapes(response).items() if category != "none"}


def test_stances_on_a_proposal_with_the_eu_on_its_member_states_of_that_year(client, record):
    response = client.get("/map/", {"proposal": record["proposal"].pk})
    assert response.status_code == 200
    assert drawn(response) == {
        RUSSIA: "mixed",
        UKRAINE: "supports",
        FRANCE: "supports",
        UK: "supports",
        CROATIA: "supports",
    }
    html = response.content.decode()
    assert "its stance is drawn on the 3 that were members in 2019 (Croatia, France, United Kingdom)" in html
    # The observer has no shape: listed beside the map, and in the table with everyone.
    assert '<h2 id="not-drawn-title">Not on the map</h2>' in html
    assert ">Civil Society Coalition</a>: supports" in html
    assert "opposes, blocks" in html or "blocks, opposes" in html
    rows = response.context["world"].places
    assert [p.participant.code for p in rows] == ["KPCSC", "EU", "RUS", "UKR"]
    assert all(f'href="{p.get_absolute_url()}"' in html for place in rows for p in place.positions)


def test_a_state_with_its_own_record_is_drawn_with_its_own_stance(client, record):
    gbr = ParticipantFactory(code="GBR", name="United Kingdom")
    PositionFactory(agenda_item=record["item"], participant=gbr, stance="abstains", quote="we abstain")
    assert drawn(client.get("/map/", {"proposal": record["proposal"].pk}))[UK] == "abstains"


def test_every_stance_on_an_issue_at_a_meeting(client, record):
    item = record["item"]
    other = item.proposals.create(text="Word the communiqué", stage="communique")
    PositionFactory(agenda_item=item, proposal=other, participant=record["ukr"], stance="opposes", quote="no wording")
    response = client.get("/map/", {"meeting": item.meeting.slug.upper(), "issue": item.issue.slug})
    assert drawn(response)[UKRAINE] == "mixed"
    assert response.context["world"].title == f"Stances on {item.issue.title}, {item.meeting.title}"


def test_standing_in_a_year(client, record):
    rus, ukr = record["rus"], record["ukr"]
    MembershipEvent.objects.create(
        participant=rus, event="admitted", date=datetime.date(2003, 1, 1), date_precision="year"
    )
    MembershipEvent.objects.create(
        participant=ukr, event="admitted", date=datetime.date(2015, 1, 1), date_precision="year"
    )
    MembershipEvent.objects.create(
        participant=ukr, event="suspended", date=datetime.date(2017, 5, 1), date_precision="month"
    )
    MembershipEvent.objects.create(
        participant=rus, event="restrictions_imposed", date=datetime.date(2012, 1, 1), date_precision="year"
    )
    MembershipEvent.objects.create(
        participant=rus, event="restrictions_lifted", date=datetime.date(2014, 1, 1), date_precision="year"
    )
    in_2010 = drawn(client.get("/map/", {"year": 2010}))
    assert in_2010[RUSSIA] == "current" and UKRAINE not in in_2010  # Ukraine came later
    assert CROATIA not in in_2010 and in_2010[FRANCE] == "undated"  # the EU has no admission on record
    assert drawn(client.get("/map/", {"year": 2012}))[RUSSIA] == "restricted"
    in_2018 = drawn(client.get("/map/", {"year": 2018}))
    assert in_2018[RUSSIA] == "current" and in_2018[UKRAINE] == "suspended"
    assert UK not in drawn(client.get("/map/", {"year": 2021}))
    html = client.get("/map/", {"year": 2018}).content.decode()
    assert ">Civil Society Coalition</a>: observer" in html


def test_no_choice_is_this_years_standing(client, record):
    response = client.get("/map/")
    assert response.context["world"].mode == "standing"
    assert response.context["world"].year == datetime.date.today().year


def test_a_group_narrows_the_map_to_its_members(client, record):
    source = SourceFactory(text="the bloc of Russia and Ukraine")
    group = Group.objects.create(name="Bloc", slug="bloc", source=source, quote="the bloc of Russia and Ukraine")
    group.members.set([record["rus"], record["ukr"]])
    response = client.get("/map/", {"proposal": record["proposal"].pk, "group": "bloc"})
    assert set(drawn(response)) == {RUSSIA, UKRAINE}
    assert response.context["world"].title.endswith(": the Bloc")


@pytest.mark.parametrize(
    "params,message",
    [
        ({"proposal": 999999}, "Proposal number: Select a valid choice."),
        ({"proposal": "five"}, "Proposal number: Select a valid choice."),
        ({"year": 2019, "meeting": "plenary-2019"}, "The year of a meeting is its own"),
        ({"meeting": "plenary-2019"}, "Choose the issue at this meeting, or a proposal."),
        ({"year": 1066}, "Standing in year: Ensure this value is greater than or equal to 1990."),
        ({"colour": "red"}, "This view has no parameter 'colour'"),
    ],
)
def test_a_wrong_choice_says_what_is_wrong(client, record, params, message):
    response = client.get("/map/", params, follow=True)
    html = response.content.decode()
    if "colour" in params:  # an unknown parameter is dropped by a redirect, as on every page
        assert response.redirect_chain and "colour" not in response.request["QUERY_STRING"]
        return
    assert message in html.replace("&#x27;", "'")
    assert "Correct the choice above to see the map." in html
    assert 'id="world-map-data"' not in html


def test_a_proposal_and_a_year_together_are_refused(client, record):
    html = client.get("/map/", {"proposal": record["proposal"].pk, "year": 2019}).content.decode()
    assert "Map a proposal, or an issue at a meeting, or a year's standing: one of them." in html.replace("&#x27;", "'")


def test_names_on_the_map_are_escaped(client, record):
    record["ukr"].name = "</title><script>alert(1)</script>"
    record["ukr"].save()
    response = client.get("/map/", {"proposal": record["proposal"].pk})
    assert "<script>alert(1)" not in response.content.decode()
    assert shapes(response)[UKRAINE] == ("supports", "</title><script>alert(1)</script>: supports")


def test_every_country_of_the_atlas_is_drawn_from_the_shapes_file_with_words_for_each(client, record):
    """The map needs no script: every country is a <use> of its shape in countries.svg, with a title;
    the shapes file holds every shape the page refers to."""
    response = client.get("/map/", {"proposal": record["proposal"].pk})
    drawn_here = shapes(response)
    index = json.loads((ATLAS_DIR / "countries.json").read_text())
    assert set(drawn_here) == set(index["countries"]) and len(drawn_here) > 200
    svg = (ATLAS_DIR / "countries.svg").read_text()
    assert set(re.findall(r'<path id="c(\d+)"', svg)) == set(index["countries"])
    assert f'viewBox="{index["viewBox"]}"' in svg and f'viewBox="{index["viewBox"]}"' in response.content.decode()
    assert drawn_here["076"] == ("none", "Brazil: nothing on record")
    assert drawn_here[FRANCE] == ("supports", "France: supports (the European Union's)")
    assert drawn_here[RUSSIA][0] == "mixed" and drawn_here[RUSSIA][1].startswith("Russia")
    figure = response.content.decode().split('<figure class="world-map">', 1)[1].split("</figure>", 1)[0]
    assert "<script" not in figure and "<canvas" not in figure


@pytest.mark.parametrize("mode", ["proposal", "year"])
def test_a_fixed_number_of_queries_whatever_the_data(client, record, mode):
    counts = []
    for round_ in range(2):
        params = {"proposal": record["proposal"].pk} if mode == "proposal" else {"year": 2019}
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/map/", params).status_code == 200
        counts.append(len([q for q in ctx.captured_queries if "dataversion" not in q["sql"]]))
        for i in range(4):
            participant = ParticipantFactory(code=f"Q{round_}{i}")
            PositionFactory(agenda_item=record["item"], participant=participant, stance="supports", quote="yes")
            MembershipEvent.objects.create(
                participant=participant, event="admitted", date=datetime.date(2004, 1, 1), date_precision="year"
            )
            member(
                record["eu"],
                f"State {round_}{i}",
                ["DEU", "ITA", "ESP", "POL"][i] if round_ else ["AUT", "BEL", "NLD", "SWE"][i],
                datetime.date(2000, 1, 1),
            )
    assert counts[0] == counts[1]
