"""Filters for the position list and the blocking matrix (and their CSV exports)."""

import django_filters
from django import forms
from django.db import connection

from meetings.filters import (
    YearRangeFilterSet,
    YearRangeForm,
    issue_choice_filter,
    meeting_choice_filter,
    participant_choice_filter,
)
from meetings.models import MeetingKind

from .models import Attribution, Position, Stance

MAX_SEARCH_LENGTH = 200


class PositionFilter(YearRangeFilterSet):
    """The position list: meeting, issue, participant, stance, attribution, years and free text over quotes."""

    date_field = "agenda_item__meeting__start_date"

    meeting = meeting_choice_filter(field_name="agenda_item__meeting")
    issue = issue_choice_filter(field_name="agenda_item__issue")
    participant = participant_choice_filter(field_name="participant")
    stance = django_filters.MultipleChoiceFilter(
        choices=Stance.choices, label="Stance", widget=forms.CheckboxSelectMultiple
    )
    attribution = django_filters.ChoiceFilter(choices=Attribution.choices, label="Attribution", empty_label="any")
    kind = django_filters.ChoiceFilter(
        field_name="agenda_item__meeting__kind",
        choices=MeetingKind.choices,
        label="Meeting kind",
        empty_label="any kind",
    )
    q = django_filters.CharFilter(
        method="search_quotes", label="Words in the quote", max_length=MAX_SEARCH_LENGTH, strip=True
    )

    class Meta:
        model = Position
        form = YearRangeForm
        fields = ["meeting", "issue", "participant", "stance", "attribution", "kind", "year_from", "year_to", "q"]

    def search_quotes(self, queryset, name, value):
        """Full-text search on PostgreSQL (English stemming, web-search syntax); contains-search on SQLite."""
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            return queryset.annotate(_quote_search=SearchVector("quote", config="english")).filter(
                _quote_search=SearchQuery(value, config="english", search_type="websearch")
            )
        return queryset.filter(quote__icontains=value)


STANCE_SETS = {
    "blocks": [Stance.BLOCKS],
    "blocks_opposes": [Stance.BLOCKS, Stance.OPPOSES],
}


class MatrixFilter(YearRangeFilterSet):
    """The blocking matrix: which stances count, years, meeting kind, columns by issue or by meeting."""

    date_field = "agenda_item__meeting__start_date"

    stances = django_filters.ChoiceFilter(
        choices=[("blocks", "blocks only"), ("blocks_opposes", "blocks and opposes")],
        label="Count",
        empty_label=None,
        method="filter_nothing",
    )
    kind = django_filters.ChoiceFilter(
        field_name="agenda_item__meeting__kind",
        choices=MeetingKind.choices,
        label="Meeting kind",
        empty_label="any kind",
    )
    by = django_filters.ChoiceFilter(
        choices=[("issue", "issues"), ("meeting", "meetings")],
        label="Columns",
        empty_label=None,
        method="filter_nothing",
    )
    show = django_filters.ChoiceFilter(
        choices=[("all", "everyone"), ("veto", "veto holders"), ("observers", "observers")],
        label="Rows",
        empty_label=None,
        method="filter_show",
    )

    class Meta:
        model = Position
        form = YearRangeForm
        fields = ["year_from", "year_to", "kind", "stances", "by", "show"]

    def filter_nothing(self, queryset, name, value):
        # Read by the view (`stance_codes`, `columns`), not a filter on rows by itself.
        return queryset

    def filter_show(self, queryset, name, value):
        if value == "veto":
            return queryset.filter(participant__has_veto=True)
        if value == "observers":
            return queryset.filter(participant__has_veto=False)
        return queryset

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).filter(stance__in=self.stance_codes)

    def _cleaned(self, name, default):
        data = getattr(self.form, "cleaned_data", None) or {}
        return data.get(name) or default

    @property
    def stance_codes(self):
        return STANCE_SETS[self._cleaned("stances", "blocks")]

    @property
    def columns(self):
        return self._cleaned("by", "issue")
