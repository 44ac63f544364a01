from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_error, name="report"),
    path("thanks/", views.thanks, name="thanks"),
]
