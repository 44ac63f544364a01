import logging

from django.db import DatabaseError, InterfaceError, connection
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from kptracker.middleware import RETRY_AFTER_SECONDS
from positions.models import AgendaItem, Position
from positions.selectors import (
    stacked_chart,
    stance_counts_by_meeting,
    stance_counts_by_year,
    stance_order_expression,
)

from .caching import cached_page
from .filters import MeetingFilter
from .models import Meeting, Participant, Source
from .pagination import paginate

logger = logging.getLogger(__name__)


@cached_page(MeetingFilter)
def timeline(request):
    """Every meeting in time order, grouped by year, with agenda chips, counts and a stacked chart.

    The counts and the chart follow the filters: with participants chosen they count those
    participants' positions, with issues chosen the positions (and agenda items) on those issues.
    """
    filterset = MeetingFilter(request.GET or None, queryset=Meeting.objects.with_chair().chronological())
    valid = not filterset.is_bound or filterset.is_valid()
    selected = filterset.qs if valid else Meeting.objects.none()
    agenda = AgendaItem.objects.select_related("issue").order_by("issue__title")
    if valid and (issues := filterset.chosen("issue")):
        agenda = agenda.filter(issue__in=issues)
    meetings = list(selected.prefetch_related(Prefetch("agenda_items", queryset=agenda)))
    positions = filterset.positions(Position.objects.all()) if valid else Position.objects.none()
    counts = stance_counts_by_meeting(positions)
    for meeting in meetings:
        meeting.stance_counts = counts.get(meeting.pk, {})
        meeting.positions_total = sum(meeting.stance_counts.values())
        meeting.blocks_total = meeting.stance_counts.get("blocks", 0)
    of_whom = _of_whom(filterset) if valid else ""
    chart = stacked_chart(
        [m.short_label for m in meetings],
        [m.stance_counts for m in meetings],
        "Positions per meeting, by stance" + (f", {of_whom}" if of_whom else ""),
    )
    return render(
        request,
        "meetings/timeline.html",
        {"filter": filterset, "meetings": meetings, "chart": chart, "of_whom": of_whom},
    )


def _of_whom(filterset):
    """'of Russian Federation on Ukraine' when the counts are narrowed to chosen participants or issues."""
    participants = " or ".join(p.name for p in filterset.chosen("participant"))
    issues = " or ".join(i.title for i in filterset.chosen("issue"))
    return " ".join(part for part in (participants and f"of {participants}", issues and f"on {issues}") if part)


@cached_page()
def meeting_detail(request, slug):
    positions = Position.objects.select_related("participant", "speaker", "source", "reported_by").order_by(
        stance_order_expression(), "participant__name"
    )
    agenda = AgendaItem.objects.select_related("issue").prefetch_related(Prefetch("positions", queryset=positions))
    meeting = get_object_or_404(
        Meeting.objects.with_chair().prefetch_related(
            Prefetch("agenda_items", queryset=agenda.order_by("issue__title"))
        ),
        slug=slug,
    )
    sources = Source.objects.of_meeting(meeting).defer("text", "notes")
    ordered = Meeting.objects.chronological().only("slug", "title", "start_date", "kind")
    previous_meeting = ordered.filter(
        Q(start_date__lt=meeting.start_date) | Q(start_date=meeting.start_date, slug__lt=meeting.slug)
    ).last()
    next_meeting = ordered.filter(
        Q(start_date__gt=meeting.start_date) | Q(start_date=meeting.start_date, slug__gt=meeting.slug)
    ).first()
    return render(
        request,
        "meetings/meeting_detail.html",
        {"meeting": meeting, "sources": sources, "previous_meeting": previous_meeting, "next_meeting": next_meeting},
    )


@cached_page()
def participant_list(request):
    participants = Participant.objects.annotate(
        positions_total=Count("positions"),
        blocks_total=Count("positions", filter=Q(positions__stance="blocks")),
    ).order_by("-has_veto", "name")
    return render(request, "meetings/participant_list.html", {"participants": participants})


@cached_page(also=["page"])
def participant_detail(request, code):
    participant = get_object_or_404(Participant, code=code.upper())
    positions = (
        Position.objects.filter(participant=participant)
        .for_listing()
        .order_by("-agenda_item__meeting__start_date", "agenda_item__issue__title", "stance")
    )
    page = paginate(request, positions)
    by_year = stance_counts_by_year(Position.objects.filter(participant=participant))
    chart = stacked_chart(
        [str(year) for year in by_year], list(by_year.values()), f"Positions of {participant.name} by year and stance"
    )
    return render(
        request,
        "meetings/participant_detail.html",
        {"participant": participant, "page": page, "chart": chart},
    )


@cached_page(also=["page"])
def source_detail(request, pk):
    source = get_object_or_404(Source.objects.prefetch_related("meetings"), pk=pk)
    page = paginate(request, source.positions.for_listing().order_by("agenda_item__meeting__start_date", "pk"))
    return render(request, "meetings/source_detail.html", {"source": source, "page": page})


@require_safe
def health(request):
    """For load balancers, and the benchmark's baseline: one trivial query, "ok", or a 503 naming what is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, InterfaceError) as exception:
        logger.warning("Health check: database unavailable: %s", str(exception).strip()[:300])
        response = HttpResponse("database: unavailable\n", status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
