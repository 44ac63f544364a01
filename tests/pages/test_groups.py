"""Groups the sources name (the Western bloc): their page, and as one in the comparison, the position
list, the matrix and the admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import Group
from tests.factories import AgendaItemFactory, ParticipantFactory, PositionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def csv_of(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


WORDS = "the bloc, generally comprising Alpha, Beta and Gamma, pushed for reform"


@pytest.fixture
def bloc():
    """A bloc of three named in a stored source; Delta stands outside it. On one proposal the three
    support and Delta blocks; on another only Alpha and Delta take a stance."""
    source = SourceFactory(text=f"Some words.\n\nIn the past {WORDS}, a researcher says.\n")
    alpha, beta, gamma, delta = (
        ParticipantFactory(code=code, name=name)
        for code, name in (("ALP", "Alpha"), ("BET", "Beta"), ("GAM", "Gamma"), ("DEL", "Delta"))
    )
    group = Group.objects.create(
        name="The bloc", slug="the-bloc", source=source, source_location="paragraph 2", quote=WORDS
    )
    group.members.set([alpha, beta, gamma])
    first, second = AgendaItemFactory(), AgendaItemFactory()
    for participant in (alpha, beta, gamma):
        PositionFactory(agenda_item=first, participant=participant, stance="supports", quote=f"yes {participant.code}")
    PositionFactory(agenda_item=first, participant=delta, stance="blocks", quote="no")
    PositionFactory(agenda_item=second, participant=alpha, stance="opposes", quote="not this")
    PositionFactory(agenda_item=second, participant=delta, stance="opposes", quote="nor this")
    return {"group": group, "delta": delta, "source": source}


def test_the_group_page_quotes_its_source_and_lists_its_members(client, bloc):
    html = client.get("/groups/the-bloc/").content.decode()
    assert f"“{WORDS}”" in html
    assert f'href="/sources/{bloc["source"].pk}/#p2">paragraph 2</a>' in html
    for name in ("Alpha", "Beta", "Gamma"):
        assert f">{name}</a>" in html
    assert ">Delta</a>" not in html
    assert 'href="/compare/?group=the-bloc"' in html
    assert client.get("/groups/nobody/").status_code == 404


def test_the_participants_page_lists_the_groups(client, bloc):
    html = client.get("/participants/").content.decode()
    assert 'href="/groups/the-bloc/">The bloc</a>' in html
    assert "3 members" in html


def test_a_group_is_compared_as_its_members_and_beside_others(client, bloc):
    response = client.get("/compare/", {"group": "The-Bloc"})
    assert [p.code for p in response.context["chosen"]] == ["ALP", "BET", "GAM"]
    assert [row.verdict for row in response.context["rows"]] == ["agree", "one"]
    response = client.get("/compare/", {"group": "the-bloc", "participant": "DEL"})
    assert [p.code for p in response.context["chosen"]] == ["DEL", "ALP", "BET", "GAM"]
    assert [row.verdict for row in response.context["rows"]] == ["differ", "agree"]
    csv_text = csv_of(client.get("/export/compare.csv", {"group": "the-bloc", "participant": "DEL"}))
    assert csv_text.splitlines()[0].endswith("DEL,ALP,BET,GAM,verdict")


def test_a_group_too_large_to_compare_says_so(client, bloc):
    bloc["group"].members.add(*[ParticipantFactory(code=f"X{i:02d}") for i in range(12)])
    html = client.get("/compare/", {"group": "the-bloc"}).content.decode()
    assert "A group and the participants beside it make 2 to 12 to compare." in html
    assert client.get("/compare/", {"group": "no-such-group"}).context["rows"] == []


def test_the_position_list_and_the_matrix_narrow_to_a_group(client, bloc):
    positions = client.get("/positions/", {"group": "the-bloc"}).context["page"].object_list
    assert sorted(p.participant.code for p in positions) == ["ALP", "ALP", "BET", "GAM"]
    csv_text = csv_of(client.get("/export/positions.csv", {"group": "the-bloc"}))
    assert "DEL" not in csv_text and csv_text.count("ALP") >= 2
    matrix = client.get("/matrix/", {"group": "the-bloc", "stances": "blocks_opposes"}).content.decode()
    assert ">Alpha<" in matrix and ">Delta<" not in matrix


def test_the_admin_refuses_words_that_are_not_in_the_source(admin_client, bloc):
    data = {
        "name": "Another bloc",
        "slug": "another-bloc",
        "description": "",
        "members": [bloc["delta"].pk],
        "source": bloc["source"].pk,
        "source_location": "paragraph 2",
        "quote": "a bloc of our own making",
    }
    response = admin_client.post("/admin/governance/group/add/", data)
    assert response.status_code == 200
    assert "These words are not in the source" in response.content.decode()
    assert not Group.objects.filter(slug="another-bloc").exists()
    data["quote"] = "generally comprising Alpha, Beta and Gamma"
    assert admin_client.post("/admin/governance/group/add/", data).status_code == 302
    assert list(Group.objects.get(slug="another-bloc").members.values_list("code", flat=True)) == ["DEL"]


def test_the_group_page_runs_the_same_queries_however_many_members(client, bloc):
    counts = []
    for round_ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/groups/the-bloc/").status_code == 200
        counts.append(len([q for q in ctx.captured_queries if "dataversion" not in q["sql"]]))
        bloc["group"].members.add(*[ParticipantFactory(code=f"M{round_}{i}") for i in range(5)])
    assert counts[0] == counts[1]
