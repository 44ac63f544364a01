"""Issue 15: the group the seeds name and the EU's member states, in the curated dataset."""

import datetime

import pytest

from governance.models import Group, MemberState
from meetings.quotes import quote_in_source

pytestmark = pytest.mark.usefixtures("kp_data")


def test_the_western_bloc_is_as_the_jck_article_gives_it():
    bloc = Group.objects.get(slug="western-bloc")
    assert quote_in_source(bloc.quote, bloc.source.text)
    assert "generally comprising" in bloc.quote, "the source's hedge is kept"
    assert sorted(bloc.members.values_list("code", flat=True)) == ["AUS", "CAN", "CHE", "EU", "GBR", "USA"]
    paragraphs = [line for line in bloc.source.text.splitlines() if line.strip()]
    number = int(bloc.source_location.removeprefix("paragraph "))
    assert "Western bloc" in paragraphs[number - 1]


def test_every_group_quotes_a_stored_source():
    for group in Group.objects.select_related("source"):
        assert group.source.text, group.slug
        assert quote_in_source(group.quote, group.source.text), group.slug


@pytest.mark.parametrize(
    "year,count,present,absent",
    [
        (2003, 15, "GBR", "POL"),
        (2005, 25, "POL", "ROU"),
        (2014, 28, "HRV", ""),
        (2019, 28, "GBR", ""),
        (2021, 27, "HRV", "GBR"),
    ],
)
def test_the_eus_member_states_in_a_year(year, count, present, absent):
    states = MemberState.objects.in_year(year).filter(organisation__code="EU")
    codes = set(states.values_list("iso_code", flat=True))
    assert len(codes) == count
    assert present in codes and absent not in codes


def test_member_states_are_cited_to_a_page_with_its_address():
    for state in MemberState.objects.prefetch_related("sources"):
        sources = list(state.sources.all())
        assert sources and all(s.url and s.notes for s in sources), state.name
    assert MemberState.objects.get(iso_code="GBR").left == datetime.date(2020, 1, 31)
