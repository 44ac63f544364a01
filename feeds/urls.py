from django.urls import path

from pages.cache import cached_page

from . import atom, calendar, changes

app_name = "feeds"

urlpatterns = [
    path("feeds/positions.atom", cached_page()(atom.PositionFeed()), name="positions"),
    path("participants/<str:code>/feed.atom", cached_page()(atom.ParticipantFeed()), name="participant"),
    path("issues/<slug:slug>/feed.atom", cached_page()(atom.IssueFeed()), name="issue"),
    path("changes/", changes.changes, name="changes"),
    path("meetings.ics", cached_page()(calendar.meetings_ics), name="meetings-ics"),
]
