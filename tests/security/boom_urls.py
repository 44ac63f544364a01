"""The project's URLs plus two that fail, to see what a 500 and a database outage look like from outside."""

from django.db import OperationalError
from django.http import StreamingHttpResponse
from django.urls import path

from kptracker.urls import urlpatterns as project_urlpatterns

SECRET_DETAIL = "secret-detail-db.internal.example:5432"


def boom(request):
    raise RuntimeError(f"kaboom while reading {SECRET_DETAIL}")


def database_down(request):
    raise OperationalError(f'connection to server at "{SECRET_DETAIL}" failed: Connection refused')


def export(request):
    return StreamingHttpResponse((f"row {i}\n".encode() for i in range(3)), content_type="text/csv")


urlpatterns = [
    path("export.csv", export),
    path("boom/", boom),
    path("database-down/", database_down),
    *project_urlpatterns,
]
