"""The position list and its filters."""

import pytest

pytestmark = pytest.mark.django_db


def test_position_list_filters(client, blocked):
    def quotes(**params):
        return {p.quote for p in client.get("/positions/", params).context["page"].object_list}

    assert quotes(participant="RUS") == {"blocked 2023", "blocked 2024"}
    assert quotes(stance=["opposes", "protests"]) == {"china opposes", "walked out"}
    assert quotes(meeting="plenary-2024") == {"blocked 2024", "walked out"}
    assert quotes(year_to=2023) == {"blocked 2023", "china opposes"}
    assert quotes(q="walked") == {"walked out"}
