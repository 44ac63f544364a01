"""/about/: what the record covers, from which kinds of sources, where it is thin, how to report a gap.

Every figure is counted in the database when the page is built (and then cached with the others), so
the page can never drift from the record it describes.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.shortcuts import render

from governance.models import Chair, MembershipEvent
from meetings.models import Meeting, Participant, Source
from positions.models import Evidence, Position, Proposal, ProposalAccount

from .cache import cached_page


def _by_year(queryset, date_field):
    rows = queryset.order_by().annotate(y=ExtractYear(date_field)).values_list("y").annotate(n=Count("pk"))
    return dict(rows)


@cached_page()
def about_data(request):
    meetings = Meeting.objects.aggregate(
        total=Count("pk"),
        plenaries=Count("pk", filter=Q(kind="plenary")),
        intersessionals=Count("pk", filter=Q(kind="intersessional")),
        special=Count("pk", filter=Q(kind="special_session")),
        cancelled=Count("pk", filter=Q(status="cancelled")),
    )
    meetings["without_positions"] = Meeting.objects.filter(
        ~Exists(Position.objects.filter(meeting=OuterRef("pk")))
    ).count()
    first = Meeting.objects.order_by("start_date").values_list("start_date", flat=True).first()
    last = Meeting.objects.order_by("-start_date").values_list("start_date", flat=True).first()
    participants = Participant.objects.aggregate(
        participants=Count("pk", filter=Q(has_veto=True)),
        observers=Count("pk", filter=Q(kind__in=["civil_society_observer", "industry_observer"])),
        others=Count("pk", filter=Q(kind="other")),
    )
    admitted = MembershipEvent.objects.filter(event="admitted").values("participant").distinct().count()
    positions = Position.objects.aggregate(
        total=Count("pk"),
        quoted=Count("pk", filter=Q(evidence=Evidence.QUOTED)),
        inferred=Count("pk", filter=Q(evidence=Evidence.INFERRED)),
        cited=Count("pk", filter=Q(evidence=Evidence.CITED)),
    )
    sources = Source.objects.aggregate(
        total=Count("pk"),
        stored=Count("pk", filter=~Q(text="")),
        cited=Count("pk", filter=Q(text="")),
    )
    publishers = (
        Source.objects.filter(text="")
        .order_by()
        .values("publisher")
        .annotate(n=Count("pk"))
        .order_by("-n", "publisher")
    )
    chair_years = set(Chair.objects.of_the_kp().filter(role="chair").values_list("year", flat=True))
    this_year = datetime.date.today().year
    start_year = first.year if first else this_year
    years_without_chair = [y for y in range(start_year, this_year + 1) if y not in chair_years]
    meetings_by_year = _by_year(Meeting.objects.all(), "start_date")
    positions_by_year = _by_year(Position.objects.filter(meeting__isnull=False), "meeting__start_date")
    proposals_by_year = _by_year(Proposal.objects.all(), "agenda_item__meeting__start_date")
    coverage = [
        {
            "year": y,
            "meetings": meetings_by_year.get(y, 0),
            "proposals": proposals_by_year.get(y, 0),
            "positions": positions_by_year.get(y, 0),
        }
        for y in range(start_year, (last.year if last else this_year) + 1)
    ]
    context = {
        "meetings": meetings,
        "first": first,
        "last": last,
        "participants": participants,
        "admitted": admitted,
        "positions": positions,
        "proposals": Proposal.objects.count(),
        "accounts": ProposalAccount.objects.count(),
        "memberships": MembershipEvent.objects.count(),
        "chairs": Chair.objects.count(),
        "sources": sources,
        "publishers": publishers,
        "years_without_chair": years_without_chair,
        "coverage": coverage,
    }
    return render(request, "pages/about_data.html", context)
