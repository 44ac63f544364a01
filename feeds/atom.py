"""Atom feeds of new and changed positions: all of them, a participant's, an issue's (issue 16).

Each entry is a position, newest change first, linking to its permalink; its id is the permalink, so a
corrected position comes back as an update of the same entry, not as a new one. One query for the
entries (the first time each was written is a subquery on its history), one for the feed's subject.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Min, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from meetings.models import Participant
from positions.models import Issue, Position

ENTRIES = 50


def newest_changes(positions):
    """The ENTRIES positions changed last, each with `first_written` (its first history record, if any)."""
    history = Position.history.model.objects.filter(id=OuterRef("pk")).values("id")
    first = history.annotate(first=Min("history_date")).values("first")
    return positions.for_listing().annotate(first_written=Subquery(first[:1])).order_by("-updated_at", "-pk")[:ENTRIES]


class PositionFeed(Feed):
    feed_type = Atom1Feed
    title = "kptracker: new and changed positions"
    subtitle = "Positions in the Kimberley Process record, newest change first, each linking to its permalink."

    def link(self, obj=None):
        return reverse("pages:position-list")

    def items(self, obj=None):
        return newest_changes(Position.objects.all())

    def item_title(self, position):
        what = position.get_stance_display() if position.stance else position.get_act_display()
        if position.proposal_id:
            on = position.proposal.text
        elif position.meeting_id:
            on = position.meeting.title
        else:
            on = position.working_body.name if position.working_body_id else ""
        return f"{position.participant.name} {what}: {on}" if on else f"{position.participant.name} {what}"

    def item_description(self, position):
        parts = []
        if position.quote:
            parts.append(f"“{position.quote}”")
        if position.note:
            parts.append(position.note)
        where = position.meeting.title if position.meeting_id else ""
        parts.append(f"Evidence: {position.evidence}. Source: {position.source.title}. {where}".strip())
        # Atom1Feed declares the summary HTML: the record's words are escaped, so markup in them is text.
        return "".join(format_html("<p>{}</p>", part) for part in parts)

    def item_link(self, position):
        return position.get_absolute_url()

    def item_updateddate(self, position):
        return position.updated_at

    def item_pubdate(self, position):
        return position.first_written or position.updated_at

    def item_categories(self, position):
        return [c for c in (position.stance or position.act, position.evidence) if c]


class ParticipantFeed(PositionFeed):
    def get_object(self, request, code):
        return get_object_or_404(Participant, code=code.upper())

    def title(self, participant):
        return f"kptracker: {participant.name}'s new and changed positions"

    def link(self, participant):
        return participant.get_absolute_url()

    def items(self, participant):
        return newest_changes(Position.objects.filter(participant=participant))


class IssueFeed(PositionFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Issue, slug=slug.lower())

    def title(self, issue):
        return f"kptracker: new and changed positions on {issue.title}"

    def link(self, issue):
        return issue.get_absolute_url()

    def items(self, issue):
        return newest_changes(Position.objects.filter(agenda_item__issue=issue))
