from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("meetings.csv", views.meetings_csv, name="meetings-csv"),
    path("positions.csv", views.positions_csv, name="positions-csv"),
    path("matrix.csv", views.matrix_csv, name="matrix-csv"),
    path("kptracker-data.zip", views.data_package, name="data-package"),
]
