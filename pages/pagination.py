from django.core.paginator import InvalidPage, Paginator
from django.http import Http404

PER_PAGE = 50


def paginate(request, queryset, per_page=PER_PAGE):
    """The requested page of a queryset; page=frog or page=99999 is a 404, not a 500 or a silent page 1."""
    paginator = Paginator(queryset, per_page)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except InvalidPage as exc:
        raise Http404(f"There is no page {str(number)[:20]!r} here.") from exc
