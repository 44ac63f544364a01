from django.urls import path

from . import about, views

app_name = "pages"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("participants/", views.participant_list, name="participant-list"),
    path("participants/<str:code>/", views.participant_detail, name="participant-detail"),
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
    path("issues/", views.issue_list, name="issue-list"),
    path("issues/<slug:slug>/", views.issue_detail, name="issue-detail"),
    path("matrix/", views.matrix, name="matrix"),
    path("positions/", views.position_list, name="position-list"),
    path("positions/<int:pk>/", views.position_detail, name="position-detail"),
    path("about/", about.about_data, name="about-data"),
    path("search/", views.search_page, name="search"),
    path("compare/", views.compare, name="compare"),
    path("alignment/", views.alignment, name="alignment"),
    path("map/", views.world_map, name="map"),
    path("groups/<slug:slug>/", views.group_detail, name="group-detail"),
]
