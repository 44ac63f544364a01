"""The filter form shared by the timeline, the position list and the matrix: errors a screen reader can find."""

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class Ids(HTMLParser):
    """Every element's id, and every id an aria-describedby names (with the element naming it)."""

    def __init__(self):
        super().__init__()
        self.ids, self.described_by, self.elements = [], [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
            self.elements[attrs["id"]] = (tag, attrs)
        for target in (attrs.get("aria-describedby") or "").split():
            self.described_by.append((attrs.get("name") or attrs.get("id") or tag, target))


def parse(client, path, params):
    response = client.get(path, params)
    assert response.status_code == 200
    page = Ids()
    page.feed(response.content.decode())
    return page


BAD_FILTERS = [
    ("/positions/", {"year_from": "frog", "year_to": "1800", "stance": "sulks", "participant": "XXX"}),
    ("/", {"year_from": "2025", "year_to": "2020", "kind": "summit"}),
    ("/matrix/", {"year_from": "frog", "by": "galaxy"}),
]


@pytest.mark.parametrize("path,params", BAD_FILTERS, ids=[path for path, _ in BAD_FILTERS])
def test_every_aria_describedby_names_an_element_of_the_page(client, path, params):
    page = parse(client, path, params)
    assert page.described_by, "no control is described by its error"
    missing = [(control, target) for control, target in page.described_by if target not in page.ids]
    assert not missing, f"aria-describedby names no element: {missing}"
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"


def test_a_field_in_error_is_described_by_its_error_message(client):
    page = parse(client, "/positions/", {"year_from": "frog"})
    assert ("year_from", "id_year_from_error") in page.described_by
    tag, attrs = page.elements["id_year_from_error"]
    assert "error" in attrs.get("class", "")


def test_a_checkbox_group_in_error_is_described_by_its_error_message(client):
    page = parse(client, "/positions/", {"stance": "sulks"})
    targets = [target for _, target in page.described_by]
    assert "id_stance_error" in targets
    assert page.elements["id_stance_error"][0] != "input"
