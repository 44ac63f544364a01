from django.db import models
from django.db.models import Q


class ReportStatus(models.TextChoices):
    NEW = "new", "new"
    CHECKING = "checking", "being checked"
    FIXED = "fixed", "fixed"
    DECLINED = "declined", "declined"


class ErrorReport(models.Model):
    """A reader's report that something on a public page is wrong, for editors to check."""

    page = models.CharField(max_length=500, blank=True, help_text="The page the reader was on.")
    what = models.TextField("what is wrong", max_length=2000)
    source = models.CharField("source", max_length=500, blank=True, help_text="A source that shows it, if any.")
    contact = models.CharField(max_length=200, blank=True, help_text="Optional: how to reach the reader.")
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.NEW)
    editor_note = models.TextField(blank=True)
    client = models.CharField(
        max_length=64, blank=True, editable=False, help_text="A keyed hash of the reader's address, never the address."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="error_report_status_valid"),
            models.CheckConstraint(condition=~Q(what=""), name="error_report_what_required"),
        ]

    def __str__(self):
        return f"{self.page or 'report'}: {self.what[:60]}"


class ReportWindow(models.Model):
    """How many reports one client sent in one window of the limit: a row in the database, so every worker
    and server counts the same reports (reports/ratelimit.py)."""

    client = models.CharField(max_length=64, help_text="A keyed hash of the reader's address, never the address.")
    started_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "started_at"], name="report_window_one_per_client"),
        ]

    def __str__(self):
        return f"{self.count} from {self.client[:8]} since {self.started_at:%Y-%m-%d %H:%M}"
