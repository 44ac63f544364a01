"""/healthz/ for load balancers and the benchmark: "ok" only when the database answers, one query."""

from unittest import mock

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_health_is_ok_with_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("failure", ["ensure_connection", "cursor"])
def test_health_is_a_503_naming_the_database_when_it_is_down(client, failure):
    refused = OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed: Connection refused')
    with mock.patch.object(connection, failure, side_effect=refused):
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.content == b"database: unavailable\n"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    # Once it is back, so is the answer.
    assert client.get("/healthz/").status_code == 200
