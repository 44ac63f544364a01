from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from kptracker.params import page_parameters

from . import ratelimit
from .forms import ErrorReportForm


def _safe_page(request, page):
    if page and page.startswith("/") and url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()}):
        return page[:500]
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
@page_parameters(also=["page"])
def report_error(request):
    """A short form: what is wrong, a source if any, an optional contact. Stored for editors."""
    if request.method == "POST":
        if not ratelimit.allow(request):
            return render(request, "reports/too_many.html", status=429)
        form = ErrorReportForm(request.POST)
        if form.is_valid():
            if not form.is_bot:
                report = form.save(commit=False)
                report.client = ratelimit.client_key(request)
                report.save()
            thanks = reverse("reports:thanks")
            page = _safe_page(request, form.cleaned_data.get("page", ""))
            # The page is one parameter: its own "?" and "&" are encoded, not read as the thanks page's.
            return redirect(f"{thanks}?{urlencode({'page': page})}" if page else thanks)
    else:
        form = ErrorReportForm(initial={"page": _safe_page(request, request.GET.get("page", ""))})
    # The form's page, bound (as sent) or not (as linked), checked again before it becomes a link.
    page = _safe_page(request, form["page"].value() or "")
    return render(request, "reports/report_form.html", {"form": form, "page": page})


@page_parameters(also=["page"])
def thanks(request):
    return render(request, "reports/thanks.html", {"page": _safe_page(request, request.GET.get("page", ""))})
