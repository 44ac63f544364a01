"""/meetings.ics: every meeting as an all-day iCalendar event, planned and cancelled ones included (issue 16).

A meeting known to the day spans its days (DTEND is the day after the last, as iCalendar counts). One
known only to the month or the year is one all-day event on the 1st, its summary saying how much of the
date is known: spreading it over the whole month or year would claim days no source gives.
"""

import datetime

from django.http import HttpResponse
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from meetings.dates import DatePrecision
from meetings.models import Meeting, MeetingStatus

STATUS = {
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.PLANNED: "TENTATIVE",
    MeetingStatus.CANCELLED: "CANCELLED",
}
DAY = datetime.timedelta(days=1)


def meeting_event(meeting, base_url, stamp):
    event = Event()
    event.add("uid", f"meeting-{meeting.slug}@kptracker")
    event.add("dtstamp", stamp)
    event.add("last-modified", meeting.updated_at)
    summary = meeting.title
    if meeting.date_precision == DatePrecision.DAY:
        event.add("dtstart", meeting.start_date)
        event.add("dtend", (meeting.end_date or meeting.start_date) + DAY)
    else:
        event.add("dtstart", meeting.start_date)
        event.add("dtend", meeting.start_date + DAY)
        summary += f" (dates known to the {meeting.date_precision}: {meeting.dates_display})"
    if meeting.status == MeetingStatus.CANCELLED:
        summary += " (cancelled)"
    event.add("summary", summary)
    event.add("status", STATUS.get(meeting.status, "CONFIRMED"))
    event.add("transp", "TRANSPARENT")
    where = ", ".join(part for part in (meeting.city, meeting.host_country) if part)
    if meeting.is_virtual:
        where = f"{where} (virtual)" if where else "virtual"
    if where:
        event.add("location", where)
    url = base_url + meeting.get_absolute_url()
    event.add("url", url)
    description = "\n\n".join(part for part in (meeting.summary, f"On kptracker: {url}") if part)
    event.add("description", description)
    return event


@require_safe
def meetings_ics(request):
    calendar = Calendar()
    calendar.add("prodid", "-//kptracker//Kimberley Process meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Kimberley Process meetings (kptracker)")
    base_url = request.build_absolute_uri("/").rstrip("/")
    meetings = Meeting.objects.order_by("start_date", "slug")
    latest = max((m.updated_at for m in meetings), default=None)
    stamp = latest or datetime.datetime.now(datetime.UTC)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, base_url, stamp))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kptracker-meetings.ics"'
    return response
