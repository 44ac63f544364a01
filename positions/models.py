"""Issues followed across meetings, agenda items and the positions participants took.

Popolo models a vote as a VoteEvent with a Vote per voter. The KP decides by consensus, so
there is rarely a vote: what matters is who supported, opposed or blocked an agenda item,
in their own words or as someone else reported it, and the evidence for each.
"""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from meetings.models import Meeting, Participant, Person, Source


class IssueManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Issue(models.Model):
    """A recurring agenda topic, e.g. the definition of conflict diamonds."""

    title = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IssueManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("pages:issue-detail", kwargs={"slug": self.slug})


class Outcome(models.TextChoices):
    ADOPTED = "adopted", "adopted"
    NO_CONSENSUS = "no_consensus", "no consensus"
    NOT_DISCUSSED = "not_discussed", "not discussed (kept off the agenda)"
    DEFERRED = "deferred", "deferred"
    NOTED = "noted", "noted"
    ONGOING = "ongoing", "ongoing"


class AgendaItemQuerySet(models.QuerySet):
    def chronological(self):
        """Oldest meeting first, then by issue: an issue's trajectory, agenda_items.csv."""
        return self.order_by("meeting__start_date", "meeting__slug", "issue__slug")


class AgendaItemManager(models.Manager.from_queryset(AgendaItemQuerySet)):
    def get_by_natural_key(self, meeting_slug, issue_slug):
        return self.get(meeting__slug=meeting_slug, issue__slug=issue_slug)


class AgendaItem(models.Model):
    """An issue as it came up at one meeting, with its outcome (empty where no source reports it)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="agenda_items")
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, blank=True, help_text="Leave empty when no source reports it."
    )
    outcome_note = models.TextField(blank=True, help_text="What the sources say of the outcome, or how it is inferred.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgendaItemManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__start_date", "issue__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "issue"],
                name="agenda_item_unique_per_meeting",
                violation_error_message="This issue is already on this meeting's agenda.",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values), name="agenda_item_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"{self.issue} at {self.meeting}"

    def natural_key(self):
        return self.meeting.natural_key() + self.issue.natural_key()

    natural_key.dependencies = ["meetings.meeting", "positions.issue"]


class Stance(models.TextChoices):
    SUPPORTS = "supports", "supports"
    OPPOSES = "opposes", "opposes"
    BLOCKS = "blocks", "blocks"
    ABSTAINS = "abstains", "abstains"
    NEUTRAL = "neutral", "neutral"
    PROTESTS = "protests", "protests (walk-out or boycott)"


class Attribution(models.TextChoices):
    STATED = "stated", "stated (own words)"
    REPORTED = "reported", "reported (by someone else)"


class PositionQuerySet(models.QuerySet):
    def for_listing(self):
        """Everything a list row or an export shows, in one query."""
        return self.select_related(
            "agenda_item__meeting",
            "agenda_item__issue",
            "participant",
            "reported_by",
            "speaker",
            "source",
        )

    def blocks(self):
        return self.filter(stance=Stance.BLOCKS)

    def newest_first(self):
        """The order of the position list, positions.csv and a participant's page: newest meeting first."""
        return self.order_by(
            "-agenda_item__meeting__start_date", "agenda_item__issue__title", "participant__name", "pk"
        )

    def as_entered_by_meeting(self):
        """A source's page: oldest meeting first, then in the order the positions were entered."""
        return self.order_by("agenda_item__meeting__start_date", "pk")

    def chronological(self):
        """The data package's order: oldest meeting first, then by natural keys."""
        return self.order_by(
            "agenda_item__meeting__start_date",
            "agenda_item__meeting__slug",
            "agenda_item__issue__slug",
            "participant__code",
            "pk",
        )


class PositionManager(models.Manager.from_queryset(PositionQuerySet)):
    def get_by_natural_key(self, meeting_slug, issue_slug, participant_code, stance, source_slug):
        return self.get(
            agenda_item__meeting__slug=meeting_slug,
            agenda_item__issue__slug=issue_slug,
            participant__code=participant_code,
            stance=stance,
            source__slug=source_slug,
        )


class Position(models.Model):
    """A participant's stance on an agenda item, with the source and quote that show it."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="positions")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="positions")
    stance = models.CharField(max_length=10, choices=Stance.choices)
    attribution = models.CharField(
        max_length=10,
        choices=Attribution.choices,
        help_text="Stated: in the participant's own words. Reported: someone else says so.",
    )
    reported_by = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_positions",
        help_text="For a reported position: the participant who reported it, if it was one.",
    )
    reported_by_outlet = models.CharField(
        max_length=200, blank=True, help_text="For a reported position: the outlet or author that reported it."
    )
    speaker = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        help_text="Who spoke, where the source names them.",
    )
    quote = models.TextField(help_text="Verbatim from the source.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="positions")
    quote_verified = models.BooleanField(
        default=False,
        help_text="Set on save: the quote was found in the source's text (ignoring spacing and quote marks).",
    )
    source_location = models.CharField(
        "where in the source", max_length=200, blank=True, help_text="e.g. 'paragraph 4'."
    )
    note = models.TextField(blank=True, help_text="Context a reader needs, e.g. how a stance is inferred.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PositionManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item__meeting__start_date", "agenda_item__issue__title", "participant__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "participant", "stance", "source"],
                name="position_unique_per_source",
                violation_error_message="This source already records this participant's stance on this item.",
            ),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="position_stance_valid"),
            models.CheckConstraint(condition=Q(attribution__in=Attribution.values), name="position_attribution_valid"),
            models.CheckConstraint(
                condition=Q(attribution=Attribution.REPORTED)
                | (Q(reported_by__isnull=True) & Q(reported_by_outlet="")),
                name="position_reported_by_only_when_reported",
                violation_error_message="Only a reported position names who reported it.",
            ),
            models.CheckConstraint(
                condition=Q(attribution=Attribution.STATED) | Q(reported_by__isnull=False) | ~Q(reported_by_outlet=""),
                name="position_reported_names_reporter",
                violation_error_message="A reported position names who reported it: a participant or an outlet.",
            ),
            models.CheckConstraint(
                condition=~Q(reported_by=F("participant")),
                name="position_not_reported_by_itself",
                violation_error_message="A participant reporting its own position is a stated position.",
            ),
            models.CheckConstraint(
                condition=~Q(quote=""), name="position_quote_required", violation_error_message="Quote the source."
            ),
        ]
        indexes = [
            # The blocking matrix: count meetings per (participant, issue) for some stances.
            models.Index(fields=["stance", "participant", "agenda_item"], name="position_matrix_idx"),
        ]

    def __str__(self):
        if not (self.participant_id and self.agenda_item_id):
            return f"position ({self.stance or 'new'})"
        return f"{self.participant} {self.stance} {self.agenda_item.issue} ({self.agenda_item.meeting})"

    def natural_key(self):
        return self.agenda_item.natural_key() + (self.participant.code, self.stance, self.source.slug)

    natural_key.dependencies = [
        "positions.agendaitem",
        "meetings.participant",
        "meetings.source",
    ]

    def get_absolute_url(self):
        return f"{self.agenda_item.meeting.get_absolute_url()}#position-{self.pk}"

    @property
    def reporter_display(self):
        if self.reported_by_id:
            return self.reported_by.name
        return self.reported_by_outlet
