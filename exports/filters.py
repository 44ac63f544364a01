"""The FilterSets of the exports no page lists (yet): proposals.csv, chairs.csv and memberships.csv, and
the options every CSV export takes besides its filters (CsvOptions).

They are built from the same parts as the pages' (pages.filters) and judged by the same policy
(kptracker.params): codes, slugs and choices in any case, several values meaning "any of them", an
unknown parameter or a single one given twice a 400 naming it.
"""

import django_filters
from django import forms

from governance.models import Chair, ChairRole, MembershipEvent, MembershipEventKind
from pages.filters import (
    YearRangeFilterSet,
    YearRangeForm,
    issue_choice_filter,
    meeting_choice_filter,
    meeting_kind_filter,
    participant_choice_filter,
)
from positions.models import DecidedBy, Proposal, Result, Stage


class CsvOptions(forms.Form):
    """How a CSV export is written, whatever its rows: `bom=1` puts a UTF-8 byte-order mark first, for
    spreadsheet programs on Windows; `bom=0` or none, no mark. The export's FilterSet judges every other
    parameter (exports.views.judged)."""

    names = ("bom",)

    bom = forms.TypedChoiceField(
        choices=[("0", "no"), ("1", "yes")],
        coerce=lambda value: value == "1",
        empty_value=False,
        required=False,
        error_messages={"invalid_choice": "Give bom=1 for a byte-order mark first, bom=0 (or nothing) for none."},
    )

    def clean(self):
        for name in self.names:
            if (given := len(self.data.getlist(name))) > 1:
                self.add_error(name, f"Given {given} times; give it once.")
        return self.cleaned_data

    @property
    def bom_first(self):
        return self.is_valid() and self.cleaned_data["bom"]


def several_choices(choices, label, **kwargs):
    # distinct=False: a filter on the row's own field repeats no row (and DISTINCT would make the database
    # compare every column of every row).
    return django_filters.MultipleChoiceFilter(
        choices=choices, label=label, widget=forms.CheckboxSelectMultiple, distinct=False, **kwargs
    )


class ProposalFilter(YearRangeFilterSet):
    """proposals.csv: the proposal's meeting, issue, stage, meeting kind and years; the account's result
    and how it was decided."""

    date_field = "agenda_item__meeting__start_date"

    meeting = meeting_choice_filter(field_name="agenda_item__meeting")
    issue = issue_choice_filter(field_name="agenda_item__issue")
    stage = several_choices(Stage.choices, "Stage")
    kind = meeting_kind_filter(field_name="agenda_item__meeting__kind")
    # Read by filter_queryset, together: a row is an account, and both filters are about the same one.
    result = several_choices(Result.choices, "Result", method="filter_in_account")
    decided_by = several_choices(DecidedBy.choices, "Decided by", method="filter_in_account")

    class Meta:
        model = Proposal
        form = YearRangeForm
        fields = ["meeting", "issue", "stage", "result", "decided_by", "kind", "year_from", "year_to"]

    def filter_in_account(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        """The account filters in one filter() call: each row is one account (a join to the accounts
        that proposals.csv's columns reuse), so both filters must be about that same joined account."""
        queryset = super().filter_queryset(queryset)
        conditions = {f"accounts__{name}__in": self.form.cleaned_data.get(name) for name in ("result", "decided_by")}
        conditions = {lookup: values for lookup, values in conditions.items() if values}
        return queryset.filter(**conditions) if conditions else queryset


class ChairFilter(YearRangeFilterSet):
    """chairs.csv: years, role and participant."""

    role = several_choices(ChairRole.choices, "Role")
    participant = participant_choice_filter(field_name="participant")

    class Meta:
        model = Chair
        form = YearRangeForm
        fields = ["year_from", "year_to", "role", "participant"]

    def filter_year_from(self, queryset, name, value):
        return queryset.filter(year__gte=value)

    def filter_year_to(self, queryset, name, value):
        return queryset.filter(year__lte=value)


class MembershipFilter(YearRangeFilterSet):
    """memberships.csv: participant, event and years."""

    date_field = "date"

    participant = participant_choice_filter(field_name="participant")
    event = several_choices(MembershipEventKind.choices, "Event")

    class Meta:
        model = MembershipEvent
        form = YearRangeForm
        fields = ["participant", "event", "year_from", "year_to"]
