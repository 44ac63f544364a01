"""A meeting's Sources list: the meeting's own sources and every source its positions cite, each once."""

import datetime
import re

import pytest

from positions.models import ProposalAccount
from tests.factories import AgendaItemFactory, MeetingFactory, PositionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def listed_sources(html):
    """The source links of the page's Sources list, in order."""
    section = html.split("<h2>Sources</h2>", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="/sources/(\d+)/">', section)


@pytest.fixture
def meeting_with_cited_sources(db):
    meeting = MeetingFactory(slug="plenary")
    own = SourceFactory(title="Communiqué", published_date=datetime.date(2024, 11, 20))
    meeting.sources.add(own)
    cited = SourceFactory(title="Wire report", published_date=datetime.date(2024, 11, 16))
    also_own = SourceFactory(title="Statement", published_date=datetime.date(2024, 11, 14))
    meeting.sources.add(also_own)
    first = AgendaItemFactory(meeting=meeting)
    second = AgendaItemFactory(meeting=meeting)
    PositionFactory(agenda_item=first, source=cited)
    PositionFactory(agenda_item=second, source=cited)  # cited twice, listed once
    PositionFactory(agenda_item=second, source=also_own)  # the meeting's own and cited: listed once
    elsewhere = SourceFactory(title="Another meeting's source")
    PositionFactory(source=elsewhere)  # another meeting's position: not listed
    return {"meeting": meeting, "own": own, "cited": cited, "also_own": also_own, "elsewhere": elsewhere}


def test_sources_list_includes_every_source_the_positions_cite_once(client, meeting_with_cited_sources):
    sources = meeting_with_cited_sources
    html = client.get("/meetings/plenary/").content.decode()
    # Newest first, as everywhere sources are listed.
    assert listed_sources(html) == [str(sources[name].pk) for name in ("own", "cited", "also_own")]


def test_a_meeting_with_no_sources_says_so(client):
    MeetingFactory(slug="bare")
    html = client.get("/meetings/bare/").content.decode()
    assert listed_sources(html) == []
    assert "No sources listed." in html


def test_sources_cited_by_many_positions_cost_no_extra_queries(
    client, meeting_with_cited_sources, django_assert_num_queries
):
    meeting = meeting_with_cited_sources["meeting"]
    client.get("/matrix/")  # the page cache's data version is read once; not what is measured here
    # 13: the page cache's version, the meeting, its agenda, the items' proposals, their accounts, the
    # accounts' proposers and sources, the positions, the acts, the meetings tied to it, its sources,
    # the previous and the next meeting.
    with django_assert_num_queries(13):
        client.get("/meetings/plenary/")
    item = AgendaItemFactory(meeting=meeting)
    for _ in range(5):
        PositionFactory(agenda_item=item, source=SourceFactory())
    # An account of the decision cites its own source, listed with the meeting's.
    account = ProposalAccount.objects.create(proposal=item.proposals.get(), result="blocked")
    account.sources.add(SourceFactory())
    with django_assert_num_queries(13):
        html = client.get("/meetings/plenary/").content.decode()
    assert len(listed_sources(html)) == 3 + 5 + 1
