from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from meetings.caching import cached_page
from meetings.pagination import paginate

from .filters import MatrixFilter, PositionFilter
from .models import AgendaItem, Issue, Position
from .selectors import STANCE_ORDER, blocking_matrix, stacked_chart, stance_counts_by_meeting


@cached_page()
def issue_list(request):
    issues = Issue.objects.annotate(
        meetings_total=Count("agenda_items", distinct=True),
        positions_total=Count("agenda_items__positions"),
        blocks_total=Count("agenda_items__positions", filter=Q(agenda_items__positions__stance="blocks")),
    )
    return render(request, "positions/issue_list.html", {"issues": issues})


@cached_page()
def issue_detail(request, slug):
    """An issue's trajectory: per meeting the outcome and who supported, opposed, blocked or protested."""
    issue = get_object_or_404(Issue, slug=slug)
    items = list(
        AgendaItem.objects.filter(issue=issue)
        .select_related("meeting")
        .order_by("meeting__start_date", "meeting__slug")
    )
    who = (
        Position.objects.filter(agenda_item__issue=issue)
        .order_by("participant__name")
        .values_list("agenda_item_id", "stance", "participant__code", "participant__name")
        .distinct()
    )
    by_item = {item.pk: {} for item in items}
    for item_id, stance, code, name in who:
        by_item[item_id].setdefault(stance, []).append({"code": code, "name": name})
    for item in items:
        item.issue = issue  # every item is this issue's; the outcome chip names it without a query per item
        item.who = [(stance, by_item[item.pk][stance]) for stance in STANCE_ORDER if stance in by_item[item.pk]]
    counts = stance_counts_by_meeting(Position.objects.filter(agenda_item__issue=issue))
    chart = stacked_chart(
        [item.meeting.short_label for item in items],
        [counts.get(item.meeting_id, {}) for item in items],
        f"Positions on {issue.title}, per meeting",
    )
    return render(request, "positions/issue_detail.html", {"issue": issue, "items": items, "chart": chart})


@cached_page(MatrixFilter)
def matrix(request):
    # Always bound, so that the default (blocks only) applies to a bare /matrix/ too.
    filterset = MatrixFilter(request.GET, queryset=Position.objects.all())
    data = blocking_matrix(filterset) if filterset.is_valid() else None
    sections = []
    if data:
        sections = [("Participants (hold a veto)", data["veto_rows"]), ("Observers (no veto)", data["observer_rows"])]
    return render(request, "positions/matrix.html", {"filter": filterset, "matrix": data, "matrix_sections": sections})


@cached_page(PositionFilter, also=["page"])
def position_list(request):
    filterset = PositionFilter(
        request.GET or None,
        also=["page"],
        queryset=Position.objects.for_listing().order_by(
            "-agenda_item__meeting__start_date", "agenda_item__issue__title", "participant__name", "pk"
        ),
    )
    valid = not filterset.is_bound or filterset.is_valid()
    page = paginate(request, filterset.qs if valid else Position.objects.none())
    return render(request, "positions/position_list.html", {"filter": filterset, "page": page})
