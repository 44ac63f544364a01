"""One search over the record: meetings, issues, proposals, positions, participants (with their
aliases), people and sources.

On PostgreSQL it is full-text search: a `websearch` query (quoted phrases, `or`, `-word`) against
each kind's English tsvector, ranked, with highlighted snippets, served by GIN expression indexes
(migrations meetings/0007 and positions/0007 build them on PostgreSQL only). On SQLite it is a plain
search: every word must appear in one of the kind's fields, whatever its case; snippets are cut
around the first word found. Both give the same kinds of result, grouped by kind with counts.

Two queries per kind (a count and the first results) whatever the data size.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Coalesce, Concat, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString

from meetings.models import Meeting, Participant, ParticipantAlias, Person, Source
from positions.models import Issue, Position, Proposal

MIN_LENGTH = 2
MAX_LENGTH = 200
MAX_WORDS = 8
PER_KIND = 10
CONFIG = "english"
SNIPPET_CHARS = 90
# Markers PostgreSQL puts around the words it found; characters no source text holds (private use).
START, STOP = "\ue000", "\ue001"


@dataclass
class Kind:
    key: str
    label: str
    fields: tuple  # searched, and (joined) the snippet's text
    queryset: object = None

    def base(self):
        return self.queryset() if callable(self.queryset) else self.queryset


# The searched fields of each kind. The GIN indexes of migrations meetings/0007 and positions/0007 are
# built on exactly these lists, in this order: change both together (a PostgreSQL test checks).
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
    groups = []
    for kind in KINDS:
        matching = _postgres(kind, q) if postgres else _plain(kind, q)
        group = Group(kind=kind, count=matching.count())
        if group.count:
            rows = list(matching[:PER_KIND])
            for row in rows:
                row.snippet_html = (
                    _marked(row.snippet) if postgres else _plain_snippet(_joined(row, kind.fields), words(q))
                )
            group.results = rows
        groups.append(group)
    return groups


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


def _joined(row, fields):
    return " ".join(str(getattr(row, name) or "") for name in fields)


def _marked(headline):
    """PostgreSQL's headline of the escaped text (_text_of), its markers as <mark>."""
    text = re.sub(r"\s+", " ", headline or "").strip()
    # Escaped in the database already: any '<' left is not the record's (there is none), so drop it.
    text = text.replace("<", "").replace(">", "")
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
