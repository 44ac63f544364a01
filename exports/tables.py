"""The exported CSV files, each declared once: its columns, in order, and where each value comes from.

Each declaration (exports.columns.Columns) gives the file's header, its Table Schema fields in the
data package, its rows (`*_rows(queryset)`: one query over an already-filtered queryset, streamed),
the SQL of positions.csv's cells (exports.sqlcsv) and the columns the import reads.

Identifiers are natural keys (participant code, meeting/issue/source/person slug), the same ones
the fixtures use. Dates are written at their known precision (meetings.dates).
"""

from django.db import models
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import ExtractYear

from governance.models import Chair, MembershipEvent, WorkingBody
from meetings.models import Meeting, Participant, Person, Source
from positions.models import AgendaItem, Issue, Position, Proposal, ProposalAccount

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


def _joined_links(relation, outer, value_path, name):
    """{name: the `value_path` values of a many-to-many `relation` (e.g. Meeting.sources) of the row
    whose key is `outer`, joined with '; '}.

    The values are aggregated in the database, in a correlated subquery, rather than prefetched: one
    query whatever the number of rows (a prefetch with .iterator() runs one extra query per chunk),
    nothing held in memory beyond the current chunk, and no duplicates when the caller's queryset was
    filtered through another multi-valued relation (an annotate() over a join would count each value
    once per joined row).
    """
    owner = relation.field.m2m_field_name()
    links = relation.through.objects.filter(**{f"{owner}_id": OuterRef(outer)}).order_by()
    return {name: Subquery(links.values(f"{owner}_id").annotate(joined=_JoinedText(value_path)).values("joined"))}


def _source_slugs():
    return _joined_links(Meeting.sources, "pk", "source__slug", "export_source_slugs")


def sorted_slugs(joined):
    # A slug or a participant code cannot contain ";" or a space, so splitting on the separator is safe.
    return SEPARATOR.join(sorted(joined.split(SEPARATOR))) if joined else ""


def as_fetched(value):
    return value


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
    # Issue 13: what a stance answers, and the strength of its evidence.
    column(
        "proposal",
        "What the stance answers, in the proposal's words (proposals.csv); empty for an act.",
        "proposal__text",
        imported=EXACT,
    ),
    column(
        "stage",
        "The proposal's stage: agenda (whether to take the matter up), decision (the substance) or "
        "communique (the wording of the meeting's final text).",
        "proposal__stage",
        imported=STRIPPED,
    ),
    column(
        "evidence",
        "quoted (the quote states it), inferred (a reading of the quote; the note says how) or cited "
        "(the source is cited, no quote is stored).",
        imported=STRIPPED,
    ),
    column(
        "act",
        "For an act that answers no proposal: walk_out, boycott or statement. An act has no issue, "
        "proposal or outcome.",
        imported=STRIPPED,
    ),
    column(
        "working_body",
        "Slug of the committee or working group an act is aimed at (working_bodies.csv).",
        "working_body__slug",
        imported=STRIPPED,
    ),
    column(
        "reported_by_person",
        "For a reported position: slug of the person who reported it, where named (people.csv).",
        "reported_by_person__slug",
        imported=STRIPPED,
    ),
)


def position_rows(queryset):
    """(header, rows) for positions.csv, in the queryset's order. One query."""
    return POSITION_COLUMNS.rows(queryset)


# --- counts.csv: positions counted per participant, stance, stage and year, for charting tools ------

COUNT_COLUMNS = Columns(
    Position,
    column("participant", "Who took the positions.", "participant__name"),
    column("participant_code", "Its code (participants.csv).", "participant__code"),
    column("stance", "The stance; empty for an act with no stance (a statement).", "stance"),
    column("stage", "The proposal's stage; empty for an act, which answers no proposal.", "proposal__stage"),
    column(
        "year",
        "The year of the meeting's first day; empty for an act at no meeting.",
        "export_year",
        type="integer",
        constraints={},
    ),
    column("positions", "How many positions.", "export_positions", type="integer", constraints={"minimum": 1}),
)


def count_rows(queryset):
    """(header, rows) for counts.csv: the queryset's positions counted per participant, stance, stage and
    year, in the database (one GROUP BY query), by participant code, year, stance and stage."""
    groups = [path for path in COUNT_COLUMNS.paths if path != "export_positions"]
    counted = (
        queryset.order_by()
        .annotate(export_year=ExtractYear("meeting__start_date"))
        .values(*groups)
        .annotate(export_positions=Count("pk"))
        .order_by(
            "participant__code",
            F("export_year").asc(nulls_last=True),
            "stance",
            F("proposal__stage").asc(nulls_last=True),
        )
    )
    return COUNT_COLUMNS.rows(counted)


# --- proposals: a row per account of how a proposal was decided ------------------------------------


def _proposers():
    return _joined_links(ProposalAccount.proposed_by, "accounts__id", "participant__code", "export_proposed_by")


def _account_sources():
    return _joined_links(ProposalAccount.sources, "accounts__id", "source__slug", "export_account_sources")


def _account_number():
    # The account's place among its proposal's accounts, as entered: counted over all of them, so a
    # filter on the result does not renumber the accounts it keeps.
    earlier = ProposalAccount.objects.filter(proposal_id=OuterRef("pk"), pk__lte=OuterRef("accounts__id")).order_by()
    return {"export_account": Subquery(earlier.values("proposal_id").annotate(n=Count("pk")).values("n"))}


PROPOSAL_COLUMNS = Columns(
    Proposal,
    # The first 12 columns are a public contract, in this order; add new ones at the end.
    column("meeting_slug", "The meeting (meetings.csv).", "agenda_item__meeting__slug", imported=STRIPPED),
    column(
        "issue_slug",
        "The issue (issues.csv) of the agenda item the proposal was put under.",
        "agenda_item__issue__slug",
        imported=STRIPPED,
    ),
    column(
        "proposal", "What was put to the meeting, worded so that 'supports' has one meaning.", "text", imported=EXACT
    ),
    column(
        "stage",
        "agenda (whether to take the matter up), decision (the substance) or communique (the wording of "
        "the meeting's final text).",
        imported=STRIPPED,
    ),
    column(
        "decided_by",
        "consensus, vote or written_procedure; empty where no source says.",
        "accounts__decided_by",
        imported=STRIPPED,
    ),
    column(
        "result",
        "adopted, blocked, no_consensus, rejected (a vote lost), withdrawn, deferred, not_taken_up "
        "or pending; empty where no source reports it.",
        "accounts__result",
        imported=STRIPPED,
    ),
    column(
        "proposed_by",
        f"Codes of the participants who proposed it (participants.csv), sorted, joined with '{SEPARATOR}'.",
        Computed(sorted_slugs, ("export_proposed_by",), _proposers),
        imported=STRIPPED,
    ),
    column("votes_for", "Where a vote was held: the votes for.", "accounts__votes_for", imported=STRIPPED),
    column("votes_against", "Where a vote was held: the votes against.", "accounts__votes_against", imported=STRIPPED),
    column("abstentions", "Where a vote was held: the abstentions.", "accounts__abstentions", imported=STRIPPED),
    column(
        "result_note",
        "Conditions attached to the result, and what the sources say of it.",
        "accounts__result_note",
        imported=EXACT,
    ),
    column(
        "sources",
        f"Slugs of the sources of this account (sources.csv), sorted, joined with '{SEPARATOR}'.",
        Computed(sorted_slugs, ("export_account_sources",), _account_sources),
        imported=STRIPPED,
    ),
    # Further columns.
    column(
        "inferred",
        "True when how it was decided, its result or its proposers are a reading of the sources rather "
        "than their words (result_note says how).",
        "accounts__inferred",
        imported=STRIPPED,
    ),
    column(
        "account",
        "The account's number among the proposal's accounts (1, 2, …): one where the sources agree, one per "
        "account where they disagree. Empty for a proposal with no account, whose account columns are empty.",
        Computed(as_fetched, ("export_account",), _account_number),
        type="integer",
        constraints={"minimum": 1},
        imported=STRIPPED,
    ),
)


def proposal_listing(queryset):
    """Proposals as proposals.csv lists them: a row per account (its columns empty for a proposal with
    none), in the queryset's order and then the accounts' as entered."""
    return queryset.order_by(*queryset.query.order_by, "accounts__id")


def proposal_rows(queryset):
    """(header, rows) for proposals.csv over a proposal_listing() queryset. One query."""
    return PROPOSAL_COLUMNS.rows(queryset)


# --- chairs and membership ------------------------------------------------------------------------


def _chair_sources():
    return _joined_links(Chair.sources, "pk", "source__slug", "export_source_slugs")


def _membership_sources():
    return _joined_links(MembershipEvent.sources, "pk", "source__slug", "export_source_slugs")


CHAIR_COLUMNS = Columns(
    Chair,
    # The first 6 columns are a public contract, in this order; add new ones at the end.
    column("year", "The year chaired.", imported=STRIPPED),
    column("role", "chair or vice_chair.", imported=STRIPPED),
    column(
        "participant_code",
        "The chairing participant's code (participants.csv).",
        "participant__code",
        imported=STRIPPED,
    ),
    column("participant", "The chairing participant's name.", "participant__name", imported=STRIPPED),
    column("person", "The person who chaired, where a source names them.", "person__name", imported=STRIPPED),
    column(
        "sources",
        f"Slugs of the sources of this account (sources.csv), sorted, joined with '{SEPARATOR}'.",
        Computed(sorted_slugs, ("export_source_slugs",), _chair_sources),
        imported=STRIPPED,
    ),
    # Further columns.
    column(
        "body",
        "Slug of the committee or working group chaired (working_bodies.csv); empty for the KP itself.",
        "body__slug",
        imported=STRIPPED,
    ),
    column("inferred", "True when no source states it in words (the note says how it is read).", imported=STRIPPED),
    column("note", "What the sources say, and where they differ.", imported=EXACT),
    column("person_slug", "The person's slug (people.csv).", "person__slug", imported=STRIPPED),
)


def chair_rows(queryset):
    """(header, rows) for chairs.csv, in the queryset's order. One query."""
    return CHAIR_COLUMNS.rows(queryset)


MEMBERSHIP_COLUMNS = Columns(
    MembershipEvent,
    # The first 6 columns are a public contract, in this order; add new ones at the end.
    column("participant_code", "The participant's code (participants.csv).", "participant__code", imported=STRIPPED),
    column("participant", "The participant's name.", "participant__name", imported=STRIPPED),
    column(
        "event",
        "admitted, withdrew, suspended, readmitted, restrictions_imposed or restrictions_lifted.",
        imported=STRIPPED,
    ),
    column(
        "date", "When, at the precision in date_precision.", PartialDate("date", "date_precision"), imported=STRIPPED
    ),
    column("note", "Conditions and reasons, in the sources' terms or our own words.", imported=EXACT),
    column(
        "sources",
        f"Slugs of the sources of this account (sources.csv), sorted, joined with '{SEPARATOR}'.",
        Computed(sorted_slugs, ("export_source_slugs",), _membership_sources),
        imported=STRIPPED,
    ),
    # Further columns.
    column("date_precision", "How precisely the sources date it.", imported=STRIPPED),
    column("inferred", "True when no source states it in words (the note says how it is read).", imported=STRIPPED),
)


def membership_rows(queryset):
    """(header, rows) for memberships.csv, in the queryset's order. One query."""
    return MEMBERSHIP_COLUMNS.rows(queryset)


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

WORKING_BODY_COLUMNS = Columns(
    WorkingBody,
    column("slug", "The working body's identifier."),
    column("name", "Its name, e.g. the Committee on Rules and Procedures."),
    column("kind", "committee, working_group or other."),
    column("description", "What it does."),
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
        "proposals",
        "Proposals",
        "What was put to each meeting under an agenda item, at which stage, and each account of how it was "
        "decided (one where the sources agree, one per account where they disagree).",
        PROPOSAL_COLUMNS,
        ("meeting_slug", "issue_slug", "proposal", "account"),
        lambda: proposal_listing(Proposal.objects.chronological()),
        (ForeignKey(("meeting_slug", "issue_slug"), "agenda_items", ("meeting_slug", "issue_slug")),),
    ),
    Table(
        "positions",
        "Positions",
        "Who supported, opposed or blocked which proposal, and acts outside any proposal (walk-outs, boycotts, "
        "statements), with the quote and source that show it and the strength of that evidence.",
        POSITION_COLUMNS,
        ("id",),
        lambda: Position.objects.chronological(),
        (
            # An act at a meeting has a meeting and no issue: a key over (meeting_slug, issue_slug) or
            # over the proposal would be half empty, which Table Schema takes as a value to find.
            ForeignKey(("meeting_slug",), "meetings", ("slug",)),
            ForeignKey(("issue_slug",), "issues", ("slug",)),
            ForeignKey(("participant_code",), "participants", ("code",)),
            ForeignKey(("reported_by_code",), "participants", ("code",)),
            ForeignKey(("speaker_slug",), "people", ("slug",)),
            ForeignKey(("source_slug",), "sources", ("slug",)),
            ForeignKey(("working_body",), "working_bodies", ("slug",)),
            ForeignKey(("reported_by_person",), "people", ("slug",)),
        ),
    ),
    Table(
        "working_bodies",
        "Working bodies",
        "Committees and working groups of the KP: what chairs.csv's body and positions.csv's working_body name.",
        WORKING_BODY_COLUMNS,
        ("slug",),
        lambda: WorkingBody.objects.order_by("slug"),
    ),
    Table(
        "chairs",
        "Chairs",
        "Who chaired (or was vice-chair of) the KP or one of its working bodies each year; two rows for a year "
        "and role are two accounts that disagree.",
        CHAIR_COLUMNS,
        ("year", "role", "body", "participant_code", "person_slug"),
        lambda: Chair.objects.chronological(),
        (
            ForeignKey(("participant_code",), "participants", ("code",)),
            ForeignKey(("person_slug",), "people", ("slug",)),
            ForeignKey(("body",), "working_bodies", ("slug",)),
        ),
    ),
    Table(
        "memberships",
        "Membership events",
        "Dated changes in a participant's standing: admitted, withdrew, suspended, readmitted, restrictions "
        "imposed or lifted.",
        MEMBERSHIP_COLUMNS,
        ("participant_code", "event", "date"),
        lambda: MembershipEvent.objects.chronological(),
        (ForeignKey(("participant_code",), "participants", ("code",)),),
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
        "The full text of each source, verbatim, where it is stored (empty for a page cited by address): the "
        "publishers' texts, quoted for research and not covered by the package's licence (README.md).",
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
