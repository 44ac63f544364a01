"""/search/: one search over the record, grouped by kind with counts, on both databases.

On SQLite the tests taking `both_ways` run twice: on the FTS5 indexes (migration pages/0001) and on
the plain search it falls back to where SQLite has no FTS5; those taking `fts5` only where it has.
"""

import importlib
import re
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from meetings.models import ParticipantAlias
from pages import search
from positions.models import Proposal, Stage
from tests.factories import (
    AgendaItemFactory,
    IssueFactory,
    MeetingFactory,
    ParticipantFactory,
    PersonFactory,
    PositionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fts5(db):
    """Skips but on SQLite built with FTS5; there, the search must be using it."""
    if connection.vendor != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        if "ENABLE_FTS5" not in {row[0] for row in cursor.fetchall()}:
            pytest.skip("this SQLite has no FTS5")
    assert search.fts5_ready()


@pytest.fixture(params=["indexed", "plain"])
def both_ways(request, db, monkeypatch):
    """The database's own search (FTS5 on SQLite where it has it), then on SQLite the plain fallback."""
    if request.param == "plain":
        if connection.vendor != "sqlite":
            pytest.skip("the plain search is SQLite's fallback")
        monkeypatch.setattr(search, "fts5_ready", lambda: False)
    return request.param


@pytest.fixture
def record():
    kasane = MeetingFactory(title="KP Intersessional 2022, Kasane", slug="kasane", city="Kasane")
    russia = ParticipantFactory(code="RUS", name="Russia")
    ParticipantAlias.objects.create(participant=russia, name="Russian Federation")
    source = SourceFactory(title="Diamonds talks stall", text="In Kasane the delegates blocked the <b>item</b>.")
    position = PositionFactory(
        agenda_item__meeting=kasane,
        participant=russia,
        quote="the delegates blocked the <b>item</b>",
        source=source,
        note="Said at Kasane.",
    )
    PersonFactory(name="Jacob Thamage", role="KP Chair")
    return {"kasane": kasane, "russia": russia, "position": position, "source": source}


def groups_of(response):
    return {group.kind.key: group for group in response.context["groups"]}


def test_a_search_finds_every_kind_and_links_each_to_its_record(client, record, both_ways):
    response = client.get("/search/", {"q": "Kasane"})
    groups = groups_of(response)
    assert groups["meetings"].count == 1 and groups["positions"].count == 1 and groups["sources"].count == 1
    html = response.content.decode()
    assert f'href="{record["kasane"].get_absolute_url()}"' in html
    assert f'href="/positions/{record["position"].pk}/"' in html
    assert f'href="/sources/{record["source"].pk}/"' in html
    assert re.search(r"<mark>Kasane</mark>", html)
    # The record's text is escaped in the snippets; only the marks are markup.
    assert "<b>item</b>" not in html and "&lt;b&gt;item&lt;/b&gt;" in html


def test_participants_are_found_by_their_other_names_and_codes(client, record, both_ways):
    assert groups_of(client.get("/search/", {"q": "Federation"}))["participants"].count == 1
    assert groups_of(client.get("/search/", {"q": "rus"}))["participants"].count == 1
    assert groups_of(client.get("/search/", {"q": "Thamage"}))["people"].count == 1


def test_every_word_must_be_found(client, record, both_ways):
    assert groups_of(client.get("/search/", {"q": "Kasane delegates"}))["sources"].count == 1
    groups = groups_of(client.get("/search/", {"q": "Kasane Ulaanbaatar"}))
    assert sum(group.count for group in groups.values()) == 0
    html = client.get("/search/", {"q": "Kasane Ulaanbaatar"}).content.decode()
    assert "Nothing in the record matches every word" in html


@pytest.mark.parametrize(
    "q,message",
    [
        ("", "Type a place, a name"),
        ("k", "Type at least 2 characters."),
        ("x" * 201, "Keep the search to 200"),
        ("--", "Type a word"),
    ],
)
def test_an_empty_or_unusable_query_explains_itself(client, record, q, message):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["groups"] == []


def test_every_page_has_a_search_box_in_its_header(client, record):
    for path in ("/", "/participants/", "/about/", f"/positions/{record['position'].pk}/"):
        html = client.get(path).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert 'action="/search/"' in header and 'name="q"' in header, path


def test_the_search_runs_a_fixed_number_of_queries(client, record, both_ways):
    counts = []
    for extra in (0, 30):
        for _ in range(extra):
            PositionFactory(agenda_item__meeting=record["kasane"], quote="we will not discuss this", note="Kasane")
        with CaptureQueriesContext(connection) as ctx:
            client.get("/search/", {"q": "Kasane"})
        counts.append(len([q for q in ctx.captured_queries if "version" not in q["sql"]]))
    assert counts[0] == counts[1]


def found(client, q, kind):
    """The primary keys of the kind's results for q, in their order, after checking the count agrees."""
    group = groups_of(client.get("/search/", {"q": q}))[kind]
    assert group.count == len(group.results)
    return [row.pk for row in group.results]


def test_the_records_text_is_escaped_and_only_the_words_marked(client, both_ways):
    SourceFactory(title="A leaked note", text="<script>alert('Marange')</script> was found at Marange fields.")
    html = client.get("/search/", {"q": "Marange"}).content.decode()
    start = html.index('<p class="snippet">') + len('<p class="snippet">')
    snippet = html[start : html.index("</p>", start)]
    assert "&lt;script&gt;alert(" in snippet and "<script" not in html[start:]
    assert re.search(r"<mark>Marange</mark> fields", snippet)
    assert set(re.findall(r"</?(\w+)", snippet)) == {"mark"}


def test_a_participant_is_found_by_another_name_alone(client, both_ways):
    congo = ParticipantFactory(code="COD", name="Democratic Republic of the Congo")
    ParticipantAlias.objects.create(participant=congo, name="Zaire")
    assert found(client, "Zaire", "participants") == [congo.pk]
    html = client.get("/search/", {"q": "zaire"}).content.decode()
    assert f'href="{congo.get_absolute_url()}"' in html
    # The snippet is of the participant's own text (where the words are not).
    assert re.search(r'<p class="snippet">[^<]*Republic of the Congo', html)


# A record of each kind, made with `field` set (an alias makes its participant a result).
MAKERS = {
    "meetings": MeetingFactory,
    "issues": IssueFactory,
    "proposals": lambda **field: Proposal.objects.create(
        agenda_item=AgendaItemFactory(), stage=Stage.DECISION, **field
    ),
    "positions": PositionFactory,
    "participants": ParticipantFactory,
    "people": PersonFactory,
    "sources": SourceFactory,
}
CASES = [(kind.key, name) for kind in search.KINDS for name in kind.fields] + [("aliases", "name")]


@pytest.mark.parametrize("key,name", CASES, ids=[f"{key}.{name}" for key, name in CASES])
def test_every_field_of_every_kind_is_searched_as_it_is_written_edited_and_deleted(client, key, name):
    """Through the indexes on SQLite: they follow each table's inserts, updates and deletes."""

    def words(word):
        return word.upper() if name == "code" else f"Talks on {word}, in the field"

    if key == "aliases":
        record = ParticipantAlias.objects.create(participant=ParticipantFactory(), **{name: words("Quetzal")})
        kind, result = "participants", record.participant_id
    else:
        record = MAKERS[key](**{name: words("Quetzal")})
        kind, result = key, record.pk
    assert found(client, "Quetzal", kind) == [result]
    setattr(record, name, words("Tlaloc"))
    record.save()
    assert found(client, "Tlaloc", kind) == [result]
    assert found(client, "Quetzal", kind) == []
    record.delete()
    assert found(client, "Tlaloc", kind) == []


def test_fts5_finds_a_word_by_its_beginning_not_by_any_part(client, record, fts5):
    assert found(client, "Kasan", "meetings") == [record["kasane"].pk]
    assert found(client, "asane", "meetings") == []
    assert "<mark>Kasane</mark>" in client.get("/search/", {"q": "kasan"}).content.decode()
    # Whatever the case and the accents.
    cote = ParticipantFactory(code="CIV", name="Côte d'Ivoire")
    assert found(client, "COTE", "participants") == [cote.pk]
    # A participant by the beginning of another of its names.
    assert found(client, "Feder", "participants") == [record["russia"].pk]


def test_fts5_reads_the_words_as_words_not_as_its_query_syntax(client, record, fts5):
    """FTS5's operators and column filters typed in the box are words to find."""
    MeetingFactory(title="Talks in Kasane, not in Gaborone", slug="gaborone")
    assert len(found(client, "Kasane NOT Gaborone", "meetings")) == 1
    assert found(client, "Kasane OR Ulaanbaatar", "meetings") == []
    assert found(client, "title: Kasane*", "meetings") == []


def test_fts5_ranks_a_record_with_the_words_in_its_title_first(client, fts5):
    in_notes = MeetingFactory(title="An intersessional", city="Gaborone", notes="Marange was raised.")
    in_title = MeetingFactory(
        title="The Marange plenary",
        city="Gaborone",
        summary="A long summary of the meeting that follows the agenda item by item, naming the chair, the "
        "working groups, the participants who spoke, the observers who walked out and the final communique.",
    )
    assert found(client, "Marange", "meetings") == [in_title.pk, in_notes.pk]


def test_fts5_indexes_agree_with_their_tables_after_bulk_loads_edits_and_deletes(client, kp_data, fts5):
    for key, name in CASES:
        if key != "aliases":
            record = MAKERS[key](**{name: "QUETZAL" if name == "code" else "Quetzal"})
            setattr(record, name, "TLALOC" if name == "code" else "Tlaloc")
            record.save()
            record.delete()
    problems = []
    with connection.cursor() as cursor:
        for table in [f"pages_search_{kind.key}" for kind in search.KINDS] + ["pages_search_aliases"]:
            try:  # FTS5 compares its index with the table it indexes
                cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")  # noqa: S608
            except DatabaseError as error:
                problems.append(f"{table}: {error}")
    assert problems == []
    # The curated data, loaded in bulk, is found.
    assert len(found(client, "Kasane", "meetings")) == 1


def test_a_table_whose_triggers_were_dropped_is_searched_plainly_till_the_migration_mends_it(client, fts5, caplog):
    """As Django's rebuild of a table on SQLite drops its triggers: a migration then runs create() again."""
    with connection.cursor() as cursor:
        for trigger in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER pages_search_meetings_{trigger}")
    unseen = MeetingFactory(title="Talks at Marange")
    search.fts5_ready.cache_clear()  # as in a new process
    try:
        # Plain, so the new meeting is found, by any part of a word; the log says why.
        assert found(client, "arange", "meetings") == [unseen.pk]
        assert "pages_search_meetings_insert" in caplog.text
        migration = importlib.import_module("pages.migrations.0001_sqlite_fts5")
        editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
        migration.create(None, editor)
        search.fts5_ready.cache_clear()
        caches["pages"].clear()  # the record did not change: the pages of the plain search are still cached
        # Indexed again, the meeting made meanwhile with the others, and followed from now on.
        assert found(client, "arange", "meetings") == []
        assert found(client, "Marange", "meetings") == [unseen.pk]
        unseen.title = "Talks at Mbada"
        unseen.save()
        assert found(client, "Mbada", "meetings") == [unseen.pk]
    finally:
        search.fts5_ready.cache_clear()
