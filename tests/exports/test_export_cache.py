"""Small exports served from the page cache (exports/cache.py), as a reader downloads them: the same bytes
and headers, fresh after an edit, one entry per set of parameters, never a large or unfinished one."""

import pytest
from django.utils import timezone

from exports import cache as export_cache
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


def get(client, path="/export/positions.csv", **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return response, b"".join(response.streaming_content)


@pytest.fixture
def positions(db):
    return [
        PositionFactory(stance="blocks", quote="We cannot agree."),
        PositionFactory(stance="supports", quote="We agree."),
    ]


@pytest.mark.parametrize(
    "path",
    ["/export/positions.csv", "/export/meetings.csv", "/export/proposals.csv", "/export/matrix.csv"],
)
def test_the_second_download_is_the_same_bytes_and_headers_from_the_cache(client, positions, path):
    first, first_body = get(client, path)
    second, second_body = get(client, path)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second_body == first_body and first_body.count(b"\n") >= 2
    assert second["Content-Type"] == first["Content-Type"] == "text/csv; charset=utf-8"
    assert timezone.localdate().isoformat() in second["Content-Disposition"]
    assert second["Content-Disposition"] == first["Content-Disposition"]


def test_an_edit_is_in_the_next_download(client, positions):
    _, before = get(client)
    positions[0].quote = "We cannot agree, and we say so again."
    positions[0].save()
    response, after = get(client)
    assert response["X-Page-Cache"] == "miss"
    assert b"we say so again" in after and b"we say so again" not in before


def test_each_set_of_parameters_is_its_own_entry(client, positions):
    _, blocks = get(client, stance="blocks")
    _, supports = get(client, stance="supports")
    assert b"We cannot agree." in blocks and b"We cannot agree." not in supports
    assert b"We agree." in supports and b"We agree." not in blocks
    response, with_bom = get(client, stance="blocks", bom="1")
    assert response["X-Page-Cache"] == "miss" and with_bom == b"\xef\xbb\xbf" + blocks
    assert get(client, stance="blocks")[0]["X-Page-Cache"] == "hit"


def test_an_export_over_the_limit_streams_every_time(client, positions, monkeypatch):
    _, body = get(client)
    monkeypatch.setattr(export_cache, "SMALL_EXPORT_BYTES", len(body) - 1)
    response, again = get(client, year_from=1990)
    assert response["X-Page-Cache"] == "miss" and again == body
    assert get(client, year_from=1990)[0]["X-Page-Cache"] == "miss", "too large to keep: built again"
    monkeypatch.setattr(export_cache, "SMALL_EXPORT_BYTES", len(body))
    get(client, year_from=1990)
    assert get(client, year_from=1990)[0]["X-Page-Cache"] == "hit", "exactly at the limit is kept"


@pytest.mark.django_db(transaction=True)  # closing a response closes the connection, as a server's would
def test_a_download_cut_short_is_not_kept(client, positions):
    response = client.get("/export/positions.csv")
    chunks = iter(response.streaming_content)
    next(chunks)  # the reader goes away after the first chunk
    response.close()
    assert get(client)[0]["X-Page-Cache"] == "miss"
    assert get(client)[0]["X-Page-Cache"] == "hit"


def test_a_bad_parameter_is_still_refused_when_the_export_is_cached(client, positions):
    get(client)
    response = client.get("/export/positions.csv", {"stance": "shouts"})
    assert response.status_code == 400 and b"stance" in response.content
