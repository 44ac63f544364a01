"""A participant's standing now, read from its latest membership events in the database.

Standing (current, suspended, former) follows the latest of admitted / withdrew / suspended /
readmitted; restrictions (imposed / lifted) are apart, since a participant under restrictions still
takes part. A participant with no event on record counts as current: the sources name it as taking
part, and its page says that no admission date is on record.
"""

from django.db.models import OuterRef, Subquery

from .models import MembershipEvent, MembershipEventKind

STANDING_EVENTS = [
    MembershipEventKind.ADMITTED,
    MembershipEventKind.WITHDREW,
    MembershipEventKind.SUSPENDED,
    MembershipEventKind.READMITTED,
]
RESTRICTION_EVENTS = [MembershipEventKind.RESTRICTIONS_IMPOSED, MembershipEventKind.RESTRICTIONS_LIFTED]

CURRENT, SUSPENDED, FORMER = "current", "suspended", "former"
STANDING_OF_EVENT = {
    MembershipEventKind.WITHDREW: FORMER,
    MembershipEventKind.SUSPENDED: SUSPENDED,
}


def _latest(events, field):
    latest = MembershipEvent.objects.filter(participant=OuterRef("pk"), event__in=events).order_by("-date", "-pk")
    return Subquery(latest.values(field)[:1])


def with_standing(participants):
    """Annotate `standing_event`, `standing_date`, `standing_precision`, `restriction_event`,
    `restriction_date` and
    `admitted_date`/`admitted_precision` (the earliest admission), as subqueries of one query."""
    first_admission = MembershipEvent.objects.filter(
        participant=OuterRef("pk"), event=MembershipEventKind.ADMITTED
    ).order_by("date", "pk")
    return participants.annotate(
        standing_event=_latest(STANDING_EVENTS, "event"),
        standing_date=_latest(STANDING_EVENTS, "date"),
        standing_precision=_latest(STANDING_EVENTS, "date_precision"),
        restriction_event=_latest(RESTRICTION_EVENTS, "event"),
        restriction_date=_latest(RESTRICTION_EVENTS, "date"),
        admitted_date=Subquery(first_admission.values("date")[:1]),
        admitted_precision=Subquery(first_admission.values("date_precision")[:1]),
    )


def standing_of(participant):
    """current, suspended or former, from an annotated participant."""
    return STANDING_OF_EVENT.get(participant.standing_event, CURRENT)


def under_restrictions(participant):
    """Restrictions imposed and not lifted since, nor ended by a later readmission (Venezuela's return
    in 2016 ended the bar of 2013 without a separate lifting)."""
    if participant.restriction_event != MembershipEventKind.RESTRICTIONS_IMPOSED:
        return False
    readmitted = participant.standing_event == MembershipEventKind.READMITTED
    return not (readmitted and participant.standing_date >= participant.restriction_date)


NOT_YET, RESTRICTED, UNDATED = "not_yet", "restricted", "undated"


def standing_in_year(events, year):
    """A participant's standing at the end of `year`, from its membership events in date order:
    current, suspended, former, restricted (current, under restrictions), not_yet (first admitted
    later) or undated (no admission or change of standing on record at all)."""
    standing_events = [e for e in events if e.event in STANDING_EVENTS]
    if not standing_events:
        return UNDATED
    until = [e for e in events if e.date.year <= year]
    standing = [e for e in until if e.event in STANDING_EVENTS]
    if not standing:
        return NOT_YET
    latest = standing[-1]
    if latest.event in STANDING_OF_EVENT:
        return STANDING_OF_EVENT[latest.event]
    restrictions = [e for e in until if e.event in RESTRICTION_EVENTS]
    imposed = restrictions and restrictions[-1].event == MembershipEventKind.RESTRICTIONS_IMPOSED
    # A readmission after the restrictions were imposed ends them (as under_restrictions reads it).
    ended = imposed and latest.event == MembershipEventKind.READMITTED and latest.date >= restrictions[-1].date
    return RESTRICTED if imposed and not ended else CURRENT
