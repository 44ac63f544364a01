"""/about/: what the record covers, counted from the record, where it is thin, how to report a gap."""

import re

import pytest

from governance.models import Chair
from tests.factories import MeetingFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_about_counts_what_the_record_holds(client, blocked):
    SourceFactory(
        title="A cited page", text="", url="https://example.org/kp", notes="Says when it met.", publisher="KP"
    )
    MeetingFactory(
        title="Plenary 2020", slug="plenary-2020", start_date="2020-11-01", end_date=None, status="cancelled"
    )
    chair = Chair.objects.create(year=2023, role="chair", participant=blocked["russia"])
    chair.sources.add(blocked["source"])

    text = _text(client.get("/about/").content.decode())

    assert "3 meetings, 2020–2024: 3 plenaries, 0 intersessionals, 0 special sessions; 1 of them cancelled." in text
    assert "2 participants (the European Union counting as one), 1 observer" in text
    assert "4 positions: 4 quoted, 0 read from a quote, 0 cited" in text
    assert "2 sources. 1 is a news article kept in full" in text and "The other 1 is a public page" in text
    assert "KP: 1" in text  # the publishers of cited pages
    assert "1 of the 3 meetings have no position on record" in text
    # Years from the first meeting to this one with no chair on record: 2023 has one.
    gap = re.search(r"No chair on record for ([0-9, ]+)\.", text).group(1)
    assert "2020" in gap and "2023" not in gap.split(", ")
    # Year, meetings, proposals, positions (a block and an opposition).
    assert "2021 0 0 0" in text and "2023 1 1 2" in text


def test_every_page_links_to_about_and_about_links_to_the_report_form(client, blocked):
    for path in ("/", "/participants/", "/matrix/"):
        assert 'href="/about/"' in client.get(path).content.decode()
    html = client.get("/about/").content.decode()
    assert 'href="/report/?page=/about/"' in html
    assert 'href="/#year-2023"' in html
