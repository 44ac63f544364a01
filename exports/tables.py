"""The exported CSV files, each declared once: its columns, in order, and where each value comes from.

Each declaration (exports.columns.Columns) gives the file's header, its Table Schema fields in the
data package, its rows (`*_rows(queryset)`: one query over an already-filtered queryset, streamed),
the SQL of positions.csv's cells (exports.sqlcsv) and the columns the import reads.

Identifiers are natural keys (participant code, meeting/issue/source/person slug), the same ones
the fixtures use. Dates are written at their known precision (meetings.dates).
"""

from django.db import models
from django.db.models import OuterRef, Subquery

from meetings.models import Meeting, Participant, Person, Source
from positions.models import AgendaItem, Issue, Position

from .columns import EXACT, STRIPPED, Columns, Computed, FirstOf, ForeignKey, PartialDate, Table, column

SEPARATOR = "; "


def chair_label(chair_name, person_name):
    """Meeting.chair_display from the two names: 'Participant (Person)', or either alone."""
    if chair_name is None:
        return person_name or ""
    if person_name:
        return f"{chair_name} ({person_name})"
    return chair_name


def unless_virtual(host_country, is_virtual):
    return "" if is_virtual else host_country


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
    return {
        "export_source_slugs": Subquery(
            links.values("meeting_id").annotate(slugs=_JoinedText("source__slug")).values("slugs")
        )
    }


def sorted_slugs(joined):
    # A slug cannot contain ";" or a space, so splitting on the separator is safe.
    return SEPARATOR.join(sorted(joined.split(SEPARATOR))) if joined else ""


# --- meetings ------------------------------------------------------------------------------------

MEETING_COLUMNS = Columns(
    Meeting,
    # The first 14 columns are a public contract, in this order; add new ones at the end.
    column("slug", "The meeting's identifier.", imported=STRIPPED),
    column("title", "The meeting's name.", imported=EXACT),
    column("kind", "Plenary, intersessional or special session, as a stored code.", imported=STRIPPED),
    column("number", "Ordinal number of the meeting within its kind, where known.", imported=STRIPPED),
    column(
        "start_date",
        "First day, at the precision in date_precision.",
        PartialDate("start_date", "date_precision"),
        imported=STRIPPED,
    ),
    column(
        "end_date",
        "Last day, at the precision in date_precision; empty if unknown.",
        PartialDate("end_date", "date_precision"),
        imported=STRIPPED,
    ),
    column("city", "Host city; empty when virtual or unknown.", imported=EXACT),
    column(
        "host_country",
        "Host country, ISO 3166-1 alpha-3; empty when virtual or unknown.",
        Computed(unless_virtual, ("host_country", "is_virtual")),
        constraints={"pattern": r"^[A-Z]{3}$"},
        imported=STRIPPED,
    ),
    column("is_virtual", "Whether the meeting was held online.", imported=STRIPPED),
    column(
        "chair",
        "The chairing participant, with the person in parentheses where known.",
        Computed(chair_label, ("chair__name", "chair_person__name")),
        imported=STRIPPED,
    ),
    column("theme", "The chair's theme for the meeting, if any.", imported=EXACT),
    column("participants_count", "Number of participants attending, if reported.", imported=STRIPPED),
    column("countries_count", "Number of countries attending, if reported.", imported=STRIPPED),
    column(
        "sources",
        f"Slugs of the sources about the meeting, sorted, joined with '{SEPARATOR}'.",
        Computed(sorted_slugs, ("export_source_slugs",), _source_slugs),
        imported=STRIPPED,
    ),
    # Further columns.
    column("status", "Held, cancelled or planned.", imported=STRIPPED),
    column("date_precision", "How precisely the sources date the meeting.", imported=STRIPPED),
    column("chair_code", "Code of the chairing participant.", "chair__code", imported=STRIPPED),
    column("chair_person_slug", "Slug of the person who chaired.", "chair_person__slug", imported=STRIPPED),
    column("summary", "A short summary of the meeting.", imported=EXACT),
    column("notes", "Which fields come from public record rather than the sources.", imported=EXACT),
    column("part_of", "Slug of the meeting this one was held within, if any.", "part_of__slug", imported=STRIPPED),
    column(
        "replaces",
        "Slug of the cancelled meeting whose business this one took over, if any.",
        "replaces__slug",
        imported=STRIPPED,
    ),
    column(
        "ties_inferred",
        "True when part_of and replaces are a reading of the sources rather than their words (see notes).",
        imported=STRIPPED,
    ),
    column("planned_city", "Where it was planned to be held, if it moved or went virtual.", imported=EXACT),
    column(
        "planned_host_country",
        "The planned host country, ISO 3166-1 alpha-3, if it moved or went virtual.",
        imported=STRIPPED,
    ),
)


def meeting_rows(queryset):
    """(header, rows) for meetings.csv, in the queryset's order. One query."""
    return MEETING_COLUMNS.rows(queryset)


# --- positions -----------------------------------------------------------------------------------

POSITION_COLUMNS = Columns(
    Position,
    # The first 17 columns are a public contract, in this order; add new ones at the end.
    column("meeting_slug", "The meeting's slug (meetings.csv).", "meeting__slug", imported=STRIPPED),
    column("meeting_title", "The meeting's name.", "meeting__title"),
    column("meeting_kind", "The meeting's kind.", "meeting__kind"),
    column(
        "meeting_start",
        "The meeting's first day, at its known precision.",
        PartialDate("meeting__start_date", "meeting__date_precision"),
    ),
    column("issue_slug", "The issue's slug (issues.csv).", "agenda_item__issue__slug", imported=STRIPPED),
    column("issue_title", "The issue's name.", "agenda_item__issue__title"),
    column(
        "outcome",
        "The agenda item's outcome; empty where no source reports it.",
        "agenda_item__outcome",
        imported=STRIPPED,
    ),
    column("participant", "Who took the position.", "participant__name", imported=STRIPPED),
    column("participant_code", "Its code (participants.csv).", "participant__code", imported=STRIPPED),
    column("participant_kind", "Its kind.", "participant__kind"),
    column("stance", "Supports, opposes, blocks, abstains, neutral or protests.", imported=STRIPPED),
    column("attribution", "Stated in the participant's own words, or reported by another.", imported=STRIPPED),
    column(
        "reported_by",
        "For a reported position: the reporting participant's name, or else the outlet.",
        FirstOf("reported_by__name", "reported_by_outlet"),
        imported=EXACT,
    ),
    column("speaker", "Who spoke, where the source names them.", "speaker__name", imported=STRIPPED),
    column("quote", "Verbatim from the source.", imported=EXACT),
    column("source", "The source's title.", "source__title", imported=STRIPPED),
    column("source_url", "The source's address, if it has one.", "source__url"),
    # Further columns.
    column("id", "The position's number in kptracker (its page anchor: #position-<id>)."),
    column("meeting_date_precision", "Precision of meeting_start.", "meeting__date_precision"),
    column("reported_by_code", "Code of the reporting participant.", "reported_by__code", imported=STRIPPED),
    column("reported_by_outlet", "The outlet or author that reported it.", imported=EXACT),
    column("speaker_slug", "The speaker's slug (people.csv).", "speaker__slug", imported=STRIPPED),
    column("source_slug", "The source's slug (sources.csv).", "source__slug", imported=STRIPPED),
    column("source_location", "Where in the source, e.g. 'paragraph 4'.", imported=EXACT),
    column("note", "Context a reader needs, e.g. how a stance is inferred.", imported=EXACT),
)


def position_rows(queryset):
    """(header, rows) for positions.csv, in the queryset's order. One query."""
    return POSITION_COLUMNS.rows(queryset)


# --- matrix.csv: a row per participant, then a column per issue (or meeting) ---------------------

MATRIX_COLUMNS = Columns(
    Participant,
    column("participant", "The participant's name.", "name"),
    column("participant_code", "Its code.", "code"),
    column("participant_kind", "Its kind.", "kind"),
    column("has_veto", "Whether it is a KP participant, which takes part in consensus."),
)


def matrix_rows(matrix):
    """(header, rows) for matrix.csv from positions.selectors.blocking_matrix: the participant's
    columns, a count of meetings per issue (or meeting) column, the row's total."""
    header = MATRIX_COLUMNS.header() + [each["slug"] for each in matrix["columns"]] + ["total"]
    # The matrix's participants are dicts keyed by Participant's field names: the columns' paths.
    rows = (
        [row.participant[path] for path in MATRIX_COLUMNS.paths] + [cell.count for cell in row.cells] + [row.total]
        for row in matrix["veto_rows"] + matrix["observer_rows"]
    )
    return header, rows


# --- the other tables of the package ---------------------------------------------------------------

PARTICIPANT_COLUMNS = Columns(
    Participant,
    column("code", "Identifier: ISO 3166-1 alpha-3 for states, EU, an acronym for observers."),
    column("name", "The participant's name."),
    column("kind", "Government, regional organisation, civil society or industry observer…"),
    column("has_veto", "True for KP participants, which take part in consensus."),
    column("slug", "The participant's slug."),
    column("description", "A short description."),
    column("notes", "Which facts come from public record rather than the sources."),
)

PERSON_COLUMNS = Columns(
    Person,
    column("slug", "The person's identifier."),
    column("name", "The person's name."),
    column("role", "Their role, as the source gives it."),
    column("affiliation_code", "Code of the participant they belong to.", "affiliation__code"),
)

ISSUE_COLUMNS = Columns(
    Issue,
    column("slug", "The issue's identifier."),
    column("title", "The issue's name."),
    column("description", "What the issue is about."),
)

AGENDA_ITEM_COLUMNS = Columns(
    AgendaItem,
    column("meeting_slug", "The meeting (meetings.csv).", "meeting__slug"),
    column("issue_slug", "The issue (issues.csv).", "issue__slug"),
    column("outcome", "The outcome; empty where no source reports it."),
    column("outcome_note", "What the sources say of the outcome, or how it is inferred."),
)

SOURCE_COLUMNS = Columns(
    Source,
    column("slug", "The source's identifier."),
    column("title", "The source's title."),
    column("kind", "News, communiqué, statement or other."),
    column("publisher", "Who published it."),
    column(
        "published_date",
        "When, at the precision in published_precision.",
        PartialDate("published_date", "published_precision"),
    ),
    column("published_precision", "How precisely the publication date is known."),
    column("url", "Where it was published, if online."),
    column("notes", "Notes on the source."),
)

SOURCE_TEXT_COLUMNS = Columns(
    Source,
    column("source_slug", "The source (sources.csv).", "slug"),
    column("text", "The document's full text, verbatim."),
)

MEETING_SOURCE_COLUMNS = Columns(
    Meeting.sources.through,
    column("meeting_slug", "The meeting (meetings.csv).", "meeting__slug"),
    column("source_slug", "A source about it (sources.csv).", "source__slug"),
)


PACKAGE_TABLES = (
    Table(
        "meetings",
        "Meetings",
        "Plenaries, intersessionals and special sessions of the Kimberley Process.",
        MEETING_COLUMNS,
        ("slug",),
        lambda: Meeting.objects.chronological(),
        (
            ForeignKey(("chair_code",), "participants", ("code",)),
            ForeignKey(("chair_person_slug",), "people", ("slug",)),
            ForeignKey(("part_of",), "meetings", ("slug",)),
            ForeignKey(("replaces",), "meetings", ("slug",)),
        ),
    ),
    Table(
        "participants",
        "Participants and observers",
        "KP participants (states and the EU, which hold a veto) and observers (a voice, no veto).",
        PARTICIPANT_COLUMNS,
        ("code",),
        lambda: Participant.objects.order_by("code"),
    ),
    Table(
        "people",
        "People",
        "Chairs, delegates and observers' representatives named by the sources.",
        PERSON_COLUMNS,
        ("slug",),
        lambda: Person.objects.order_by("slug"),
        (ForeignKey(("affiliation_code",), "participants", ("code",)),),
    ),
    Table(
        "issues",
        "Issues",
        "Recurring agenda topics followed across meetings.",
        ISSUE_COLUMNS,
        ("slug",),
        lambda: Issue.objects.order_by("slug"),
    ),
    Table(
        "agenda_items",
        "Agenda items",
        "An issue as it came up at one meeting, with its outcome.",
        AGENDA_ITEM_COLUMNS,
        ("meeting_slug", "issue_slug"),
        lambda: AgendaItem.objects.chronological(),
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
        lambda: Position.objects.chronological(),
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
        lambda: Source.objects.order_by("slug"),
    ),
    Table(
        "sources_text",
        "Source texts",
        "The full text of each source, verbatim.",
        SOURCE_TEXT_COLUMNS,
        ("source_slug",),
        lambda: Source.objects.order_by("slug"),
        (ForeignKey(("source_slug",), "sources", ("slug",)),),
    ),
    Table(
        "meeting_sources",
        "Meeting sources",
        "Which sources report on which meeting (the sources column of meetings.csv, one row per link).",
        MEETING_SOURCE_COLUMNS,
        ("meeting_slug", "source_slug"),
        lambda: Meeting.sources.through.objects.order_by("meeting__slug", "source__slug"),
        (
            ForeignKey(("meeting_slug",), "meetings", ("slug",)),
            ForeignKey(("source_slug",), "sources", ("slug",)),
        ),
    ),
)
