"""The admin's CSV import: upload, preview every row and every error, then confirm.

The preview is a dry run of editing.importing.run_import, the same as `import_csv --dry-run`; the
confirm step runs it for real on the very file previewed (kept in a temporary file, named by a
signed token in the form), so the final message says what the import did, or that it failed.
"""

import contextlib
import os
import re
import tempfile
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from exports.csvwriter import csv_response
from exports.tables import chair_rows, meeting_rows, membership_rows, position_rows, proposal_listing, proposal_rows
from governance.models import Chair, MembershipEvent
from meetings.models import Meeting
from positions.models import Position, Proposal

from .import_meetings import CHANGE, CREATE, UNCHANGED
from .importing import ImportFileError, column_guide, run_import

TOKEN_SALT = "kptracker.import-preview"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 60 * 60  # a preview can be confirmed for an hour
PREVIEW_PREFIX = "kptracker-import-"
PREVIEW_NAME = re.compile(rf"^{PREVIEW_PREFIX}[A-Za-z0-9_]+\.csv$")
PREVIEW_DIR = None  # where previewed files wait for their confirm: None is the system's temporary directory


def megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


class ImportForm(forms.Form):
    import_file = forms.FileField(label="CSV file (UTF-8)")

    def __init__(self, *args, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > self.max_bytes:  # checked before a byte of it is parsed
            raise ValidationError(
                f"The file is {megabytes(upload.size)}; the admin imports files up to {megabytes(self.max_bytes)}. "
                "Split it, or import it with `manage.py import_csv`, which takes a file of any size."
            )
        return upload


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


def _newest(model, *order):
    return model.objects.filter(pk__in=model.objects.order_by(*order).values("pk")[:1])


def _example_rows(kind):
    """The template's example: the newest record, exported, so the example itself imports as unchanged."""
    if kind == "positions":
        return position_rows(_newest(Position, "-pk"))
    if kind == "proposals":  # the newest proposal, with all its accounts (an account is numbered among them)
        return proposal_rows(proposal_listing(_newest(Proposal, "-pk").order_by("pk")))
    if kind == "chairs":
        return chair_rows(_newest(Chair, "-year", "-pk"))
    if kind == "memberships":
        return membership_rows(_newest(MembershipEvent, "-date", "-pk"))
    return meeting_rows(_newest(Meeting, "-start_date"))


def _remove_stale_previews():
    """Previews never confirmed: their files are removed once their token has expired."""
    cutoff = time.time() - TOKEN_MAX_AGE
    with os.scandir(_preview_dir()) as entries:
        for entry in entries:
            if PREVIEW_NAME.match(entry.name) and entry.stat().st_mtime < cutoff:
                with contextlib.suppress(OSError):
                    os.remove(entry.path)


def _preview_dir():
    return PREVIEW_DIR or tempfile.gettempdir()


def _preview_path(name):
    if not PREVIEW_NAME.match(name or ""):
        raise signing.BadSignature("not a preview file name")
    return os.path.join(_preview_dir(), name)


class CSVImportMixin:
    """Adds Import (with its template file) to a model admin. `import_kind`: a kind of editing.importing.IMPORTS."""

    import_kind = None
    change_list_template = "admin/csv_import/change_list.html"
    import_template = "admin/csv_import/import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="{}_{}_import".format(*info)),
            path("import/confirm/", wrap(self.confirm_import_view), name="{}_{}_process_import".format(*info)),
            path("import/template.csv", wrap(self.import_template_view), name="{}_{}_import_template".format(*info)),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def _url(self, name):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", current_app=self.admin_site.name)

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        header, rows = _example_rows(self.import_kind)
        return csv_response(f"{self.import_kind}-import-template", header, rows)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        max_bytes = settings.IMPORT_MAX_UPLOAD_BYTES
        form = ImportForm(request.POST or None, request.FILES or None, max_bytes=max_bytes)
        context = {}
        if request.method == "POST" and form.is_valid():
            context = self._preview(request, form)
        return TemplateResponse(
            request,
            self.import_template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Import {self.opts.verbose_name_plural}",
                "kind": self.import_kind,
                "form": form,
                "max_size": megabytes(max_bytes),
                "columns": column_guide(self.import_kind),
                "template_url": self._url("import_template"),
                "export_url": f"/export/{self.import_kind}.csv",
                "confirm_url": self._url("process_import"),
                **context,
            },
        )

    def _preview(self, request, form):
        upload = form.cleaned_data["import_file"]
        _remove_stale_previews()
        handle, preview_path = tempfile.mkstemp(prefix=PREVIEW_PREFIX, suffix=".csv", dir=_preview_dir())
        with os.fdopen(handle, "wb") as kept:
            for chunk in upload.chunks():
                kept.write(chunk)
        results = []
        try:
            with open(preview_path, "rb") as binary_file:
                summary = run_import(
                    binary_file, kind=self.import_kind, dry_run=True, user=request.user, on_row=results.append
                )
        except ImportFileError as exc:
            os.remove(preview_path)
            form.add_error("import_file", str(exc))
            return {}
        context = {
            "summary": summary,
            "errors": [(r, column, message) for r in results for column, message in r.errors],
            "rows": [r for r in results if r.action in (CREATE, CHANGE)],
            "unchanged": [r for r in results if r.action == UNCHANGED],
            "unverified": [r for r in results if any(c == "quote" for c, _ in r.warnings)],
        }
        if summary.has_errors:
            os.remove(preview_path)
        else:
            token = signing.dumps(
                {"file": os.path.basename(preview_path), "name": upload.name, "user": request.user.pk},
                salt=TOKEN_SALT,
            )
            context["confirm_form"] = ConfirmForm(initial={"token": token})
        return context

    def confirm_import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(self._url("import"))
        form = ConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise signing.BadSignature("no token")
            token = signing.loads(form.cleaned_data["token"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
            if token.get("user") != request.user.pk:
                raise signing.BadSignature("another editor's preview")
            preview_path = _preview_path(token.get("file"))
            binary_file = open(preview_path, "rb")  # noqa: SIM115 - closed below, then the file is removed
        except (signing.BadSignature, OSError):
            messages.error(
                request,
                "Nothing was imported: this preview has expired or was already imported. Upload the file again.",
            )
            return HttpResponseRedirect(self._url("import"))
        try:
            with binary_file:
                summary = run_import(binary_file, kind=self.import_kind, dry_run=False, user=request.user)
        except ImportFileError as exc:
            summary = None
            messages.error(request, f"Nothing was imported: {exc}")
        finally:
            os.remove(preview_path)
        if summary is None:
            return HttpResponseRedirect(self._url("import"))
        if summary.has_errors:
            messages.error(request, summary.message())
            return HttpResponseRedirect(self._url("import"))
        messages.success(request, f"{summary.message()} (from {token.get('name') or 'the file'})")
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
