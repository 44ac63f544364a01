from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "kptracker administration"
admin.site.site_title = "kptracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("meetings.urls")),
    path("", include("positions.urls")),
    path("export/", include("exports.urls")),
    path("report/", include("reports.urls")),
]
