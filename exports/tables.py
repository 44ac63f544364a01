"""What each exported table holds: its columns (with their Table Schema rules) and the query for its rows.

Each `*_rows(queryset)` takes an already-filtered queryset and returns `(header, rows)`: the column
names and a lazy iterator of row tuples. Each runs exactly one SQL query, streamed in chunks through
`values_list(...).iterator()`, so the query count is fixed and memory stays flat whatever the size.
The values are raw (None, bools, codes, text); `csvwriter.stream_csv` turns them into safe cells.

Identifiers are natural keys (participant code, meeting/issue/source/person slug), the same ones
the fixtures use. Dates are written at their known precision (meetings.dates.format_partial_date).
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import OuterRef, Subquery

from meetings.dates import format_partial_date
from meetings.models import Meeting, Participant, Person, Source
from positions.models import AgendaItem, Issue, Position

from .csvwriter import BATCH_SIZE

# 2024-11-12, 2024-11 or 2024: a date at day, month or year precision.
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    """One CSV column and its Frictionless Table Schema field."""

    name: str
    description: str
    type: str = "string"
    constraints: dict = field(default_factory=dict)

    def schema(self):
        descriptor = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "boolean":
            descriptor |= {"trueValues": ["true"], "falseValues": ["false"]}
        if self.constraints:
            descriptor["constraints"] = dict(self.constraints)
        return descriptor


def column(model, field_name, name, description, *, own=True, optional=False):
    """A column holding `model.field_name`, with the rules the database gives that field.

    required: the field can be neither NULL nor blank. unique: only for the table's own fields
    (`own`), not for values joined in from another table. enum: the field's TextChoices values.
    `optional` is for values reached through a nullable foreign key. Dates are partial dates.
    """
    model_field = model._meta.get_field(field_name)
    constraints = {}
    if not (optional or model_field.null or model_field.blank):
        constraints["required"] = True
    if own and model_field.unique:
        constraints["unique"] = True
    if model_field.choices:
        constraints["enum"] = [value for value, _label in model_field.flatchoices]
    if isinstance(model_field, models.BooleanField):
        kind = "boolean"
    elif isinstance(model_field, models.IntegerField | models.AutoField):
        kind = "integer"
    else:
        kind = "string"
        if isinstance(model_field, models.DateField):
            constraints["pattern"] = PARTIAL_DATE_PATTERN
    return Column(name, description, kind, constraints)


def text_column(name, description):
    """A text column composed in Python (no single model field behind it), which may be empty."""
    return Column(name, description)


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple
    resource: str
    reference_fields: tuple

    def schema(self):
        return {
            "fields": list(self.fields),
            "reference": {"resource": self.resource, "fields": list(self.reference_fields)},
        }


@dataclass(frozen=True)
class Table:
    """One CSV file of the data package."""

    name: str
    title: str
    description: str
    columns: tuple
    primary_key: tuple
    rows: object  # () -> (header, row iterator), over the whole table
    foreign_keys: tuple = ()

    @property
    def filename(self):
        return f"{self.name}.csv"


def _header(columns):
    return [c.name for c in columns]


def _stream(queryset, *fields):
    return queryset.values_list(*fields).iterator(chunk_size=BATCH_SIZE)


def chair_label(chair_name, person_name):
    """Meeting.chair_display from the two names: 'Participant (Person)', or either alone."""
    if chair_name is None:
        return person_name or ""
    if person_name:
        return f"{chair_name} ({person_name})"
    return chair_name


# --- meetings ------------------------------------------------------------------------------------

MEETING_COLUMNS = (
    # The first 14 columns are a public contract, in this order; add new ones at the end.
    column(Meeting, "slug", "slug", "The meeting's identifier."),
    column(Meeting, "title", "title", "The meeting's name."),
    column(Meeting, "kind", "kind", "Plenary, intersessional or special session, as a stored code."),
    column(Meeting, "number", "number", "Ordinal number of the meeting within its kind, where known."),
    column(Meeting, "start_date", "start_date", "First day, at the precision in date_precision."),
    column(Meeting, "end_date", "end_date", "Last day, at the precision in date_precision; empty if unknown."),
    column(Meeting, "city", "city", "Host city; empty when virtual or unknown."),
    Column(
        "host_country",
        "Host country, ISO 3166-1 alpha-3; empty when virtual or unknown.",
        constraints={"pattern": r"^[A-Z]{3}$"},
    ),
    column(Meeting, "is_virtual", "is_virtual", "Whether the meeting was held online."),
    text_column("chair", "The chairing participant, with the person in parentheses where known."),
    column(Meeting, "theme", "theme", "The chair's theme for the meeting, if any."),
    column(Meeting, "participants_count", "participants_count", "Number of participants attending, if reported."),
    column(Meeting, "countries_count", "countries_count", "Number of countries attending, if reported."),
    text_column("sources", f"Slugs of the sources about the meeting, sorted, joined with '{SEPARATOR}'."),
    # Further columns.
    column(Meeting, "status", "status", "Held, cancelled or planned."),
    column(Meeting, "date_precision", "date_precision", "How precisely the sources date the meeting."),
    column(Participant, "code", "chair_code", "Code of the chairing participant.", own=False, optional=True),
    column(Person, "slug", "chair_person_slug", "Slug of the person who chaired.", own=False, optional=True),
    column(Meeting, "summary", "summary", "A short summary of the meeting."),
    column(Meeting, "notes", "notes", "Which fields come from public record rather than the sources."),
)


class _JoinedText(models.Aggregate):
    """Values joined with '; ': STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite (no ORDER BY there
    before SQLite 3.44, so callers sort the parts themselves)."""

    function = "STRING_AGG"
    output_field = models.TextField()

    def __init__(self, expression, **extra):
        super().__init__(expression, models.Value(SEPARATOR), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _source_slugs():
    # Meeting sources are many-to-many. The slugs are aggregated in the database, in a correlated
    # subquery, rather than prefetched: one query whatever the number of rows (a prefetch with
    # .iterator() runs one extra query per chunk), nothing held in memory beyond the current chunk,
    # and no duplicates when the caller's queryset was filtered through another multi-valued
    # relation (an annotate() over a join would count each source once per joined row).
    links = Meeting.sources.through.objects.filter(meeting_id=OuterRef("pk")).order_by()
    return Subquery(links.values("meeting_id").annotate(slugs=_JoinedText("source__slug")).values("slugs"))


def _sorted_slugs(joined):
    # A slug cannot contain ";" or a space, so splitting on the separator is safe.
    return SEPARATOR.join(sorted(joined.split(SEPARATOR))) if joined else ""


def meeting_rows(queryset):
    """(header, rows) for meetings.csv, in the queryset's order. One query."""
    values = _stream(
        queryset.annotate(export_source_slugs=_source_slugs()),
        "slug",
        "title",
        "kind",
        "number",
        "start_date",
        "end_date",
        "date_precision",
        "city",
        "host_country",
        "is_virtual",
        "chair__name",
        "chair_person__name",
        "theme",
        "participants_count",
        "countries_count",
        "export_source_slugs",
        "status",
        "chair__code",
        "chair_person__slug",
        "summary",
        "notes",
    )
    rows = (
        (
            slug,
            title,
            kind,
            number,
            format_partial_date(start, precision),
            format_partial_date(end, precision),
            city,
            "" if virtual else host_country,
            virtual,
            chair_label(chair, chair_person),
            theme,
            participants,
            countries,
            _sorted_slugs(sources),
            status,
            precision,
            chair_code,
            chair_person_slug,
            summary,
            notes,
        )
        for (
            slug,
            title,
            kind,
            number,
            start,
            end,
            precision,
            city,
            host_country,
            virtual,
            chair,
            chair_person,
            theme,
            participants,
            countries,
            sources,
            status,
            chair_code,
            chair_person_slug,
            summary,
            notes,
        ) in values
    )
    return _header(MEETING_COLUMNS), rows


# --- positions -----------------------------------------------------------------------------------

POSITION_COLUMNS = (
    # The first 17 columns are a public contract, in this order; add new ones at the end.
    column(Meeting, "slug", "meeting_slug", "The meeting's slug (meetings.csv).", own=False),
    column(Meeting, "title", "meeting_title", "The meeting's name.", own=False),
    column(Meeting, "kind", "meeting_kind", "The meeting's kind.", own=False),
    column(Meeting, "start_date", "meeting_start", "The meeting's first day, at its known precision.", own=False),
    column(Issue, "slug", "issue_slug", "The issue's slug (issues.csv).", own=False),
    column(Issue, "title", "issue_title", "The issue's name.", own=False),
    column(AgendaItem, "outcome", "outcome", "The agenda item's outcome; empty where no source reports it.", own=False),
    column(Participant, "name", "participant", "Who took the position.", own=False),
    column(Participant, "code", "participant_code", "Its code (participants.csv).", own=False),
    column(Participant, "kind", "participant_kind", "Its kind.", own=False),
    column(Position, "stance", "stance", "Supports, opposes, blocks, abstains, neutral or protests."),
    column(Position, "attribution", "attribution", "Stated in the participant's own words, or reported by another."),
    text_column("reported_by", "For a reported position: the reporting participant's name, or else the outlet."),
    column(Person, "name", "speaker", "Who spoke, where the source names them.", own=False, optional=True),
    column(Position, "quote", "quote", "Verbatim from the source."),
    column(Source, "title", "source", "The source's title.", own=False),
    column(Source, "url", "source_url", "The source's address, if it has one.", own=False),
    # Further columns.
    column(Position, "id", "id", "The position's number in kptracker (its page anchor: #position-<id>)."),
    column(Meeting, "date_precision", "meeting_date_precision", "Precision of meeting_start.", own=False),
    column(Participant, "code", "reported_by_code", "Code of the reporting participant.", own=False, optional=True),
    column(Position, "reported_by_outlet", "reported_by_outlet", "The outlet or author that reported it."),
    column(Person, "slug", "speaker_slug", "The speaker's slug (people.csv).", own=False, optional=True),
    column(Source, "slug", "source_slug", "The source's slug (sources.csv).", own=False),
    column(Position, "source_location", "source_location", "Where in the source, e.g. 'paragraph 4'."),
    column(Position, "note", "note", "Context a reader needs, e.g. how a stance is inferred."),
)


def position_rows(queryset):
    """(header, rows) for positions.csv, in the queryset's order. One query."""
    values = _stream(
        queryset,
        "agenda_item__meeting__slug",
        "agenda_item__meeting__title",
        "agenda_item__meeting__kind",
        "agenda_item__meeting__start_date",
        "agenda_item__meeting__date_precision",
        "agenda_item__issue__slug",
        "agenda_item__issue__title",
        "agenda_item__outcome",
        "participant__name",
        "participant__code",
        "participant__kind",
        "stance",
        "attribution",
        "reported_by__name",
        "reported_by__code",
        "reported_by_outlet",
        "speaker__name",
        "speaker__slug",
        "quote",
        "source__title",
        "source__url",
        "source__slug",
        "id",
        "source_location",
        "note",
    )
    rows = (
        (
            meeting_slug,
            meeting_title,
            meeting_kind,
            format_partial_date(meeting_start, precision),
            issue_slug,
            issue_title,
            outcome,
            participant,
            participant_code,
            participant_kind,
            stance,
            attribution,
            reporter if reporter is not None else outlet,
            speaker,
            quote,
            source,
            source_url,
            pk,
            precision,
            reporter_code,
            outlet,
            speaker_slug,
            source_slug,
            location,
            note,
        )
        for (
            meeting_slug,
            meeting_title,
            meeting_kind,
            meeting_start,
            precision,
            issue_slug,
            issue_title,
            outcome,
            participant,
            participant_code,
            participant_kind,
            stance,
            attribution,
            reporter,
            reporter_code,
            outlet,
            speaker,
            speaker_slug,
            quote,
            source,
            source_url,
            source_slug,
            pk,
            location,
            note,
        ) in values
    )
    return _header(POSITION_COLUMNS), rows


# --- the other tables of the package ---------------------------------------------------------------

PARTICIPANT_COLUMNS = (
    column(Participant, "code", "code", "Identifier: ISO 3166-1 alpha-3 for states, EU, an acronym for observers."),
    column(Participant, "name", "name", "The participant's name."),
    column(Participant, "kind", "kind", "Government, regional organisation, civil society or industry observer…"),
    column(Participant, "has_veto", "has_veto", "True for KP participants, which take part in consensus."),
    column(Participant, "slug", "slug", "The participant's slug."),
    column(Participant, "description", "description", "A short description."),
    column(Participant, "notes", "notes", "Which facts come from public record rather than the sources."),
)


def participant_rows(queryset):
    """(header, rows) for participants.csv. One query."""
    return _header(PARTICIPANT_COLUMNS), _stream(
        queryset, "code", "name", "kind", "has_veto", "slug", "description", "notes"
    )


PERSON_COLUMNS = (
    column(Person, "slug", "slug", "The person's identifier."),
    column(Person, "name", "name", "The person's name."),
    column(Person, "role", "role", "Their role, as the source gives it."),
    column(
        Participant, "code", "affiliation_code", "Code of the participant they belong to.", own=False, optional=True
    ),
)


def person_rows(queryset):
    """(header, rows) for people.csv. One query."""
    return _header(PERSON_COLUMNS), _stream(queryset, "slug", "name", "role", "affiliation__code")


ISSUE_COLUMNS = (
    column(Issue, "slug", "slug", "The issue's identifier."),
    column(Issue, "title", "title", "The issue's name."),
    column(Issue, "description", "description", "What the issue is about."),
)


def issue_rows(queryset):
    """(header, rows) for issues.csv. One query."""
    return _header(ISSUE_COLUMNS), _stream(queryset, "slug", "title", "description")


AGENDA_ITEM_COLUMNS = (
    column(Meeting, "slug", "meeting_slug", "The meeting (meetings.csv).", own=False),
    column(Issue, "slug", "issue_slug", "The issue (issues.csv).", own=False),
    column(AgendaItem, "outcome", "outcome", "The outcome; empty where no source reports it."),
    column(AgendaItem, "outcome_note", "outcome_note", "What the sources say of the outcome, or how it is inferred."),
)


def agenda_item_rows(queryset):
    """(header, rows) for agenda_items.csv. One query."""
    return _header(AGENDA_ITEM_COLUMNS), _stream(queryset, "meeting__slug", "issue__slug", "outcome", "outcome_note")


SOURCE_COLUMNS = (
    column(Source, "slug", "slug", "The source's identifier."),
    column(Source, "title", "title", "The source's title."),
    column(Source, "kind", "kind", "News, communiqué, statement or other."),
    column(Source, "publisher", "publisher", "Who published it."),
    column(Source, "published_date", "published_date", "When, at the precision in published_precision."),
    column(Source, "published_precision", "published_precision", "How precisely the publication date is known."),
    column(Source, "url", "url", "Where it was published, if online."),
    column(Source, "notes", "notes", "Notes on the source."),
)


def source_rows(queryset):
    """(header, rows) for sources.csv: everything but the full text. One query."""
    values = _stream(
        queryset, "slug", "title", "kind", "publisher", "published_date", "published_precision", "url", "notes"
    )
    rows = (
        (slug, title, kind, publisher, format_partial_date(published, precision), precision, url, notes)
        for slug, title, kind, publisher, published, precision, url, notes in values
    )
    return _header(SOURCE_COLUMNS), rows


SOURCE_TEXT_COLUMNS = (
    column(Source, "slug", "source_slug", "The source (sources.csv)."),
    column(Source, "text", "text", "The document's full text, verbatim."),
)


def source_text_rows(queryset):
    """(header, rows) for sources_text.csv. One query."""
    return _header(SOURCE_TEXT_COLUMNS), _stream(queryset, "slug", "text")


MEETING_SOURCE_COLUMNS = (
    column(Meeting, "slug", "meeting_slug", "The meeting (meetings.csv).", own=False),
    column(Source, "slug", "source_slug", "A source about it (sources.csv).", own=False),
)


def meeting_source_rows(queryset):
    """(header, rows) for meeting_sources.csv, from a queryset of Meeting.sources.through. One query."""
    return _header(MEETING_SOURCE_COLUMNS), _stream(queryset, "meeting__slug", "source__slug")


PACKAGE_TABLES = (
    Table(
        "meetings",
        "Meetings",
        "Plenaries, intersessionals and special sessions of the Kimberley Process.",
        MEETING_COLUMNS,
        ("slug",),
        lambda: meeting_rows(Meeting.objects.order_by("start_date", "kind", "slug")),
        (
            ForeignKey(("chair_code",), "participants", ("code",)),
            ForeignKey(("chair_person_slug",), "people", ("slug",)),
        ),
    ),
    Table(
        "participants",
        "Participants and observers",
        "KP participants (states and the EU, which hold a veto) and observers (a voice, no veto).",
        PARTICIPANT_COLUMNS,
        ("code",),
        lambda: participant_rows(Participant.objects.order_by("code")),
    ),
    Table(
        "people",
        "People",
        "Chairs, delegates and observers' representatives named by the sources.",
        PERSON_COLUMNS,
        ("slug",),
        lambda: person_rows(Person.objects.order_by("slug")),
        (ForeignKey(("affiliation_code",), "participants", ("code",)),),
    ),
    Table(
        "issues",
        "Issues",
        "Recurring agenda topics followed across meetings.",
        ISSUE_COLUMNS,
        ("slug",),
        lambda: issue_rows(Issue.objects.order_by("slug")),
    ),
    Table(
        "agenda_items",
        "Agenda items",
        "An issue as it came up at one meeting, with its outcome.",
        AGENDA_ITEM_COLUMNS,
        ("meeting_slug", "issue_slug"),
        lambda: agenda_item_rows(AgendaItem.objects.order_by("meeting__start_date", "meeting__slug", "issue__slug")),
        (
            ForeignKey(("meeting_slug",), "meetings", ("slug",)),
            ForeignKey(("issue_slug",), "issues", ("slug",)),
        ),
    ),
    Table(
        "positions",
        "Positions",
        "Who supported, opposed or blocked which agenda item, with the quote and source that show it.",
        POSITION_COLUMNS,
        ("id",),
        lambda: position_rows(
            Position.objects.order_by(
                "agenda_item__meeting__start_date",
                "agenda_item__meeting__slug",
                "agenda_item__issue__slug",
                "participant__code",
                "id",
            )
        ),
        (
            ForeignKey(("meeting_slug", "issue_slug"), "agenda_items", ("meeting_slug", "issue_slug")),
            ForeignKey(("participant_code",), "participants", ("code",)),
            ForeignKey(("reported_by_code",), "participants", ("code",)),
            ForeignKey(("speaker_slug",), "people", ("slug",)),
            ForeignKey(("source_slug",), "sources", ("slug",)),
        ),
    ),
    Table(
        "sources",
        "Sources",
        "The documents the record is built from, without their text (see sources_text.csv).",
        SOURCE_COLUMNS,
        ("slug",),
        lambda: source_rows(Source.objects.order_by("slug")),
    ),
    Table(
        "sources_text",
        "Source texts",
        "The full text of each source, verbatim.",
        SOURCE_TEXT_COLUMNS,
        ("source_slug",),
        lambda: source_text_rows(Source.objects.order_by("slug")),
        (ForeignKey(("source_slug",), "sources", ("slug",)),),
    ),
    Table(
        "meeting_sources",
        "Meeting sources",
        "Which sources report on which meeting (the sources column of meetings.csv, one row per link).",
        MEETING_SOURCE_COLUMNS,
        ("meeting_slug", "source_slug"),
        lambda: meeting_source_rows(Meeting.sources.through.objects.order_by("meeting__slug", "source__slug")),
        (
            ForeignKey(("meeting_slug",), "meetings", ("slug",)),
            ForeignKey(("source_slug",), "sources", ("slug",)),
        ),
    ),
)
