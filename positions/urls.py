from django.urls import path

from . import views

app_name = "positions"

urlpatterns = [
    path("issues/", views.issue_list, name="issue-list"),
    path("issues/<slug:slug>/", views.issue_detail, name="issue-detail"),
    path("matrix/", views.matrix, name="matrix"),
    path("positions/", views.position_list, name="position-list"),
]
