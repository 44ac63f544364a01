"""The curated dataset (fixtures/kp.json): it loads, it is honest to its sources, and it loads all or nothing."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import IntegrityError

from governance.models import Chair, MembershipEvent, WorkingBody
from meetings.models import Meeting, Participant, Person, Source
from positions.models import AgendaItem, Issue, Position, Proposal, ProposalAccount

pytestmark = pytest.mark.django_db

MODELS = [
    Participant,
    Person,
    Source,
    Meeting,
    Issue,
    AgendaItem,
    Proposal,
    ProposalAccount,
    Position,
    WorkingBody,
    Chair,
    MembershipEvent,
]
# Models with no natural key: the fixture gives their rows explicit pks (1..N), so that loading twice updates them.
PK_MODELS = {"positions.position", "positions.proposalaccount", "governance.chair", "governance.membershipevent"}

# Which seed article each source was built from (the text must be the file's content, verbatim).
SEED_FILES = {
    "2024-05-dubai-intersessional-opens": "000_6ab0e6a6f1796445.txt",
    "2021-06-intersessional-acrimonious-close": "001_0d9d3cda3850dc14.txt",
    "2018-06-antwerp-intersessional-kicks-off": "002_2397815f70e4030b.txt",
    "2022-jck-kp-no-longer-works": "003_f381f992020d8dd9.txt",
    "2024-11-russia-blocks-ukraine-discussion": "004_5bd52ac1c62a0de9.txt",
}
INTERVIEW_HEADING = "## Kimberley Process Stalled"
TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def fixture_path():
    return Path(settings.BASE_DIR) / "fixtures" / "kp.json"


def seeds_dir():
    return Path(settings.BASE_DIR).parent / "shared" / "seeds"


def normalise(text):
    return re.sub(r"\s+", " ", text.translate(TYPOGRAPHIC)).strip()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def data_models():
    """The dataset's models; the change-history tables are an audit log keyed by id, not part of it."""
    models = [
        *apps.get_app_config("meetings").get_models(),
        *apps.get_app_config("positions").get_models(),
        *apps.get_app_config("governance").get_models(),
    ]
    return [
        model
        for model in models
        if not model._meta.model_name.startswith("historical") and model._meta.model_name != "dataversion"
    ]


def snapshot():
    """Every row of the meetings, positions and governance apps, by natural keys, without pks or updated_at."""
    rows = []
    models = data_models()
    for model in models:
        for row in serializers.serialize(
            "python", model.objects.all(), use_natural_foreign_keys=True, use_natural_primary_keys=True
        ):
            fields = {key: value for key, value in row["fields"].items() if key != "updated_at"}
            for key, value in fields.items():
                if isinstance(value, list):  # many-to-many: order does not matter
                    fields[key] = sorted(value)
            rows.append(json.dumps({"model": row["model"], "fields": fields}, sort_keys=True, default=str))
    return sorted(rows)


@pytest.fixture
def dataset(kp_data):
    """The curated dataset, as loaddata loads it (copied from the session's one load: see conftest)."""


def position(meeting, issue, code, stance):
    return Position.objects.filter(
        agenda_item__meeting__slug=meeting, agenda_item__issue__slug=issue, participant__code=code, stance=stance
    )


# --- loading -----------------------------------------------------------------------------------------------------


def test_fixture_uses_natural_keys_where_the_model_has_them():
    objects = json.loads(fixture_path().read_text(encoding="utf-8"))
    assert objects
    # A pk would let loaddata overwrite an editor's rows: only models with no natural key carry one.
    assert all("pk" not in obj for obj in objects if obj["model"] not in PK_MODELS)
    for label in PK_MODELS:
        pks = [obj["pk"] for obj in objects if obj["model"] == label]
        assert pks and sorted(pks) == list(range(1, len(pks) + 1)), label


def test_dataset_loads(db):
    call_command("loaddata", "kp", verbosity=0)
    loaded = counts()
    assert all(loaded.values()), loaded
    assert sum(1 for source in Source.objects.all() if source.is_stored) == len(SEED_FILES)


def test_loading_twice_creates_no_duplicates(dataset):
    first = counts()
    before = snapshot()
    call_command("loaddata", "kp", verbosity=0)
    assert counts() == first
    assert snapshot() == before


def test_loading_keeps_rows_an_editor_added():
    editors = Issue.objects.create(title="An editor's issue", slug="editors-issue", description="Added by hand.")
    call_command("loaddata", "kp", verbosity=0)
    editors.refresh_from_db()
    assert editors.title == "An editor's issue"
    assert Issue.objects.filter(slug="definition-of-conflict-diamonds").exists()


def test_dumpdata_flush_loaddata_round_trip(dataset, tmp_path):
    before = snapshot()
    dump = tmp_path / "round_trip.json"
    call_command(
        "dumpdata",
        *[model._meta.label for model in data_models()],
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not any(counts().values())
    call_command("loaddata", str(dump), verbosity=0)
    assert snapshot() == before


# --- a broken fixture loads nothing ---------------------------------------------------------------------------------


def _with_bad_stance(objects):
    bad = json.loads(json.dumps(next(o for o in reversed(objects) if o["model"] == "positions.position")))
    bad["fields"]["stance"] = "xyz"
    objects.append(bad)


def _with_bad_outcome(objects):
    bad = json.loads(json.dumps(next(o for o in objects if o["model"] == "positions.agendaitem")))
    bad["fields"]["outcome"] = "xyz"
    objects.append(bad)


def _with_duplicate_plenary_number(objects):
    bad = json.loads(json.dumps(next(o for o in objects if o["fields"].get("slug") == "2024-11-plenary-dubai")))
    bad["fields"]["slug"] = "2024-11-plenary-dubai-again"
    objects.append(bad)


BREAKAGES = [_with_bad_stance, _with_bad_outcome, _with_duplicate_plenary_number]
CHANGED_TITLE = "Changed by a broken fixture"


def broken_copy(tmp_path, breakage):
    """kp.json with the first meeting retitled (to catch partial updates) and one bad object at the very end."""
    objects = json.loads(fixture_path().read_text(encoding="utf-8"))
    next(o for o in objects if o["model"] == "meetings.meeting")["fields"]["title"] = CHANGED_TITLE
    breakage(objects)
    path = tmp_path / "kp_broken.json"
    path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__.removeprefix("_with_"))
def test_broken_fixture_loads_nothing_into_an_empty_database(tmp_path, breakage):
    path = broken_copy(tmp_path, breakage)
    with pytest.raises(IntegrityError):
        call_command("loaddata", str(path), verbosity=0)
    assert not any(counts().values())


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__.removeprefix("_with_"))
def test_broken_fixture_changes_nothing_after_a_good_load(dataset, tmp_path, breakage):
    before_counts, before = counts(), snapshot()
    path = broken_copy(tmp_path, breakage)
    with pytest.raises(IntegrityError):
        call_command("loaddata", str(path), verbosity=0)
    assert counts() == before_counts
    assert snapshot() == before
    assert not Meeting.objects.filter(title=CHANGED_TITLE).exists()


def test_a_repeated_object_merges_by_natural_key(tmp_path):
    """With natural keys and no pks, a second copy of an agenda item updates the first: no duplicate row."""
    objects = json.loads(fixture_path().read_text(encoding="utf-8"))
    objects.append(json.loads(json.dumps(next(o for o in objects if o["model"] == "positions.agendaitem"))))
    path = tmp_path / "kp_repeated.json"
    path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    once = counts()
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    call_command("loaddata", "kp", verbosity=0)
    assert counts() == once


# --- honesty to the sources --------------------------------------------------------------------------------------


def test_every_quote_is_in_its_source(dataset):
    for pos in Position.objects.select_related("source"):
        if pos.evidence == "cited":
            assert pos.quote == "" and not pos.source.is_stored, pos
            continue
        assert pos.quote and pos.quote_verified, pos
        assert normalise(pos.quote) in normalise(pos.source.text), f"{pos}: {pos.quote!r}"


def test_every_source_text_is_its_seed_file_verbatim(dataset):
    folder = seeds_dir()
    if not folder.is_dir():
        pytest.skip(f"the seed articles are not beside the project ({folder} is absent)")
    assert set(Source.objects.exclude(text="").values_list("slug", flat=True)) == set(SEED_FILES)
    # Every other source is a public page that is cited, never stored.
    assert not Source.objects.exclude(slug__in=SEED_FILES).exclude(text="").exists()
    for slug, name in SEED_FILES.items():
        expected = (folder / name).read_bytes().decode("utf-8")
        assert Source.objects.get(slug=slug).text == expected, slug


def test_nothing_is_recorded_from_the_interview(dataset):
    """The second half of the 2024 plenary article is an interview with a placeholder name: commentary."""
    for pos in Position.objects.select_related("source"):
        text, quote = normalise(pos.source.text), normalise(pos.quote)
        assert "Alex Reed" not in pos.quote
        assert "wpaert" not in pos.quote
        if INTERVIEW_HEADING in text:
            assert quote in text[: text.index(INTERVIEW_HEADING)], f"{pos} quotes the interview"


def test_reported_positions_name_exactly_one_reporter(dataset):
    """A participant or an outlet, never both; a reporting person only beside the participant he speaks for."""
    for pos in Position.objects.select_related("reported_by_person"):
        reporters = [bool(pos.reported_by_id), bool(pos.reported_by_outlet)]
        if pos.attribution == "stated":
            assert reporters == [False, False] and pos.reported_by_person is None, pos
        else:
            assert sum(reporters) == 1, pos
            if pos.reported_by_person is not None:
                assert pos.reported_by_person.affiliation_id == pos.reported_by_id, pos


def test_public_record_fills_are_noted(dataset):
    # Every meeting whose date, place or chair goes beyond what its sources say explains it in notes.
    for slug in [
        "2019-11-plenary-new-delhi",
        "2022-06-intersessional-kasane",
        "2022-11-plenary-gaborone",
        "2023-11-plenary-victoria-falls",
        "2024-11-plenary-dubai",
    ]:
        assert "public record" in Meeting.objects.get(slug=slug).notes, slug


# --- key facts ---------------------------------------------------------------------------------------------------


def test_21st_plenary_dubai(dataset):
    plenary = Meeting.objects.get(kind="plenary", number=21)
    assert plenary.slug == "2024-11-plenary-dubai"
    assert (plenary.city, plenary.host_country) == ("Dubai", "ARE")
    assert (plenary.start_date, plenary.end_date) == (datetime.date(2024, 11, 12), datetime.date(2024, 11, 15))
    assert plenary.date_precision == "day"
    car = AgendaItem.objects.get(meeting=plenary, issue__slug="car-export-restrictions")
    assert car.outcome == "adopted"
    assert "enhanced vigilance" in car.outcome_note
    # What was adopted is the lifting of the restrictions (issue 13, finding 2).
    (lifting,) = car.proposals.all()
    assert lifting.text.startswith("Lift ") and "enhanced vigilance" in lifting.text
    # Two accounts (the seed's and a public page's), both of an adoption.
    assert {account.result for account in lifting.accounts.all()} == {"adopted"}


def test_russia_blocks_the_ukraine_issue_at_four_plenaries(dataset):
    years = {
        pos.agenda_item.meeting.start_date.year
        for pos in Position.objects.blocks()
        .filter(
            participant__code="RUS", agenda_item__issue__slug="russia-ukraine", agenda_item__meeting__kind="plenary"
        )
        .select_related("agenda_item__meeting")
    }
    assert years == {2022, 2023, 2024, 2025}


def test_2021_intersessional(dataset):
    meeting = Meeting.objects.get(kind="intersessional", start_date__year=2021)
    assert meeting.is_virtual
    assert meeting.host_country == ""
    assert meeting.chair.code == "RUS"
    assert meeting.chair_person.slug == "alexey-moiseev"
    assert (meeting.start_date, meeting.end_date) == (datetime.date(2021, 6, 21), datetime.date(2021, 6, 25))
    blockers = set(
        Position.objects.blocks()
        .filter(agenda_item__meeting=meeting, agenda_item__issue__slug="definition-of-conflict-diamonds")
        .values_list("participant__code", flat=True)
    )
    assert blockers == {"CHN", "IND", "AGO", "ZAF", "COD", "ZWE"}
    item = AgendaItem.objects.get(meeting=meeting, issue__slug="definition-of-conflict-diamonds")
    assert item.outcome == "no_consensus"


def test_civil_society_walks_out_of_the_2023_plenary(dataset):
    # An act on the meeting as a whole, not a stance on the Russia–Ukraine item (issue 13, finding 4).
    walk_out = Position.objects.get(
        participant__code="KPCSC", act="walk_out", meeting__slug="2023-11-plenary-victoria-falls", evidence="quoted"
    )
    assert walk_out.proposal is None and walk_out.agenda_item is None
    assert walk_out.attribution == "reported"
    assert "walked out" in walk_out.quote
    meeting = walk_out.meeting
    # "last November" in the source; the days 6–10 November 2023 are public record, cited on the meeting.
    assert (meeting.start_date, meeting.end_date, meeting.date_precision, meeting.host_country) == (
        datetime.date(2023, 11, 6),
        datetime.date(2023, 11, 10),
        "day",
        "ZWE",
    )
    assert meeting.sources.filter(text="", url__contains="gov.uk").exists()


def test_2018_antwerp_intersessional(dataset):
    meeting = Meeting.objects.get(kind="intersessional", start_date__year=2018)
    assert (meeting.city, meeting.host_country) == ("Antwerp", "BEL")
    assert (meeting.participants_count, meeting.countries_count) == (54, 81)
    assert meeting.chair.code == "EU"
    assert meeting.chair_person.name == "Hilde Hardeman"


def test_2020_intersessional_was_cancelled(dataset):
    meeting = Meeting.objects.get(kind="intersessional", start_date__year=2020)
    assert meeting.status == "cancelled"
    assert meeting.city == "Moscow"
    assert (meeting.planned_city, meeting.planned_host_country) == ("Moscow", "RUS")
    assert not meeting.agenda_items.exists()


def test_kasane_2022_kept_the_ukraine_issue_off_the_agenda(dataset):
    item = AgendaItem.objects.get(meeting__slug="2022-06-intersessional-kasane", issue__slug="russia-ukraine")
    assert item.outcome == "not_discussed"
    supporters = set(item.positions.filter(stance="supports").values_list("participant__code", flat=True))
    # The civil society coalition supported excluding Russia from the meeting (the Botswana Gazette).
    assert supporters == {"USA", "EU", "CAN", "AUS", "CHE", "GBR", "JPN", "UKR", "KPCSC"}
    assert position("2022-06-intersessional-kasane", "russia-ukraine", "RUS", "opposes").exists()


def test_observers_hold_no_veto(dataset):
    for code in ("KPCSC", "WDC", "AWDC"):
        assert not Participant.objects.get(code=code).has_veto, code
    assert Participant.objects.get(code="EU").has_veto
    observers = set(Participant.objects.observers().values_list("code", flat=True))
    assert {"KPCSC", "WDC", "AWDC", "ADPA", "GW", "PAC"} <= observers
    assert not Participant.objects.filter(code__in=observers, has_veto=True).exists()


def test_meeting_ties_are_recorded_and_the_inferred_one_says_so(dataset):
    session = Meeting.objects.get(slug="2024-05-special-session-dubai")
    assert session.part_of.slug == "2024-05-intersessional-dubai"
    virtual = Meeting.objects.get(slug="2021-06-intersessional-virtual")
    assert (virtual.planned_city, virtual.planned_host_country) == ("Moscow", "RUS")
    assert virtual.replaces.slug == "2020-06-intersessional-moscow-cancelled"
    assert virtual.ties_inferred and "is a reading" in virtual.notes
    assert not session.ties_inferred  # the source calls it the Special Session "at this Intersessional"


def test_no_chair_is_recorded_for_2020(dataset):
    # Russia's chairmanship was postponed from 2020 to 2021; the notes cite where that is public record.
    cancelled = Meeting.objects.get(slug="2020-06-intersessional-moscow-cancelled")
    assert cancelled.chair is None
    assert "Russia chaired the KP in 2020" not in cancelled.notes
    assert "kimberleyprocess.com" in cancelled.notes
    assert cancelled.sources.filter(url__contains="kimberleyprocess.com", text="").exists()
    assert not Chair.objects.of_the_kp().filter(year=2020, role="chair").exists()
