"""A meeting's admin change form as an editor sees it, ready to post back with some fields changed."""

from django.urls import reverse


def meeting_change(client, meeting, **changes):
    """(url, data): every field as the form shows it, the meeting's sources, no agenda items, then `changes`."""
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form = client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update(
        {
            "sources": [source.pk for source in meeting.sources.all()],
            "agenda_items-TOTAL_FORMS": "0",
            "agenda_items-INITIAL_FORMS": "0",
            "agenda_items-MIN_NUM_FORMS": "0",
            "agenda_items-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(changes)
    return url, data
