"""?bom=1 on every CSV export, and counts.csv: positions counted per participant, stance, stage and year."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from positions.models import Position

from .records import build_record

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
CSV_EXPORTS = [
    "meetings-csv",
    "positions-csv",
    "counts-csv",
    "proposals-csv",
    "chairs-csv",
    "memberships-csv",
    "matrix-csv",
    "compare-csv",
    "alignment-csv",
]
NEEDED = {"compare-csv": {"participant": ["RUS", "CAN"]}}  # what an export cannot do without


def body(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content)


def rows(response):
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))


@pytest.fixture
def record(db):
    return build_record()


def test_every_csv_export_is_covered():
    from exports.urls import urlpatterns

    assert sorted(p.name for p in urlpatterns if str(p.pattern).endswith(".csv")) == sorted(CSV_EXPORTS)


@pytest.mark.parametrize("name", CSV_EXPORTS)
def test_bom_1_puts_a_byte_order_mark_first(client, record, name):
    url, needed = reverse(f"exports:{name}"), NEEDED.get(name, {})
    plain = body(client.get(url, needed))
    assert not plain.startswith(BOM)
    assert plain.count(b"\n") > 1  # a header and rows
    assert body(client.get(url, {**needed, "bom": "0"})) == plain
    assert body(client.get(url, {**needed, "bom": ""})) == plain  # empty, as a form sends it: none
    marked = body(client.get(url, {**needed, "bom": "1"}))
    assert marked.startswith(BOM)
    assert marked[len(BOM) :] == plain


def test_bom_goes_with_the_filters(client, record):
    marked = body(client.get(reverse("exports:positions-csv"), {"bom": "1", "participant": "RUS"}))
    parsed = list(csv.DictReader(io.StringIO(marked.decode("utf-8-sig"))))
    assert {row["participant_code"] for row in parsed} == {"RUS"}
    assert len(parsed) == Position.objects.filter(participant__code="RUS").count()


@pytest.mark.parametrize("name", CSV_EXPORTS)
@pytest.mark.parametrize("query", ["bom=2", "bom=yes", "bom=true", "bom=1&bom=1", "bom=0&bom=1"])
def test_a_bad_bom_is_a_400_naming_it(client, record, name, query):
    needed = urlencode(NEEDED.get(name, {}), doseq=True)
    response = client.get(f"{reverse(f'exports:{name}')}?{query}" + (f"&{needed}" if needed else ""))
    assert response.status_code == 400
    assert "parameter 'bom'" in response.content.decode()


def test_a_bad_filter_and_a_bad_bom_are_both_named(client, record):
    response = client.get(reverse("exports:positions-csv"), {"year_from": "frog", "bom": "2"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "parameter 'year_from'" in text and "parameter 'bom'" in text


def test_the_data_package_takes_no_bom(client):
    assert client.get(reverse("exports:data-package"), {"bom": "1"}).status_code == 400


# --- counts.csv ------------------------------------------------------------------------------------


def test_counts_csv_columns_and_groups(client, record):
    assert reverse("exports:counts-csv") == "/export/counts.csv"
    found = rows(client.get(reverse("exports:counts-csv")))
    assert list(found[0]) == ["participant", "participant_code", "stance", "stage", "year", "positions"]
    groups = {(r["participant_code"], r["stance"], r["stage"], r["year"]): int(r["positions"]) for r in found}
    assert len(groups) == len(found)  # one row per group
    assert groups[("RUS", "blocks", "agenda", "2022")] == 2  # two statements of one block
    assert groups[("EU", "supports", "agenda", "2022")] == 1
    assert groups[("CAN", "supports", "communique", "2024")] == 1
    assert groups[("KPCSC", "protests", "", "2024")] == 1  # the walk-out: an act, no proposal
    assert groups[("CAN", "protests", "", "")] == 1  # the boycott of a working body, at no meeting
    assert groups[("KPCSC", "", "", "2022")] == 1  # a statement with no stance
    assert {r["participant"] for r in found if r["participant_code"] == "RUS"} == {"Russian Federation"}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"participant": "RUS"},
        {"participant": ["CAN", "KPCSC"]},
        {"stance": "protests"},
        {"stage": "agenda"},
        {"year_from": "2024"},
        {"act": "walk_out"},
        {"evidence": "cited"},
        {"meeting": "2022-06-kasane"},
        {"q": "Canada"},
    ],
    ids=repr,
)
def test_counts_sum_to_the_positions_under_the_same_filter(client, record, params):
    counted = rows(client.get(reverse("exports:counts-csv"), params))
    listed = rows(client.get(reverse("exports:positions-csv"), params))
    assert sum(int(r["positions"]) for r in counted) == len(listed)
    assert {r["participant_code"] for r in counted} == {r["participant_code"] for r in listed}
    if not params:
        assert len(listed) == Position.objects.count()


def test_counts_csv_is_one_query(client, record, django_assert_num_queries):
    response = client.get(reverse("exports:counts-csv"), {"stance": "blocks"})
    with django_assert_num_queries(1):
        assert rows(response)[0]["positions"] == "2"


def test_counts_csv_refuses_a_bad_filter(client, record):
    response = client.get(reverse("exports:counts-csv"), {"participant": "NOPE"})
    assert response.status_code == 400
    assert "parameter 'participant'" in response.content.decode()
    assert client.get(reverse("exports:counts-csv"), {"page": "2"}).status_code == 400
