from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("meetings.csv", views.meetings_csv, name="meetings-csv"),
    path("positions.csv", views.positions_csv, name="positions-csv"),
    path("counts.csv", views.counts_csv, name="counts-csv"),
    path("proposals.csv", views.proposals_csv, name="proposals-csv"),
    path("chairs.csv", views.chairs_csv, name="chairs-csv"),
    path("memberships.csv", views.memberships_csv, name="memberships-csv"),
    path("matrix.csv", views.matrix_csv, name="matrix-csv"),
    path("compare.csv", views.compare_csv, name="compare-csv"),
    path("alignment.csv", views.alignment_csv, name="alignment-csv"),
    path("kptracker-data.zip", views.data_package, name="data-package"),
    path("releases/", views.releases, name="releases"),
    path("releases/latest/", views.latest_release_page, name="latest-release"),
    path("releases/latest/<str:kind>", views.latest_release_file, name="latest-release-file"),
    path("releases/<int:version>/", views.release, name="release"),
    path("releases/<int:version>/<str:filename>", views.release_file, name="release-file"),
]
