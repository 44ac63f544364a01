"""A fixed-window rate limit per client, counted in the database: every worker and server shares it,
and a restart keeps it."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kptracker.middleware import client_ip

from .models import ReportWindow

REPORTS_PER_WINDOW = 5
WINDOW_SECONDS = 3600


def client_key(request):
    """A keyed hash of the client's normalised address (as django-axes sees it): enough to count, never stored
    in the clear."""
    address = client_ip(request) or ""
    return salted_hmac("kptracker.reports.client", address).hexdigest()


def window_start(now, window):
    seconds = int(now.timestamp()) // window * window
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def allow(request, *, limit=REPORTS_PER_WINDOW, window=WINDOW_SECONDS):
    """Count one attempt for this client; False once it has made `limit` in the current window.

    The increment is one UPDATE that only succeeds below the limit, so concurrent posts can never
    count past it (PostgreSQL re-checks the condition on the row another transaction just updated;
    SQLite runs one writer at a time). A client's first post in a window inserts its row, and then
    deletes the windows that have ended: one indexed DELETE per client per window.
    """
    client, started_at = client_key(request), window_start(timezone.now(), window)
    mine = ReportWindow.objects.filter(client=client, started_at=started_at)
    if mine.filter(count__lt=limit).update(count=F("count") + 1):
        return True
    if mine.exists():
        return False
    try:
        with transaction.atomic():
            ReportWindow.objects.create(client=client, started_at=started_at, count=1)
    except IntegrityError:  # another worker inserted it first: count against that row
        return bool(mine.filter(count__lt=limit).update(count=F("count") + 1))
    ReportWindow.objects.filter(started_at__lt=started_at).delete()
    return True
