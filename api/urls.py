from django.http import JsonResponse
from django.urls import path, reverse

from .http import wrapped
from .v1 import api

ENDPOINTS = ("meetings", "participants", "issues", "proposals", "positions", "chairs", "memberships", "matrix",
             "alignment", "search")  # fmt: skip


def index(request, **kwargs):
    """/api/v1/: where everything is."""
    root = request.build_absolute_uri(reverse("api:api-root"))
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "docs": root + "docs",
            "openapi": root + "openapi.json",
            "endpoints": {name: root + name for name in ENDPOINTS},
        }
    )


urlpatterns = [path("v1/", wrapped(api.urls, index=index))]
