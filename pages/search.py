"""One search over the record: meetings, issues, proposals, positions, participants (with their
aliases), people and sources.

On PostgreSQL it is full-text search: a `websearch` query (quoted phrases, `or`, `-word`) against
each kind's English tsvector, ranked, with highlighted snippets, served by GIN expression indexes
(migrations meetings/0007 and positions/0007 build them on PostgreSQL only).

On SQLite with FTS5 (asked once: fts5_ready()) it is full-text search too, on the FTS5 tables of
migration pages/0001, which triggers keep in step with the records. Every word must begin a word of
the record, whatever its case and accents: "kasan" finds Kasane, "block" finds blocked (FTS5 has no
English stemmer, and a stemmer's shortened words would miss a word not typed in full: "delega" would
not find delegates). Ranked by bm25, a word in a kind's first field (its title, name or quote)
counting more; snippets by FTS5. A participant is also found by its other names.

Elsewhere it is a plain search: every word must appear in one of the kind's fields, whatever its
case; snippets are cut around the first word found. All give the same kinds of result, grouped by
kind with counts, snippets with the words marked.

Two queries per kind (a count and the first results) whatever the data size.
"""

import functools
import logging
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString

from meetings.models import Meeting, Participant, ParticipantAlias, Person, Source
from positions.models import Issue, Position, Proposal

logger = logging.getLogger(__name__)

MIN_LENGTH = 2
MAX_LENGTH = 200
MAX_WORDS = 8
PER_KIND = 10
CONFIG = "english"
SNIPPET_CHARS = 90
# Markers PostgreSQL and FTS5 put around the words they found; characters no source text holds (private use).
START, STOP = "\ue000", "\ue001"
# On FTS5: how much more a word in a kind's first field counts in the rank, and a snippet's length in words.
FIRST_FIELD_WEIGHT = 5.0
SNIPPET_WORDS = 32
ALIASES_INDEX = "pages_search_aliases"  # participants' other names, beside the FTS5 table of each kind


@dataclass
class Kind:
    key: str
    label: str
    fields: tuple  # searched, and (joined) the snippet's text
    queryset: object = None

    def base(self):
        return self.queryset() if callable(self.queryset) else self.queryset


# The searched fields of each kind. The GIN indexes of migrations meetings/0007 and positions/0007 and the
# FTS5 tables of pages/0001 are built on exactly these lists, in this order: change them together (tests
# check, on PostgreSQL and on SQLite).
KINDS = [
    Kind("meetings", "Meetings", ("title", "city", "summary", "notes"), lambda: Meeting.objects.all()),
    Kind("issues", "Issues", ("title", "description"), lambda: Issue.objects.all()),
    Kind(
        "proposals",
        "Proposals",
        ("text",),
        lambda: Proposal.objects.select_related("agenda_item__meeting", "agenda_item__issue"),
    ),
    Kind(
        "positions",
        "Positions",
        ("quote", "note"),
        lambda: Position.objects.select_related("participant", "proposal", "meeting", "source"),
    ),
    Kind("participants", "Participants", ("name", "code", "description"), lambda: Participant.objects.all()),
    Kind("people", "People", ("name", "role"), lambda: Person.objects.select_related("affiliation")),
    Kind("sources", "Sources", ("title", "publisher", "text", "notes"), lambda: Source.objects.all()),
]


@dataclass
class Group:
    kind: Kind
    count: int = 0
    results: list = field(default_factory=list)

    @property
    def more(self):
        return self.count - len(self.results)


def problem_with(q):
    """What is wrong with a query, in words, or "" when it can be searched."""
    if not q.strip():
        return "empty"
    if len(q.strip()) < MIN_LENGTH:
        return f"Type at least {MIN_LENGTH} characters."
    if len(q) > MAX_LENGTH:
        return f"Keep the search to {MAX_LENGTH} characters."
    if not words(q):
        return "Type a word or a number to search for."
    return ""


def words(q):
    return re.findall(r"\w+", q.lower())[:MAX_WORDS]


def search(q):
    """The groups of results for a query that problem_with() accepts, every kind in KINDS order."""
    postgres = connection.vendor == "postgresql"
    fts5 = connection.vendor == "sqlite" and fts5_ready()
    groups = []
    for kind in KINDS:
        if fts5:
            matching, ranked = _fts5(kind, q)
        else:
            matching = ranked = _postgres(kind, q) if postgres else _plain(kind, q)
        group = Group(kind=kind, count=matching.count())
        if group.count:
            group.results = list(ranked[:PER_KIND])
            for row in group.results:
                row.snippet_html = _snippet_html(row, kind, q)
        groups.append(group)
    return groups


@functools.cache
def fts5_ready():
    """Whether this SQLite has FTS5 and the indexes of migration pages/0001 are there, each with its three
    triggers (asked once per process).

    Django rebuilds a table on SQLite for most changes to its fields, and that drops the table's
    triggers: until the migration making the change runs pages/0001's create() again, the search is
    plain rather than stale.
    """
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        if "ENABLE_FTS5" not in {row[0] for row in cursor.fetchall()}:
            return False
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'pages_search_%'")
        there = {row[0] for row in cursor.fetchall()}
    indexes = [_fts5_table(kind) for kind in KINDS] + [ALIASES_INDEX]
    needed = {*indexes, *(f"{index}_{write}" for index in indexes for write in ("insert", "update", "delete"))}
    if there and not needed <= there:
        logger.warning("The search is plain: pages/0001's FTS5 search lacks %s.", ", ".join(sorted(needed - there)))
    return needed <= there


def _text_of(fields):
    """The kind's fields joined, HTML-escaped in the database: ts_headline drops anything shaped like a
    tag, and the snippet must keep the record's words as they are."""
    parts = []
    for name in fields:
        parts.extend([Coalesce(F(name), Value(""), output_field=TextField()), Value(" ")])
    text = Concat(*parts, output_field=TextField())
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = Replace(text, Value(char), Value(entity), output_field=TextField())
    return text


def _postgres(kind, q):
    vector = SearchVector(*kind.fields, config=CONFIG)
    query = SearchQuery(q, search_type="websearch", config=CONFIG)
    matches = Q(document=query)
    if kind.key == "participants":
        aliases = ParticipantAlias.objects.annotate(document=SearchVector("name", config=CONFIG)).filter(document=query)
        matches |= Q(pk__in=aliases.values("participant_id"))
    found = kind.base().annotate(document=vector).filter(matches)
    return found.annotate(
        rank=SearchRank(vector, query),
        snippet=SearchHeadline(
            _text_of(kind.fields),
            query,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    ).order_by("-rank", "pk")


def _fts5_table(kind):
    return f"pages_search_{kind.key}"


def _fts5_query(q):
    """The words as an FTS5 query: each a quoted string (so no word is read as a keyword or an operator)
    matched as the beginning of a word, all of them required."""
    return " ".join('"{}"*'.format(word.replace('"', '""')) for word in words(q))


def _fts5_hits(kind):
    """SQL giving the id and bm25 rank (lower is better) of each record of the kind that the index
    matches, with one `%s` per index searched, each to be the query."""
    table = _fts5_table(kind)
    # The rank column, not a call of bm25(): SQLite may move a call out of the index's scan (an error).
    weights = ", ".join([str(FIRST_FIELD_WEIGHT)] + ["1.0"] * (len(kind.fields) - 1))
    sql = f"SELECT rowid AS id, rank FROM {table} WHERE {table} MATCH %s AND rank MATCH 'bm25({weights})'"  # noqa: S608
    if kind.key == "participants":
        # Or by any of its other names, ranked by that name.
        sql += (
            f" UNION ALL SELECT alias.participant_id, {ALIASES_INDEX}.rank FROM {ALIASES_INDEX}"  # noqa: S608
            f" JOIN meetings_participantalias alias ON alias.id = {ALIASES_INDEX}.rowid"
            f" WHERE {ALIASES_INDEX} MATCH %s"
        )
    return sql


def _fts5(kind, q):
    """The kind's records the FTS5 indexes match, and the first PER_KIND of them ranked, each with the
    snippet of its field that matches best (None for a participant found by another name only).

    The SQL is written from KINDS' table names and this module's numbers (hence the noqa: S608); the
    query, the user's words, is always a parameter.
    """
    query = _fts5_query(q)
    hits = _fts5_hits(kind)
    params = [query] * hits.count("%s")
    table = _fts5_table(kind)
    record = f"{connection.ops.quote_name(kind.base().model._meta.db_table)}.id"
    found = kind.base().filter(pk__in=_raw(f"SELECT id FROM ({hits})", params))  # noqa: S608
    # The first PER_KIND are picked in the index; their rank and snippet are worked out for them alone.
    first = f"SELECT id FROM ({hits}) GROUP BY id ORDER BY min(rank), id LIMIT {PER_KIND}"  # noqa: S608
    rank = f"SELECT min(rank) FROM ({hits}) WHERE id = {record}"  # noqa: S608
    snippet = f"SELECT snippet({table}, -1, %s, %s, ' … ', {SNIPPET_WORDS}) FROM {table}"  # noqa: S608
    snippet += f" WHERE {table} MATCH %s AND rowid = {record}"
    ranked = (
        kind.base()
        .filter(pk__in=_raw(first, params))
        .annotate(rank=_raw(rank, params), snippet=_raw(snippet, [START, STOP, query]))
        .order_by("rank", "pk")
    )
    return found, ranked


def _raw(sql, params):
    """_fts5's SQL as an expression: the SQL written from names and numbers, the words in params."""
    return RawSQL(sql, params)  # noqa: S611


def _plain(kind, q):
    found = kind.base()
    for word in words(q):
        any_field = Q()
        for name in kind.fields:
            any_field |= Q(**{f"{name}__icontains": word})
        if kind.key == "participants":
            any_field |= Q(pk__in=ParticipantAlias.objects.filter(name__icontains=word).values("participant_id"))
        found = found.filter(any_field)
    return found.order_by("pk")


def _snippet_html(row, kind, q):
    snippet = getattr(row, "snippet", None)
    if snippet is None:  # the plain search, or a participant that FTS5 found by another name only
        return _plain_snippet(_joined(row, kind.fields), words(q))
    return _marked(snippet, escaped=connection.vendor == "postgresql")


def _joined(row, fields):
    return " ".join(str(getattr(row, name) or "") for name in fields)


def _marked(headline, escaped):
    """A headline or snippet with START/STOP markers, as HTML: the text escaped, the markers as <mark>.

    PostgreSQL's headline is of the escaped text (_text_of), so any '<' left in it is not the record's
    (there is none) and is dropped; FTS5's snippet is of the text as it is, so it is escaped here.
    """
    text = re.sub(r"\s+", " ", headline or "").strip()
    text = text.replace("<", "").replace(">", "") if escaped else escape(text)
    return SafeString(text.replace(START, "<mark>").replace(STOP, "</mark>"))


def _plain_snippet(text, found_words):
    """The text around the first word found, escaped, every found word marked."""
    text = re.sub(r"\s+", " ", text).strip()
    pattern = re.compile("|".join(re.escape(w) for w in sorted(set(found_words), key=len, reverse=True)), re.I)
    first = pattern.search(text)
    at = first.start() if first else 0
    start, end = max(0, at - SNIPPET_CHARS), min(len(text), at + SNIPPET_CHARS * 2)
    # Whole words at both ends of the window.
    if start and (space := text.find(" ", start, at)) >= 0:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", at, end)) > at:
        end = space
    window = text[start:end]
    html, last = SafeString("… " if start else ""), 0
    for match in pattern.finditer(window):
        html += escape(window[last : match.start()]) + SafeString(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    return html + escape(window[last:]) + SafeString(" …" if end < len(text) else "")
