from django.contrib import admin

from .models import ErrorReport


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "page", "short_what", "contact"]
    list_filter = ["status", "created_at"]
    search_fields = ["what", "page", "source", "contact", "editor_note"]
    readonly_fields = ["page", "what", "source", "contact", "client", "created_at"]
    fields = ["page", "what", "source", "contact", "created_at", "client", "status", "editor_note"]
    date_hierarchy = "created_at"

    @admin.display(description="what is wrong")
    def short_what(self, obj):
        return obj.what[:80]

    def has_add_permission(self, request):
        return False  # reports come from readers, through the public form
