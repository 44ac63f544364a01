"""Participants, people, sources and meetings of the Kimberley Process.

Names follow Popolo and Open Civic Data where they fit (Organization → Participant,
Person, Event → Meeting with its ``status``); what consensus decision-making needs on top
(who holds a veto, date precision, attribution of positions) is added in plain words.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .dates import DatePrecision, format_partial_date, human_partial_date, period_start_condition

ISO_ALPHA3_REGEX = r"^[A-Z]{3}$"


class ParticipantKind(models.TextChoices):
    GOVERNMENT = "government", "government"
    REGIONAL_ORGANISATION = "regional_organisation", "regional organisation"
    CIVIL_SOCIETY_OBSERVER = "civil_society_observer", "civil society observer"
    INDUSTRY_OBSERVER = "industry_observer", "industry observer"
    OTHER = "other", "other"


class ParticipantQuerySet(models.QuerySet):
    def matching(self, text):
        """Participants whose code, name or an alias is `text` (case and surrounding spaces ignored)."""
        text = (text or "").strip()
        if not text:
            return self.none()
        return self.filter(Q(code__iexact=text) | Q(name__iexact=text) | Q(aliases__name__iexact=text)).distinct()

    def veto_holders(self):
        return self.filter(has_veto=True)

    def observers(self):
        return self.filter(has_veto=False)


class ParticipantManager(models.Manager.from_queryset(ParticipantQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Participant(models.Model):
    """A KP participant (a state or the EU, which hold a veto) or an observer (a voice, no veto)."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(
        max_length=12,
        unique=True,
        help_text=(
            "ISO 3166-1 alpha-3 for states (RUS, CHN, USA), EU for the European Union, "
            "a short acronym for observers (KPCSC, WDC). Capital letters."
        ),
    )
    kind = models.CharField(max_length=32, choices=ParticipantKind.choices)
    has_veto = models.BooleanField(
        "holds a veto",
        default=False,
        help_text="Only KP participants take part in consensus; observers have a voice, not a veto.",
    )
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    notes = models.TextField(
        blank=True, help_text="Where a fact comes from public record rather than the sources, say so here."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ParticipantKind.values),
                name="participant_kind_valid",
                violation_error_message="Choose a kind from the list.",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9]{1,11}$"),
                name="participant_code_format",
                violation_error_message="The code is 2 to 12 capital letters or digits, starting with a letter.",
            ),
            models.CheckConstraint(
                condition=Q(has_veto=False)
                | Q(kind__in=[ParticipantKind.GOVERNMENT, ParticipantKind.REGIONAL_ORGANISATION]),
                name="participant_veto_only_for_members",
                violation_error_message="Observers have a voice, not a veto: only governments and regional "
                "organisations can hold one.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def get_absolute_url(self):
        return reverse("pages:participant-detail", kwargs={"code": self.code.lower()})

    @property
    def is_observer(self):
        return not self.has_veto


class ParticipantAliasManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class ParticipantAlias(models.Model):
    """Another name for a participant ("Russian Federation", "DRC"), so that imports match either."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, unique=True)

    objects = ParticipantAliasManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "participant aliases"

    def __str__(self):
        return f"{self.name} → {self.participant.code}"

    def natural_key(self):
        return (self.name,)

    natural_key.dependencies = ["meetings.participant"]


class PersonManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Person(models.Model):
    """Someone who chaired or spoke: a KP Chair, a delegate, an observer's representative."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    role = models.CharField(max_length=300, blank=True, help_text="As the source gives it, e.g. 'President'.")
    affiliation = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class SourceKind(models.TextChoices):
    NEWS = "news", "news"
    COMMUNIQUE = "communique", "communiqué"
    STATEMENT = "statement", "statement"
    OTHER = "other", "other"


class SourceQuerySet(models.QuerySet):
    def with_stored(self):
        """`stored`: whether the full text is kept (else the page is only cited), without loading the text."""
        return self.annotate(stored=models.ExpressionWrapper(~Q(text=""), output_field=models.BooleanField()))

    def of_meeting(self, meeting):
        """A meeting's sources: its own and every one its positions and accounts of decisions cite, each
        once, in one query."""
        own = Meeting.sources.through.objects.filter(meeting=meeting).values("source_id")
        cited = Source.objects.filter(positions__meeting=meeting).values("pk")
        accounts = Source.objects.filter(proposal_accounts__proposal__agenda_item__meeting=meeting).values("pk")
        return self.filter(Q(pk__in=own) | Q(pk__in=cited) | Q(pk__in=accounts))


class SourceManager(models.Manager.from_queryset(SourceQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(models.Model):
    """A document the record is built from: its full text kept verbatim, or, for a public page whose
    words we may not copy, only its citation (address, title, publisher, date) and a note in our
    own words. Only a source with a text can be quoted."""

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=100, unique=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_date = models.DateField(null=True, blank=True)
    published_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    url = models.URLField(max_length=1000, blank=True)
    kind = models.CharField(max_length=16, choices=SourceKind.choices, default=SourceKind.NEWS)
    text = models.TextField(
        "full text",
        blank=True,
        help_text="The document verbatim. Leave empty for a page cited but not stored: then say in the notes, "
        "in our own words, what it states.",
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SourceKind.values), name="source_kind_valid"),
            models.CheckConstraint(
                condition=~Q(text="") | (~Q(url="") & ~Q(notes="")),
                name="source_cited_has_address_and_note",
                violation_error_message="A source whose text is not stored is cited by its address, with a note "
                "in our own words on what it states.",
            ),
            models.CheckConstraint(
                condition=Q(published_precision__in=DatePrecision.values),
                name="source_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(published_date__isnull=True)
                | period_start_condition("published_date", "published_precision"),
                name="source_date_matches_precision",
                violation_error_message="A date known to the month is stored as the 1st, "
                "one known to the year as 1 January.",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("pages:source-detail", kwargs={"pk": self.pk})

    @property
    def is_stored(self):
        """Whether its full text is kept (so it can be quoted), or it is only cited."""
        return bool(self.text)

    @property
    def published_iso(self):
        return format_partial_date(self.published_date, self.published_precision)

    @property
    def published_display(self):
        return human_partial_date(self.published_date, self.published_precision)


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", "plenary"
    INTERSESSIONAL = "intersessional", "intersessional"
    SPECIAL_SESSION = "special_session", "special session"


class MeetingStatus(models.TextChoices):
    # Open Civic Data's Event.status, narrowed to what the KP record needs.
    HELD = "held", "held"
    CANCELLED = "cancelled", "cancelled"
    PLANNED = "planned", "planned"


class MeetingQuerySet(models.QuerySet):
    def with_chair(self):
        return self.select_related("chair", "chair_person")

    def chronological(self):
        return self.order_by("start_date", "kind", "slug")


class MeetingManager(models.Manager.from_queryset(MeetingQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Meeting(models.Model):
    """A plenary, an intersessional or a special session of the KP."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=MeetingKind.choices)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.HELD)
    number = models.PositiveSmallIntegerField(
        "ordinal number", null=True, blank=True, help_text="Where known: the Nov 2024 Dubai plenary is the 21st."
    )
    start_date = models.DateField(help_text="For a month or a year, the 1st of the month or 1 January.")
    end_date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How precisely the sources date the meeting: 'last November' is a month.",
    )
    city = models.CharField(max_length=100, blank=True)
    host_country = models.CharField(
        max_length=3, blank=True, help_text="ISO 3166-1 alpha-3, e.g. ARE. Empty when virtual or unknown."
    )
    is_virtual = models.BooleanField("virtual", default=False)
    chair = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="chaired_meetings"
    )
    chair_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="chaired_meetings"
    )
    theme = models.CharField(max_length=300, blank=True)
    participants_count = models.PositiveIntegerField(null=True, blank=True)
    countries_count = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    notes = models.TextField(
        blank=True, help_text="Where a field was filled from public record rather than the sources, say so here."
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="meetings")
    # Ties between meetings, where the sources give them.
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text="The meeting this one was held within: a special session during an intersessional.",
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="A cancelled meeting whose business this one took over. Say in the notes how the sources show it.",
    )
    ties_inferred = models.BooleanField(
        "ties are a reading",
        default=False,
        help_text="Tick when the sources do not state the ties above in words and they are a reading of them; "
        "say how in the notes.",
    )
    planned_city = models.CharField(
        max_length=100, blank=True, help_text="Where it was planned to be held, if it moved or went virtual."
    )
    planned_host_country = models.CharField(
        max_length=3, blank=True, help_text="The planned host country, ISO 3166-1 alpha-3, e.g. RUS."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingManager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["start_date", "kind", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="meeting_end_not_before_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values), name="meeting_precision_valid"
            ),
            models.CheckConstraint(
                condition=period_start_condition("start_date", "date_precision"),
                name="meeting_start_matches_precision",
                violation_error_message="A start date known to the month is stored as the 1st, "
                "one known to the year as 1 January.",
            ),
            models.CheckConstraint(
                condition=Q(host_country="") | Q(host_country__regex=ISO_ALPHA3_REGEX),
                name="meeting_host_country_alpha3",
                violation_error_message="The host country is an ISO 3166-1 alpha-3 code in capitals, e.g. ARE.",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1),
                name="meeting_number_positive",
                violation_error_message="The ordinal number starts at 1.",
            ),
            models.CheckConstraint(
                condition=Q(planned_host_country="") | Q(planned_host_country__regex=ISO_ALPHA3_REGEX),
                name="meeting_planned_country_alpha3",
                violation_error_message="The planned host country is an ISO 3166-1 alpha-3 code in capitals, e.g. RUS.",
            ),
            models.CheckConstraint(
                condition=Q(part_of__isnull=True) | ~Q(part_of=F("pk")),
                name="meeting_not_part_of_itself",
                violation_error_message="A meeting cannot be held within itself.",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(replaces=F("pk")),
                name="meeting_does_not_replace_itself",
                violation_error_message="A meeting cannot replace itself.",
            ),
            models.UniqueConstraint(
                fields=["kind", "number"],
                name="meeting_unique_kind_number",
                violation_error_message="Another meeting of this kind already has this number.",
            ),
        ]
        indexes = [models.Index(fields=["start_date"], name="meeting_start_idx")]

    def __str__(self):
        return f"{self.title} ({self.start_date:%Y})" if self.start_date else self.title

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        # A meeting held within one that is held within it, or replacing its own replacement, is a loop.
        for field in ("part_of", "replaces"):
            other, seen = getattr(self, field), set()
            while other is not None and other.pk not in seen:
                if self.pk is not None and other.pk == self.pk:
                    raise ValidationError({field: "That would make a loop: this meeting is already tied to it."})
                seen.add(other.pk)
                other = getattr(other, field)

    def get_absolute_url(self):
        return reverse("pages:meeting-detail", kwargs={"slug": self.slug})

    @property
    def start_iso(self):
        return format_partial_date(self.start_date, self.date_precision)

    @property
    def end_iso(self):
        return format_partial_date(self.end_date, self.date_precision)

    @property
    def dates_display(self):
        start = human_partial_date(self.start_date, self.date_precision)
        if not self.end_date or self.end_date == self.start_date:
            return start
        return f"{start} – {human_partial_date(self.end_date, self.date_precision)}"

    @property
    def short_label(self):
        """A compact name for charts and matrix columns: 'Nov 2024 plenary', '2022 plenary'."""
        when = human_partial_date(self.start_date, "year" if self.date_precision == "year" else "month")
        return f"{when} {self.get_kind_display()}"

    @property
    def planned_place_display(self):
        return ", ".join(part for part in (self.planned_city, self.planned_host_country) if part)

    @property
    def place_display(self):
        if self.is_virtual:
            return "virtual"
        return ", ".join(part for part in (self.city, self.host_country) if part) or "place unknown"

    @property
    def chair_display(self):
        """The chair's name, with the person in parentheses where known."""
        if self.chair is None:
            return self.chair_person.name if self.chair_person else ""
        if self.chair_person:
            return f"{self.chair.name} ({self.chair_person.name})"
        return self.chair.name


class DataVersion(models.Model):
    """One row counting changes to the record, so cached pages know when they are stale (meetings/version.py)."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True, help_text="When the record last changed.")

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"data version {self.version}"
