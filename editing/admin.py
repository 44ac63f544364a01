"""The admin, where editors enter and correct the record: every model of meetings/, governance/ and positions/.

A meeting's page holds its agenda; an agenda item's page its proposals; a proposal's page its
accounts of the decision and the positions taken on it. Acts (walk-outs, boycotts, statements)
are entered as positions with no proposal.
"""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from governance.models import Chair, Group, MembershipEvent, MemberState, WorkingBody
from meetings.models import Meeting, Participant, ParticipantAlias, Person, Source
from meetings.quotes import quote_in_source, verify
from positions.models import AgendaItem, Issue, Position, Proposal, ProposalAccount

from .admin_import import CSVImportMixin
from .widgets import SafeAutocompleteMixin

UNVERIFIED_WARNING = (
    "The quote of “{position}” does not appear in the text of its source “{source}” "
    "(spacing and quote marks ignored). It is saved and marked unverified: check it against the source."
)


def verify_and_warn(request, position):
    if not verify(position):
        messages.warning(request, UNVERIFIED_WARNING.format(position=position, source=position.source))


class AgendaItemInline(SafeAutocompleteMixin, admin.TabularInline):
    """A meeting's agenda, edited on the meeting's page."""

    model = AgendaItem
    extra = 1
    autocomplete_fields = ["issue"]
    fields = ["issue", "outcome", "outcome_note"]
    show_change_link = True


class ProposalInline(SafeAutocompleteMixin, admin.TabularInline):
    """An agenda item's proposals, edited on the agenda item's page (their positions on their own)."""

    model = Proposal
    extra = 1
    fields = ["text", "stage"]
    show_change_link = True


class ProposalAccountInline(SafeAutocompleteMixin, admin.StackedInline):
    """How a proposal was decided: one account where the sources agree, one per account where they do not."""

    model = ProposalAccount
    extra = 1
    autocomplete_fields = ["proposed_by", "sources"]
    fields = [
        ("decided_by", "result", "inferred"),
        ("votes_for", "votes_against", "abstentions"),
        "proposed_by",
        "result_note",
        "sources",
    ]


class PositionInline(SafeAutocompleteMixin, admin.StackedInline):
    """A proposal's positions, edited on the proposal's page."""

    model = Position
    fk_name = "proposal"
    extra = 1
    autocomplete_fields = ["participant", "reported_by", "reported_by_person", "speaker", "source"]
    fields = [
        ("participant", "stance", "evidence", "attribution"),
        ("reported_by", "reported_by_person", "reported_by_outlet"),
        ("speaker", "source", "source_location"),
        "quote",
        ("note", "quote_verified"),
    ]
    readonly_fields = ["quote_verified"]


@admin.register(Issue)
class IssueAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(AgendaItem)
class AgendaItemAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["issue", "meeting", "outcome"]
    list_filter = ["outcome", "issue", "meeting__kind"]
    search_fields = ["issue__title", "meeting__title", "outcome_note"]
    autocomplete_fields = ["meeting", "issue"]
    list_select_related = ["issue", "meeting"]
    inlines = [ProposalInline]


@admin.register(Proposal)
class ProposalAdmin(SafeAutocompleteMixin, CSVImportMixin, SimpleHistoryAdmin):
    import_kind = "proposals"
    list_display = ["text", "stage", "agenda_item"]
    list_filter = ["stage", "agenda_item__issue", "agenda_item__meeting__kind"]
    search_fields = ["text", "agenda_item__issue__title", "agenda_item__meeting__title"]
    autocomplete_fields = ["agenda_item"]
    list_select_related = ["agenda_item__issue", "agenda_item__meeting"]
    inlines = [ProposalAccountInline, PositionInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Position:
            return super().save_formset(request, form, formset, change)
        positions = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for position in positions:
            verify_and_warn(request, position)
            position.save()
        formset.save_m2m()
        return None


@admin.register(ProposalAccount)
class ProposalAccountAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["proposal", "decided_by", "result", "inferred"]
    list_filter = ["decided_by", "result", "inferred", "proposal__stage"]
    search_fields = ["proposal__text", "result_note", "proposal__agenda_item__meeting__title"]
    autocomplete_fields = ["proposal", "proposed_by", "sources"]
    list_select_related = ["proposal"]


@admin.register(Position)
class PositionAdmin(SafeAutocompleteMixin, CSVImportMixin, SimpleHistoryAdmin):
    import_kind = "positions"
    list_display = ["participant", "stance", "act", "proposal", "meeting", "evidence", "source", "quote_verified"]
    list_filter = [
        "quote_verified",
        "evidence",
        "stance",
        "act",
        "attribution",
        "proposal__stage",
        "agenda_item__issue",
        "meeting__kind",
        "participant__kind",
    ]
    search_fields = [
        "quote",
        "participant__name",
        "participant__code",
        "proposal__text",
        "agenda_item__issue__title",
        "meeting__title",
        "speaker__name",
    ]
    autocomplete_fields = [
        "proposal",
        "meeting",
        "working_body",
        "participant",
        "reported_by",
        "reported_by_person",
        "speaker",
        "source",
    ]
    list_select_related = ["participant", "meeting", "proposal", "source"]
    fieldsets = [
        (
            None,
            {
                "fields": ["proposal", "participant", "stance"],
                "description": "A stance on a proposal. For an act that answers none (a walk-out, a boycott, a "
                "statement), leave the proposal empty and fill in the act below.",
            },
        ),
        ("Act", {"fields": ["act", "meeting", "working_body"]}),
        ("Evidence", {"fields": ["evidence", "source", "source_location", "quote", "quote_verified", "note"]}),
        (
            "Attribution",
            {"fields": ["attribution", "speaker", "reported_by", "reported_by_person", "reported_by_outlet"]},
        ),
    ]
    readonly_fields = ["quote_verified"]

    def save_model(self, request, obj, form, change):
        verify_and_warn(request, obj)
        super().save_model(request, obj, form, change)


class ParticipantAliasInline(SafeAutocompleteMixin, admin.TabularInline):
    model = ParticipantAlias
    extra = 1
    fields = ["name"]


@admin.register(Participant)
class ParticipantAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "has_veto", "updated_at"]
    list_filter = ["kind", "has_veto"]
    search_fields = ["name", "code", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ParticipantAliasInline]


@admin.register(ParticipantAlias)
class ParticipantAliasAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "participant"]
    search_fields = ["name", "participant__name", "participant__code"]
    autocomplete_fields = ["participant"]
    list_select_related = ["participant"]


@admin.register(Person)
class PersonAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "role", "affiliation"]
    list_filter = ["affiliation__kind"]
    search_fields = ["name", "role", "affiliation__name", "affiliation__code"]
    autocomplete_fields = ["affiliation"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["affiliation"]


@admin.register(WorkingBody)
class WorkingBodyAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Chair)
class ChairAdmin(SafeAutocompleteMixin, CSVImportMixin, SimpleHistoryAdmin):
    import_kind = "chairs"
    list_display = ["year", "role", "participant", "person", "body", "inferred"]
    list_filter = ["role", "inferred", "body", "participant"]
    search_fields = ["participant__name", "participant__code", "person__name", "body__name", "note"]
    autocomplete_fields = ["participant", "person", "body", "sources"]
    list_select_related = ["participant", "person", "body"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(SafeAutocompleteMixin, CSVImportMixin, SimpleHistoryAdmin):
    import_kind = "memberships"
    list_display = ["participant", "event", "date", "date_precision", "inferred"]
    list_filter = ["event", "inferred", "participant"]
    search_fields = ["participant__name", "participant__code", "note"]
    autocomplete_fields = ["participant", "sources"]
    list_select_related = ["participant"]
    date_hierarchy = "date"


@admin.register(Group)
class GroupAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "source", "source_location"]
    search_fields = ["name", "description", "quote"]
    autocomplete_fields = ["members", "source"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["source"]


@admin.register(MemberState)
class MemberStateAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "iso_code", "organisation", "joined", "left"]
    list_filter = ["organisation"]
    search_fields = ["name", "iso_code"]
    autocomplete_fields = ["organisation", "sources"]
    list_select_related = ["organisation"]


@admin.register(Source)
class SourceAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "publisher", "published_date", "kind"]
    list_filter = ["kind", "publisher"]
    search_fields = ["title", "publisher", "text", "url"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "text" in form.changed_data:
            self._reverify_positions(request, obj)

    def _reverify_positions(self, request, source):
        """A changed text can make a cited quote appear or disappear: check every position citing it again."""
        changed = []
        for position in Position.objects.filter(source=source).only("id", "quote", "quote_verified"):
            verified = quote_in_source(position.quote, source.text)
            if verified != position.quote_verified:
                position.quote_verified = verified
                changed.append(position)
        Position.objects.bulk_update(changed, ["quote_verified"])
        lost = sum(1 for p in changed if not p.quote_verified)
        if lost:
            messages.warning(request, f"{lost} position(s) citing this source now have a quote not found in its text.")


@admin.register(Meeting)
class MeetingAdmin(SafeAutocompleteMixin, CSVImportMixin, SimpleHistoryAdmin):
    import_kind = "meetings"
    list_display = ["title", "kind", "status", "start_date", "date_precision", "city", "host_country", "chair"]
    list_filter = ["kind", "status", "is_virtual", "date_precision", "chair"]
    search_fields = ["title", "city", "host_country", "theme", "summary", "chair__name", "chair_person__name"]
    autocomplete_fields = ["chair", "chair_person", "sources", "part_of", "replaces"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    list_select_related = ["chair"]
    inlines = [AgendaItemInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "number"]}),
        ("When", {"fields": ["start_date", "end_date", "date_precision"]}),
        ("Where", {"fields": ["city", "host_country", "is_virtual", "planned_city", "planned_host_country"]}),
        ("Ties to other meetings", {"fields": ["part_of", "replaces", "ties_inferred"]}),
        ("Who and what", {"fields": ["chair", "chair_person", "theme", "participants_count", "countries_count"]}),
        ("Record", {"fields": ["summary", "notes", "sources"]}),
    ]
