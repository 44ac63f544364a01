"""Filters for the timeline, shared pieces for every filterable page.

One FilterSet per list page; the page, its chart and its CSV export all take the same
FilterSet, so an export holds exactly what the screen shows and the URL is the permalink.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from .models import Meeting, MeetingKind, Participant

MIN_YEAR = 1990
MAX_YEAR = 2100


class YearFilter(django_filters.NumberFilter):
    """A year as a whole number in a sane range: 10**30 or 'frog' is a form error, not a crash."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR, "step": 1}))
        super().__init__(*args, **kwargs)


class YearRangeForm(forms.Form):
    """Rejects a range whose end comes before its start."""

    def clean(self):
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and start > end:
            self.add_error("year_to", "The end year is before the start year.")
        return data


class YearRangeFilterSet(django_filters.FilterSet):
    """`year_from` and `year_to` over a date field, as index-friendly date comparisons."""

    date_field = "start_date"

    year_from = YearFilter(label="From year", method="filter_year_from")
    year_to = YearFilter(label="To year", method="filter_year_to")

    def filter_year_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": datetime.date(value, 1, 1)})

    def filter_year_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": datetime.date(value, 12, 31)})


def participant_choice_filter(**kwargs):
    return django_filters.ModelChoiceFilter(
        queryset=Participant.objects.only("code", "name").order_by("name"),
        to_field_name="code",
        label="Participant",
        empty_label="any participant",
        **kwargs,
    )


def issue_choice_filter(**kwargs):
    from positions.models import Issue

    return django_filters.ModelChoiceFilter(
        queryset=Issue.objects.only("slug", "title").order_by("title"),
        to_field_name="slug",
        label="Issue",
        empty_label="any issue",
        **kwargs,
    )


class MeetingFilter(YearRangeFilterSet):
    """The timeline: year range, meeting kind, issue on the agenda, participant who took a position."""

    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label="Meeting kind", empty_label="any kind")
    issue = issue_choice_filter(method="filter_issue")
    participant = participant_choice_filter(method="filter_participant")

    class Meta:
        model = Meeting
        form = YearRangeForm
        fields = ["year_from", "year_to", "kind", "issue", "participant"]

    def filter_issue(self, queryset, name, value):
        from positions.models import AgendaItem

        return queryset.filter(Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"), issue=value)))

    def filter_participant(self, queryset, name, value):
        from positions.models import Position

        return queryset.filter(Exists(Position.objects.filter(agenda_item__meeting=OuterRef("pk"), participant=value)))
