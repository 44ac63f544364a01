from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from positions.admin import AgendaItemInline
from positions.admin_import import CSVImportMixin
from positions.models import Position
from positions.quotes import quote_in_source

from .admin_widgets import SafeAutocompleteMixin
from .models import Meeting, Participant, ParticipantAlias, Person, Source


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
    autocomplete_fields = ["chair", "chair_person", "sources"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    list_select_related = ["chair"]
    inlines = [AgendaItemInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "number"]}),
        ("When", {"fields": ["start_date", "end_date", "date_precision"]}),
        ("Where", {"fields": ["city", "host_country", "is_virtual"]}),
        ("Who and what", {"fields": ["chair", "chair_person", "theme", "participants_count", "countries_count"]}),
        ("Record", {"fields": ["summary", "notes", "sources"]}),
    ]
