"""The FilterSets of the filterable pages: the timeline, the position list and the blocking matrix.

One FilterSet per list page; the page, its chart and its CSV export all take the same
FilterSet, so an export holds exactly what the screen shows and the URL is the permalink.
"""

import datetime

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef

from kptracker.params import LOWER, UPPER, StrictFilterSet, fold_case
from meetings.models import Meeting, MeetingKind, Participant
from positions.models import AgendaItem, Attribution, Evidence, Issue, Position, Stage, Stance

# Several values of one filter mean "any of them": ?participant=RUS&participant=USA.
SEVERAL_HELP = "Choose several with Ctrl or ⌘."

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


def several(widget_size=5):
    return forms.SelectMultiple(attrs={"size": widget_size})


class RecordsFilter(django_filters.ModelMultipleChoiceFilter):
    """Records named by code or slug in the URL, filtered by the foreign key itself (no join to the
    records' table, no duplicate rows)."""

    def get_filter_predicate(self, v):
        return {self.field_name: v}


def code_choices_filter(queryset, to_field_name, how, **kwargs):
    """Several records by code or slug, matched whatever the case."""
    kwargs.setdefault("widget", several())
    kwargs.setdefault("help_text", SEVERAL_HELP)
    return fold_case(RecordsFilter(queryset=queryset, to_field_name=to_field_name, distinct=False, **kwargs), how)


class YearRangeFilterSet(StrictFilterSet):
    """`year_from` and `year_to` over a date field, as index-friendly date comparisons."""

    date_field = "start_date"

    year_from = YearFilter(label="From year", method="filter_year_from")
    year_to = YearFilter(label="To year", method="filter_year_to")

    def filter_year_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": datetime.date(value, 1, 1)})

    def filter_year_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": datetime.date(value, 12, 31)})


def participant_choice_filter(**kwargs):
    """Participants by code (stored in capitals: `rus` is RUS)."""
    queryset = Participant.objects.only("code", "name").order_by("name")
    return code_choices_filter(queryset, "code", UPPER, label="Participant", **kwargs)


def issue_choice_filter(**kwargs):
    queryset = Issue.objects.only("slug", "title").order_by("title")
    return code_choices_filter(queryset, "slug", LOWER, label="Issue", **kwargs)


def meeting_kind_filter(**kwargs):
    kwargs.update(choices=MeetingKind.choices, label="Meeting kind", empty_label="any kind")
    return django_filters.ChoiceFilter(**kwargs)


def meeting_choice_filter(**kwargs):
    queryset = Meeting.objects.only("slug", "title", "start_date").order_by("-start_date")
    return code_choices_filter(queryset, "slug", LOWER, label="Meeting", **kwargs)


class MeetingFilter(YearRangeFilterSet):
    """The timeline: year range, meeting kind, issue on the agenda, participant who took a position."""

    kind = meeting_kind_filter()
    issue = issue_choice_filter(method="filter_issue")
    participant = participant_choice_filter(method="filter_participant")

    class Meta:
        model = Meeting
        form = YearRangeForm
        fields = ["year_from", "year_to", "kind", "issue", "participant"]

    # An empty choice arrives as an empty queryset, which django-filter does not count as "no value".

    def filter_issue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"), issue__in=value)))

    def filter_participant(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Position.objects.filter(meeting=OuterRef("pk"), participant__in=value)))

    def positions(self, positions):
        """The positions the counts and the chart should hold: at the chosen meetings, and of the chosen
        participants on the chosen issues (a meeting chosen for Russia counts Russia's positions only)."""
        positions = positions.filter(meeting__in=self.qs.values("pk"))
        if participants := self.chosen("participant"):
            positions = positions.filter(participant__in=participants)
        if issues := self.chosen("issue"):
            positions = positions.filter(agenda_item__issue__in=issues)
        return positions


MAX_SEARCH_LENGTH = 200


class PositionFilter(YearRangeFilterSet):
    """The position list: meeting, issue, participant, stance, attribution, years, free text over quotes,
    the proposal's stage, the evidence and the act."""

    date_field = "meeting__start_date"

    meeting = meeting_choice_filter(field_name="meeting")
    issue = issue_choice_filter(field_name="agenda_item__issue")
    participant = participant_choice_filter(field_name="participant")
    # distinct=False: a position's own field (or its proposal's) repeats no row, and DISTINCT would add the
    # ordering's columns to the SELECT that positions.csv's COPY writes out on PostgreSQL.
    stance = django_filters.MultipleChoiceFilter(
        choices=Stance.choices, label="Stance", widget=forms.CheckboxSelectMultiple, distinct=False
    )
    attribution = django_filters.ChoiceFilter(choices=Attribution.choices, label="Attribution", empty_label="any")
    kind = meeting_kind_filter(field_name="meeting__kind")
    q = django_filters.CharFilter(
        method="search_quotes", label="Words in the quote", max_length=MAX_SEARCH_LENGTH, strip=True
    )
    stage = django_filters.MultipleChoiceFilter(
        field_name="proposal__stage",
        choices=Stage.choices,
        label="Stage",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    evidence = django_filters.MultipleChoiceFilter(
        choices=Evidence.choices, label="Evidence", widget=forms.CheckboxSelectMultiple, distinct=False
    )
    act = django_filters.ChoiceFilter(choices=Position.act.field.choices, label="Act", empty_label="any")

    class Meta:
        model = Position
        form = YearRangeForm
        fields = [
            "meeting", "issue", "participant", "stance", "attribution", "kind", "year_from", "year_to", "q",
            "stage", "evidence", "act",
        ]  # fmt: skip

    def search_quotes(self, queryset, name, value):
        """Full-text search on PostgreSQL (English stemming, web-search syntax); contains-search on SQLite."""
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            return queryset.annotate(_quote_search=SearchVector("quote", config="english")).filter(
                _quote_search=SearchQuery(value, config="english", search_type="websearch")
            )
        return queryset.filter(quote__icontains=value)


def stage_filter(help_text=""):
    """A proposal's stage, several at once. distinct=False: a column of the row's one proposal, so no
    join repeats a row."""
    return django_filters.MultipleChoiceFilter(
        field_name="proposal__stage",
        choices=Stage.choices,
        label="Stage",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
        help_text=help_text,
    )


def evidence_filter(help_text=""):
    """A position's evidence, several at once (a column of the row: distinct=False)."""
    return django_filters.MultipleChoiceFilter(
        choices=Evidence.choices,
        label="Evidence",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
        help_text=help_text,
    )


STANCE_SETS = {
    "blocks": [Stance.BLOCKS],
    "blocks_opposes": [Stance.BLOCKS, Stance.OPPOSES],
}


class MatrixFilter(YearRangeFilterSet):
    """The blocking matrix: which stances count, years, meeting kind, columns by issue or by meeting."""

    date_field = "meeting__start_date"

    stances = django_filters.ChoiceFilter(
        choices=[("blocks", "blocks only"), ("blocks_opposes", "blocks and opposes")],
        label="Count",
        empty_label=None,
        method="filter_nothing",
    )
    kind = meeting_kind_filter(field_name="meeting__kind")
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
    stage = stage_filter("Kept off the agenda, blocked on the substance, or on the communiqué's wording.")
    evidence = evidence_filter("Inferred blocks are counted apart in each cell.")

    class Meta:
        model = Position
        form = YearRangeForm
        fields = ["year_from", "year_to", "kind", "stances", "by", "show", "stage", "evidence"]

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
        # Stances on proposals only: an act (a walk-out, a boycott) blocks nothing.
        return super().filter_queryset(queryset).filter(stance__in=self.stance_codes, proposal__isnull=False)

    def chosen_codes(self, name):
        return list(self._cleaned(name, []))

    def _cleaned(self, name, default):
        data = getattr(self.form, "cleaned_data", None) or {}
        return data.get(name) or default

    @property
    def stance_codes(self):
        return STANCE_SETS[self._cleaned("stances", "blocks")]

    @property
    def columns(self):
        return self._cleaned("by", "issue")


class AnalysisFilter(YearRangeFilterSet):
    """Stances on proposals, narrowed as the matrix narrows them (years, meeting kind, stage, evidence):
    the comparison's and the alignment's filters."""

    date_field = "meeting__start_date"

    kind = meeting_kind_filter(field_name="meeting__kind")
    stage = stage_filter()
    evidence = evidence_filter("Of every position counted (for the alignment, both sides').")

    class Meta:
        model = Position
        form = YearRangeForm
        fields = ["year_from", "year_to", "kind", "stage", "evidence"]

    def filter_queryset(self, queryset):
        # Stances on proposals only: an act answers no proposal.
        return super().filter_queryset(queryset).filter(proposal__isnull=False).exclude(stance="")


MIN_COMPARED, MAX_COMPARED = 2, 6


class CompareForm(YearRangeForm):
    def clean(self):
        data = super().clean()
        chosen = data.get("participant")
        if chosen is not None and not MIN_COMPARED <= len(chosen) <= MAX_COMPARED:
            self.add_error("participant", f"Choose {MIN_COMPARED} to {MAX_COMPARED} participants to compare.")
        return data


class CompareFilter(AnalysisFilter):
    participant = participant_choice_filter(field_name="participant", help_text="Two to six. " + SEVERAL_HELP)

    class Meta(AnalysisFilter.Meta):
        form = CompareForm
        fields = ["participant", *AnalysisFilter.Meta.fields]
