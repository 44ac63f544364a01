"""Who runs the KP and who belongs to it: its chairs per year, its working bodies, and dated
membership events of its participants, each with the sources that state it.

Where sources disagree (two people named as the 2018 chair; a suspension the seed calls
"restrictions imposed"), each account is its own row with its own sources: the pages show them
side by side instead of choosing one.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from meetings.dates import DatePrecision, format_partial_date, human_partial_date, period_start_condition
from meetings.models import ISO_ALPHA3_REGEX, Participant, Person, Source
from meetings.quotes import quote_in_source

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


class GroupManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Group(models.Model):
    """A coalition a source names, with its members as that source gives them: the "Western bloc" of
    the 2023 JCK article. The words naming it are quoted from the stored source, so a group is never
    our own grouping; a second source's membership would be a second group row."""

    name = models.CharField(max_length=200, unique=True, help_text="As the source names it, e.g. 'Western bloc'.")
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="In our own words: who names it, and how firmly.")
    members = models.ManyToManyField(Participant, related_name="named_groups")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="named_groups")
    source_location = models.CharField(
        "where in the source", max_length=200, blank=True, help_text="e.g. 'paragraph 7'."
    )
    quote = models.TextField(help_text="The source's words naming the group and its members, verbatim.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupManager()
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(quote=""), name="group_quote_required", violation_error_message="Quote the source's words."
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("pages:group-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.source_id and self.quote and not quote_in_source(self.quote, self.source.text):
            raise ValidationError({"quote": "These words are not in the source's stored text."})


class MemberStateManager(models.Manager):
    def get_by_natural_key(self, organisation_code, iso_code):
        return self.get(organisation__code=organisation_code, iso_code=iso_code)


class MemberStateQuerySet(models.QuerySet):
    def in_year(self, year):
        """Member states during any part of `year`."""
        return self.filter(joined__lte=datetime.date(year, 12, 31)).filter(
            Q(left__isnull=True) | Q(left__gte=datetime.date(year, 1, 1))
        )


class MemberState(models.Model):
    """A state a regional organisation speaks for in the KP (the EU's member states), with the dates it
    belonged: the map shows the organisation's stance on them."""

    organisation = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="member_states")
    name = models.CharField(max_length=100)
    iso_code = models.CharField(
        "ISO 3166 code", max_length=3, help_text="Three capital letters, e.g. FRA: how the map finds its shape."
    )
    joined = models.DateField()
    left = models.DateField(null=True, blank=True)
    sources = models.ManyToManyField(Source, related_name="member_states")
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberStateManager.from_queryset(MemberStateQuerySet)()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["organisation__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "iso_code"],
                name="member_state_unique",
                violation_error_message="This state is already recorded as a member of this organisation.",
            ),
            models.CheckConstraint(
                condition=Q(iso_code__regex=ISO_ALPHA3_REGEX),
                name="member_state_iso_alpha3",
                violation_error_message="The ISO code is three capital letters, e.g. FRA.",
            ),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=F("joined")),
                name="member_state_left_after_joining",
                violation_error_message="A state leaves after it joins.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation.code})"

    def natural_key(self):
        return (self.organisation.code, self.iso_code)

    natural_key.dependencies = ["meetings.participant"]
