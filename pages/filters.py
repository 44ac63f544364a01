"""The FilterSets of the filterable pages: the timeline, the position list and the blocking matrix.

One FilterSet per list page; the page, its chart and its CSV export all take the same
FilterSet, so an export holds exactly what the screen shows and the URL is the permalink.
"""

import datetime

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef

from governance.models import Group
from kptracker.params import LOWER, UPPER, StrictFilterSet, fold_case
from meetings.models import Meeting, MeetingKind, Participant
from positions.models import AgendaItem, Attribution, Evidence, Issue, Position, Proposal, Stage, Stance

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


def group_choice_filter(**kwargs):
    """A group the sources name (the Western bloc), by slug: its members as the source gives them."""
    queryset = Group.objects.only("slug", "name").order_by("name")
    kwargs.setdefault("help_text", "Its members as the source that names it gives them.")
    filter_ = django_filters.ModelChoiceFilter(
        queryset=queryset, to_field_name="slug", label="Group", empty_label="no group", **kwargs
    )
    return fold_case(filter_, LOWER)


def in_group(queryset, group, field="participant"):
    """Rows of the group's members: a subquery, so no join repeats a row."""
    if not group:
        return queryset
    return queryset.filter(**{f"{field}__in": group.members.values("pk")})


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
    group = group_choice_filter(method="filter_group")
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
            "stage", "evidence", "act", "group",
        ]  # fmt: skip

    def filter_group(self, queryset, name, value):
        return in_group(queryset, value)

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
    group = group_choice_filter(method="filter_group")

    class Meta:
        model = Position
        form = YearRangeForm
        fields = ["year_from", "year_to", "kind", "stances", "by", "show", "stage", "evidence", "group"]

    def filter_group(self, queryset, name, value):
        return in_group(queryset, value)

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
        return self.choice(name) or default

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
# A group brings its members: the Western bloc's six and up to six more named beside it.
MAX_WITH_GROUP = 12


class CompareForm(YearRangeForm):
    def clean(self):
        data = super().clean()
        chosen, group = data.get("participant"), data.get("group")
        if group:
            total = len({p.pk for p in chosen or []} | set(group.members.values_list("pk", flat=True)))
            if not MIN_COMPARED <= total <= MAX_WITH_GROUP:
                self.add_error(
                    "group",
                    f"A group and the participants beside it make {MIN_COMPARED} to {MAX_WITH_GROUP} to compare.",
                )
        elif chosen is not None and not MIN_COMPARED <= len(chosen) <= MAX_COMPARED:
            self.add_error(
                "participant", f"Choose {MIN_COMPARED} to {MAX_COMPARED} participants to compare, or a group."
            )
        return data


class CompareFilter(AnalysisFilter):
    participant = participant_choice_filter(method="filter_chosen", help_text="Two to six. " + SEVERAL_HELP)
    group = group_choice_filter(
        method="filter_chosen", help_text="Its members, as the source gives them, beside any chosen above."
    )

    class Meta(AnalysisFilter.Meta):
        form = CompareForm
        fields = ["participant", "group", *AnalysisFilter.Meta.fields]

    def filter_chosen(self, queryset, name, value):
        # Both are read together in filter_queryset: the participants named or in the group.
        return queryset

    def compared(self):
        """The participants compared: those named, in their order, then the group's other members by name."""
        if not hasattr(self, "_compared"):
            named = self.chosen("participant")
            group = self.choice("group")
            members = list(group.members.only("code", "name", "slug").order_by("name")) if group else []
            seen = {p.pk for p in named}
            self._compared = named + [p for p in members if p.pk not in seen]
        return self._compared

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).filter(participant__in=[p.pk for p in self.compared()])


class MapForm(YearRangeForm):
    """One of: a proposal; an issue at a meeting; a year (standing). Nothing at all is this year's standing."""

    def clean(self):
        data = super().clean()
        proposal, meeting, issue, year = (data.get(name) for name in ("proposal", "meeting", "issue", "year"))
        if proposal and (meeting or issue or year):
            self.add_error("proposal", "Map a proposal, or an issue at a meeting, or a year's standing: one of them.")
        elif (meeting or issue) and year:
            self.add_error("year", "The year of a meeting is its own: map its stances, or a year's standing.")
        elif meeting and not issue:
            self.add_error("issue", "Choose the issue at this meeting, or a proposal.")
        elif issue and not meeting:
            self.add_error("meeting", "Choose the meeting at which the issue was taken up.")
        return data


class MapFilter(StrictFilterSet):
    """/map/: stances on a proposal or on an issue at a meeting, or the participants' standing in a year;
    a group narrows either to its members."""

    proposal = django_filters.ModelChoiceFilter(
        # With what the map's title and links need: the view reads the chosen proposal as it is.
        queryset=Proposal.objects.select_related("agenda_item__meeting", "agenda_item__issue"),
        label="Proposal number",
        widget=forms.NumberInput(attrs={"min": 1, "step": 1}),
        method="filter_nothing",
        help_text="Each proposal's “map” link on its meeting's page gives it.",
    )
    meeting = fold_case(
        django_filters.ModelChoiceFilter(
            queryset=Meeting.objects.only("slug", "title", "start_date").order_by("-start_date"),
            to_field_name="slug",
            label="Meeting",
            empty_label="no meeting",
            method="filter_nothing",
        ),
        LOWER,
    )
    issue = fold_case(
        django_filters.ModelChoiceFilter(
            queryset=Issue.objects.only("slug", "title").order_by("title"),
            to_field_name="slug",
            label="Issue at the meeting",
            empty_label="no issue",
            method="filter_nothing",
        ),
        LOWER,
    )
    year = YearFilter(label="Standing in year", method="filter_nothing", help_text="Without a proposal or meeting.")
    group = group_choice_filter(method="filter_nothing")

    class Meta:
        model = Position
        form = MapForm
        fields = ["proposal", "meeting", "issue", "year", "group"]

    def filter_nothing(self, queryset, name, value):
        # Read by the view through `choice`, not a filter on rows by itself.
        return queryset
