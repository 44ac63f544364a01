from django.contrib import admin
from django.urls import include, path

from kptracker.health import health

admin.site.site_header = "kptracker administration"
admin.site.site_title = "kptracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", health, name="health"),
    path("", include("feeds.urls")),
    path("", include("pages.urls")),
    path("export/", include("exports.urls")),
    path("api/", include("api.urls")),
    path("report/", include("reports.urls")),
]
