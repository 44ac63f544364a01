"""One parameter policy for every page and export (issue 11, items 2, 3, 4 and 6).

Exports answer a parameter they do not take, or a single-valued one given twice, with a 400 naming
it; pages redirect to their URL without unknown parameters; participant, issue, meeting and stance
filters take several values; codes and slugs match whatever their case; the timeline's counts and
chart follow its filters; the page cache is keyed by the canonical request and bounded in bytes.
"""

import csv
import io
import pickle

import pytest
from django.core.cache import caches

from kptracker.cache import BoundedLocMemCache
from positions.models import Position

pytestmark = pytest.mark.django_db

EXPORTS = ["/export/meetings.csv", "/export/positions.csv", "/export/matrix.csv"]
FILTERED_PAGES = ["/", "/positions/", "/matrix/"]
PAGES = FILTERED_PAGES + [
    "/issues/",
    "/participants/",
    "/participants/rus/",
    "/issues/russia-ukraine/",
    "/meetings/2024-11-plenary-dubai/",
]


def rows(response):
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("path", EXPORTS)
@pytest.mark.parametrize("typo", ["participan=RUS", "year_form=2022", "utm_source=newsletter"])
def test_an_export_refuses_a_parameter_it_does_not_take_and_names_it(client, kp_data, path, typo):
    response = client.get(f"{path}?{typo}")
    assert response.status_code == 400
    name = typo.split("=")[0]
    assert f"'{name}'" in response.content.decode()


def test_the_data_package_takes_no_parameters(client, kp_data):
    response = client.get("/export/kptracker-data.zip?participant=RUS")
    assert response.status_code == 400 and "'participant'" in response.content.decode()


def test_an_export_refuses_the_page_number_of_its_paginated_page(client, kp_data):
    response = client.get("/export/positions.csv?page=2")
    assert response.status_code == 400 and "'page'" in response.content.decode()


@pytest.mark.parametrize(
    "path,query,name",
    [
        ("/export/positions.csv", "kind=plenary&kind=intersessional", "kind"),
        ("/export/positions.csv", "year_from=2020&year_from=2022", "year_from"),
        ("/export/meetings.csv", "kind=plenary&kind=plenary", "kind"),
        ("/export/matrix.csv", "by=meeting&by=issue", "by"),
    ],
)
def test_an_export_refuses_a_single_valued_parameter_given_twice(client, kp_data, path, query, name):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert f"parameter '{name}'" in response.content.decode() and "2 times" in response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_a_page_redirects_to_its_url_without_unknown_parameters(client, kp_data, path):
    known = {"/": "kind=plenary", "/positions/": "participant=RUS", "/matrix/": "by=meeting"}.get(path, "")
    query = "&".join(part for part in ("utm_source=mail", known, "fbclid=x") if part)
    response = client.get(f"{path}?{query}")
    assert response.status_code == 302
    assert response["Location"] == path + (f"?{known}" if known else "")
    assert client.get(response["Location"]).status_code == 200


def test_unknown_parameters_do_not_multiply_cached_pages(client, kp_data):
    cache = caches["pages"]
    client.get("/matrix/?by=meeting")
    entries = len(cache._cache)
    for n in range(30):
        assert client.get(f"/matrix/?by=meeting&utm_source={n}").status_code == 302
    assert len(cache._cache) == entries


def test_several_participants_mean_any_of_them_in_the_list_and_its_export(client, kp_data):
    both = Position.objects.filter(participant__code__in=["RUS", "USA"])
    assert both.filter(participant__code="RUS").exists() and both.filter(participant__code="USA").exists()
    page = client.get("/positions/?participant=RUS&participant=USA")
    assert page.context["page"].paginator.count == both.count()
    exported = rows(client.get("/export/positions.csv?participant=RUS&participant=USA"))
    assert sorted(r["participant_code"] for r in exported) == sorted(both.values_list("participant__code", flat=True))


def test_several_issues_and_meetings_and_stances_mean_any_of_them(client, kp_data):
    query = "issue=russia-ukraine&issue=car-export-restrictions&stance=blocks&stance=supports"
    exported = rows(client.get(f"/export/positions.csv?{query}"))
    expected = Position.objects.filter(
        agenda_item__issue__slug__in=["russia-ukraine", "car-export-restrictions"], stance__in=["blocks", "supports"]
    )
    assert len(exported) == expected.count() > 0
    assert {r["issue_slug"] for r in exported} == set(expected.values_list("agenda_item__issue__slug", flat=True))
    meetings = ["2024-11-plenary-dubai", "2023-11-plenary-victoria-falls"]
    exported = rows(client.get("/export/positions.csv", {"meeting": meetings}))
    assert {r["meeting_slug"] for r in exported} == set(meetings)
    timeline = rows(client.get("/export/meetings.csv", {"participant": ["RUS", "USA"]}))
    with_either = set(
        Position.objects.filter(participant__code__in=["RUS", "USA"], meeting__isnull=False).values_list(
            "meeting__slug", flat=True
        )
    )
    assert {r["slug"] for r in timeline} == with_either


@pytest.mark.parametrize(
    "lower,upper",
    [
        ("participant=rus", "participant=RUS"),
        ("issue=Russia-Ukraine", "issue=russia-ukraine"),
        ("stance=BLOCKS", "stance=blocks"),
        ("kind=Plenary", "kind=plenary"),
        ("meeting=2024-11-PLENARY-DUBAI", "meeting=2024-11-plenary-dubai"),
    ],
)
def test_codes_slugs_and_choices_match_whatever_their_case(client, kp_data, lower, upper):
    page = client.get(f"/positions/?{lower}")
    assert not page.context["filter"].errors
    assert client.get(f"/positions/?{upper}")["X-Page-Cache"] == "hit"  # one page, one cache entry
    caches["pages"].clear()
    assert page.context["page"].paginator.count == client.get(f"/positions/?{upper}").context["page"].paginator.count
    assert rows(client.get(f"/export/positions.csv?{lower}")) == rows(client.get(f"/export/positions.csv?{upper}"))


def test_a_lower_case_code_shows_as_chosen_in_the_form(client, kp_data):
    html = client.get("/positions/?participant=rus").content.decode()
    assert '<option value="RUS" selected>' in html


@pytest.mark.parametrize(
    "query,positions",
    [
        ("participant=RUS", Position.objects.filter(participant__code="RUS")),
        ("issue=car-export-restrictions", Position.objects.filter(agenda_item__issue__slug="car-export-restrictions")),
        (
            "participant=RUS&issue=russia-ukraine",
            Position.objects.filter(participant__code="RUS", agenda_item__issue__slug="russia-ukraine"),
        ),
    ],
)
def test_the_timeline_counts_and_chart_follow_its_filters(client, kp_data, query, positions):
    response = client.get(f"/?{query}")
    chart = response.context["chart"]
    charted = sum(sum(dataset["data"]) for dataset in chart["datasets"])
    listed = sum(meeting.positions_total for meeting in response.context["meetings"])
    # A participant's stance at a meeting counts once, however many statements record it.
    stances = positions.filter(meeting__isnull=False).exclude(stance="")
    assert charted == listed == len(set(stances.values_list("meeting", "participant", "stance")))
    blocks = sum(meeting.blocks_total for meeting in response.context["meetings"])
    assert blocks == len(set(stances.filter(stance="blocks").values_list("meeting", "participant")))


def test_the_timeline_names_whose_positions_it_counts(client, kp_data):
    response = client.get("/?participant=RUS&participant=USA")
    assert response.context["chart"]["title"].endswith(", of Russia or United States")
    assert "positions of Russia or United States" in response.content.decode()


def test_an_issue_filter_shows_only_that_issue_on_the_agendas(client, kp_data):
    response = client.get("/?issue=car-export-restrictions")
    items = [item for meeting in response.context["meetings"] for item in meeting.agenda_items.all()]
    assert items and {item.issue.slug for item in items} == {"car-export-restrictions"}


def test_the_page_cache_key_includes_host_and_scheme(client, kp_data, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    assert client.get("/matrix/", HTTP_HOST="one.example")["X-Page-Cache"] == "miss"
    assert client.get("/matrix/", HTTP_HOST="one.example")["X-Page-Cache"] == "hit"
    assert client.get("/matrix/", HTTP_HOST="two.example")["X-Page-Cache"] == "miss"
    assert client.get("/matrix/", HTTP_HOST="one.example", secure=True)["X-Page-Cache"] == "miss"


def test_the_page_cache_key_is_the_canonical_request(client, kp_data):
    assert client.get("/positions/?participant=RUS&participant=USA")["X-Page-Cache"] == "miss"
    assert client.get("/positions/?participant=usa&participant=rus")["X-Page-Cache"] == "hit"
    assert client.get("/positions/?participant=RUS&participant=USA&q=")["X-Page-Cache"] == "hit"
    assert client.get("/positions/?participant=RUS")["X-Page-Cache"] == "miss"


def test_the_page_cache_is_bounded_in_bytes():
    cache = BoundedLocMemCache("test-bounded", {"OPTIONS": {"MAX_ENTRIES": 1000, "MAX_BYTES": 100_000}})
    cache.clear()
    page = b"x" * 30_000
    for n in range(10):
        cache.set(f"page-{n}", page)
        assert cache.total_bytes <= 100_000
    assert cache.total_bytes == sum(len(value) for value in cache._cache.values())
    # The least recently used go first: page-9 (just written) stays, page-0 is gone.
    assert cache.get("page-9") == page and cache.get("page-0") is None
    cache.set("huge", b"y" * 200_000)
    assert cache.get("huge") is None and cache.get("page-9") == page
    assert len(pickle.dumps(page)) * 3 <= 100_000 < len(pickle.dumps(page)) * 4
    assert len(cache._cache) == 3


def test_the_pages_cache_uses_the_bounded_backend():
    assert isinstance(caches["pages"], BoundedLocMemCache)


# Answers for machines that take no parameters and are never linked to with any.
EXEMPT = {"health"}


def test_every_public_url_judges_a_parameter_it_does_not_take(client, kp_data):
    """Found in the URLconf, so a new page or export is held to the policy without editing a list."""
    from tests.security.urls import sample_urls

    samples = sample_urls()
    assert {"pages:timeline", "exports:positions-csv", "reports:report", "reports:thanks"} <= set(samples)
    for name, path in sorted(samples.items()):
        if name in EXEMPT:
            continue
        response = client.get(path, {"utm_source": "mail"})
        if name.startswith(("exports:", "api:")):
            assert response.status_code == 400, name
            assert "utm_source" in response.content.decode(), name
        else:
            assert response.status_code == 302, name
            assert response["Location"] == path, name
