"""On PostgreSQL, every kind's search is answered from its GIN index (migrations meetings/0007 and
positions/0007 build them from the same field lists as pages/search.py)."""

import pytest
from django.db import connection

from pages.search import KINDS, _postgres
from tests.factories import PositionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text indexes are PostgreSQL's"),
]


@pytest.mark.parametrize("kind", KINDS, ids=[kind.key for kind in KINDS])
def test_each_kind_is_searched_through_its_index(kind):
    PositionFactory()
    query = _postgres(kind, "Kasane").values("pk").order_by()
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)  # noqa: S608 - Django's own SQL, its values as parameters
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "_search_idx" in plan, plan
