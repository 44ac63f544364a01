"""Who runs the KP and who belongs to it: its chairs per year, its working bodies, and dated
membership events of its participants, each with the sources that state it.

Where sources disagree (two people named as the 2018 chair; a suspension the seed calls
"restrictions imposed"), each account is its own row with its own sources: the pages show them
side by side instead of choosing one.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from meetings.dates import DatePrecision, format_partial_date, human_partial_date, period_start_condition
from meetings.models import Participant, Person, Source

FIRST_YEAR, LAST_YEAR = 2000, 2100


class WorkingBodyKind(models.TextChoices):
    COMMITTEE = "committee", "committee"
    WORKING_GROUP = "working_group", "working group"
    OTHER = "other", "other"


class WorkingBodyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class WorkingBody(models.Model):
    """A committee or working group of the KP, e.g. the Committee on Rules and Procedures."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=WorkingBodyKind.choices)
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkingBodyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "working bodies"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=WorkingBodyKind.values), name="working_body_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class ChairRole(models.TextChoices):
    CHAIR = "chair", "chair"
    VICE_CHAIR = "vice_chair", "vice-chair"


class ChairQuerySet(models.QuerySet):
    def of_the_kp(self):
        return self.filter(body__isnull=True)

    def chronological(self):
        return self.order_by("year", "body__name", "role", "participant__code", "person__name", "pk")


class Chair(models.Model):
    """One account of who chaired (or was vice-chair of) the KP, or one of its working bodies, in a year.

    A year with no row had no chair known to the sources. Two rows for one year and role are two
    accounts that disagree, each with its sources.
    """

    year = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=10, choices=ChairRole.choices, default=ChairRole.CHAIR)
    body = models.ForeignKey(
        WorkingBody,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chairs",
        help_text="Empty for the KP itself; else the committee or working group chaired.",
    )
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="chair_years")
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chair_years",
        help_text="Only where a source names the person.",
    )
    inferred = models.BooleanField(
        "a reading", default=False, help_text="Tick when no source states it in words; say how it is read in the note."
    )
    note = models.TextField(blank=True, help_text="In our own words: what the sources say, and where they differ.")
    sources = models.ManyToManyField(Source, related_name="chairs")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChairQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["year", "role", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=ChairRole.values), name="chair_role_valid"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="chair_year_plausible",
                violation_error_message=f"The year is between {FIRST_YEAR} and {LAST_YEAR}.",
            ),
            models.CheckConstraint(
                condition=Q(inferred=False) | ~Q(note=""),
                name="chair_inferred_has_note",
                violation_error_message="A reading says in the note how it is read from the sources.",
            ),
            # One row per account: the same participant (and person) in the same chair in the same year
            # twice says nothing more. Four conditions, since an empty body or person (NULL) is never
            # equal to another in a unique index on both databases.
            *[
                models.UniqueConstraint(
                    fields=["year", "role", "participant", *extra],
                    condition=condition,
                    name=f"chair_unique_{suffix}",
                    violation_error_message="This chair is already recorded for this year with this person.",
                )
                for extra, condition, suffix in (
                    ([], Q(body__isnull=True, person__isnull=True), "kp"),
                    (["person"], Q(body__isnull=True, person__isnull=False), "kp_person"),
                    (["body"], Q(body__isnull=False, person__isnull=True), "body"),
                    (["body", "person"], Q(body__isnull=False, person__isnull=False), "body_person"),
                )
            ],
        ]
        indexes = [models.Index(fields=["participant", "year"], name="chair_participant_idx")]

    def __str__(self):
        body = self.body.name if self.body_id else "the KP"
        return f"{self.participant} {self.get_role_display()} of {body}, {self.year}"


class MembershipEventKind(models.TextChoices):
    ADMITTED = "admitted", "admitted"
    WITHDREW = "withdrew", "withdrew"
    SUSPENDED = "suspended", "suspended"
    READMITTED = "readmitted", "readmitted"
    RESTRICTIONS_IMPOSED = "restrictions_imposed", "restrictions imposed"
    RESTRICTIONS_LIFTED = "restrictions_lifted", "restrictions lifted"


class MembershipEventQuerySet(models.QuerySet):
    def chronological(self):
        return self.order_by("participant__code", "date", "event", "pk")


class MembershipEvent(models.Model):
    """One account of a dated change in a participant's standing: admitted, suspended, restrictions lifted…"""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="membership_events")
    event = models.CharField(max_length=24, choices=MembershipEventKind.choices)
    date = models.DateField(help_text="For a month or a year, the 1st of the month or 1 January.")
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    inferred = models.BooleanField(
        "a reading", default=False, help_text="Tick when no source states it in words; say how it is read in the note."
    )
    note = models.TextField(blank=True, help_text="Conditions and reasons, in the sources' terms or our own words.")
    sources = models.ManyToManyField(Source, related_name="membership_events")
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipEventQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["participant__code", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(event__in=MembershipEventKind.values), name="membership_event_valid"),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values), name="membership_precision_valid"
            ),
            models.CheckConstraint(
                condition=period_start_condition("date", "date_precision"),
                name="membership_date_matches_precision",
                violation_error_message="A date known to the month is stored as the 1st, "
                "one known to the year as 1 January.",
            ),
            models.CheckConstraint(
                condition=Q(inferred=False) | ~Q(note=""),
                name="membership_inferred_has_note",
                violation_error_message="A reading says in the note how it is read from the sources.",
            ),
            models.UniqueConstraint(
                fields=["participant", "event", "date", "date_precision"],
                name="membership_unique_event",
                violation_error_message="This event of this participant is already recorded on this date.",
            ),
        ]
        indexes = [models.Index(fields=["participant", "date"], name="membership_participant_idx")]

    def __str__(self):
        return f"{self.participant} {self.get_event_display()} {self.date_iso}"

    def get_absolute_url(self):
        return f"{reverse('pages:participant-detail', kwargs={'code': self.participant.code.lower()})}#membership"

    @property
    def date_iso(self):
        return format_partial_date(self.date, self.date_precision)

    @property
    def date_display(self):
        return human_partial_date(self.date, self.date_precision)
