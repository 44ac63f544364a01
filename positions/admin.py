from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from meetings.admin_widgets import SafeAutocompleteMixin

from .admin_import import CSVImportMixin
from .models import AgendaItem, Issue, Position
from .quotes import verify

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


class PositionInline(SafeAutocompleteMixin, admin.StackedInline):
    """An agenda item's positions, edited on the agenda item's page."""

    model = Position
    fk_name = "agenda_item"
    extra = 1
    autocomplete_fields = ["participant", "reported_by", "speaker", "source"]
    fields = [
        ("participant", "stance", "attribution"),
        ("reported_by", "reported_by_outlet"),
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
    inlines = [PositionInline]

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


@admin.register(Position)
class PositionAdmin(SafeAutocompleteMixin, CSVImportMixin, SimpleHistoryAdmin):
    import_kind = "positions"
    list_display = ["participant", "stance", "agenda_item", "attribution", "source", "quote_verified"]
    list_filter = [
        "quote_verified",
        "stance",
        "attribution",
        "agenda_item__issue",
        "agenda_item__meeting__kind",
        "participant__kind",
    ]
    search_fields = [
        "quote",
        "participant__name",
        "participant__code",
        "agenda_item__issue__title",
        "agenda_item__meeting__title",
        "speaker__name",
    ]
    autocomplete_fields = ["agenda_item", "participant", "reported_by", "speaker", "source"]
    list_select_related = ["participant", "agenda_item__meeting", "agenda_item__issue", "source"]
    fieldsets = [
        (None, {"fields": ["agenda_item", "participant", "stance"]}),
        ("Attribution", {"fields": ["attribution", "reported_by", "reported_by_outlet", "speaker"]}),
        ("Evidence", {"fields": ["source", "source_location", "quote", "quote_verified", "note"]}),
    ]
    readonly_fields = ["quote_verified"]

    def save_model(self, request, obj, form, change):
        verify_and_warn(request, obj)
        super().save_model(request, obj, form, change)
