"""The health check, for load balancers and the benchmark's baseline."""

import logging

from django.db import DatabaseError, InterfaceError, connection
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from kptracker.middleware import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)


@require_safe
def health(request):
    """For load balancers, and the benchmark's baseline: one trivial query, "ok", or a 503 naming what is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, InterfaceError) as exception:
        logger.warning("Health check: database unavailable: %s", str(exception).strip()[:300])
        response = HttpResponse("database: unavailable\n", status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
