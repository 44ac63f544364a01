"""`manage.py generate_synthetic`: realistic synthetic data that never mixes silently with the record."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from meetings.models import Meeting, MeetingKind, Participant, ParticipantKind, Person, Source
from positions.models import AgendaItem, Attribution, Issue, Position, Stance
from synthetic.generator import Plan
from tests.factories import MeetingFactory, ParticipantFactory, PositionFactory

pytestmark = pytest.mark.django_db

SCALE = "0.01"


def generate(*args, scale=SCALE):
    """Run the command; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("generate_synthetic", "--scale", scale, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    """The generated data, independent of primary keys."""
    return {
        "participants": list(Participant.objects.order_by("code").values_list("code", "name", "kind", "has_veto")),
        "meetings": list(
            Meeting.objects.order_by("slug").values_list("slug", "title", "start_date", "end_date", "chair__code")
        ),
        "sources": list(Source.objects.order_by("slug").values_list("slug", "title", "text")),
        "positions": list(
            Position.objects.order_by(
                "agenda_item__meeting__slug", "agenda_item__issue__slug", "participant__code", "stance", "source__slug"
            ).values_list(
                "agenda_item__meeting__slug",
                "agenda_item__issue__slug",
                "participant__code",
                "stance",
                "source__slug",
                "attribution",
                "reported_by__code",
                "reported_by_outlet",
                "speaker__slug",
                "quote",
            )
        ),
    }


@pytest.fixture
def synthetic(db):
    return generate()


def test_scale_001_makes_the_planned_counts_and_exactly_1000_positions(synthetic):
    plan = Plan.for_scale(0.01)
    assert Position.objects.count() == 1000
    assert Participant.objects.count() == plan.participants
    assert 50 <= plan.participants <= 80
    assert Issue.objects.count() == plan.issues
    assert Meeting.objects.count() == plan.meetings
    assert Source.objects.count() == plan.sources
    assert Person.objects.count() == plan.people
    held = Meeting.objects.filter(status="held").count()
    assert 3.5 <= AgendaItem.objects.count() / held <= 6.5
    assert "Made" in synthetic[0]
    assert "1,000 positions" in synthetic[0]


def test_scale_1_plan_matches_the_brief_and_positions_grow_linearly():
    one, ten = Plan.for_scale(1), Plan.for_scale(10)
    assert (one.participants, one.issues, one.meetings, one.sources, one.positions) == (200, 60, 150, 100, 100_000)
    assert ten.positions == 1_000_000
    assert one.participants < ten.participants < 2 * one.participants
    assert one.meetings < ten.meetings < 2 * one.meetings


def test_every_row_is_marked_synthetic_and_the_database_constraints_hold(synthetic):
    # Deferred foreign keys are checked here, not only at commit.
    connection.check_constraints()
    for model in (Meeting, Participant, Issue, Source, Person):
        assert not model.objects.exclude(slug__startswith="synthetic-").exists(), model
    assert set(Meeting.objects.values_list("notes", flat=True)) == {"synthetic"}
    assert set(Participant.objects.values_list("notes", flat=True)) == {"synthetic"}
    assert set(Source.objects.values_list("notes", flat=True)) == {"synthetic"}
    duplicates = (
        Position.objects.values("agenda_item", "participant", "stance", "source")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()


def test_participants_are_mostly_veto_holding_governments_with_codes_no_real_country_uses(synthetic):
    participants = list(Participant.objects.all())
    kinds = Counter(p.kind for p in participants)
    observers = [p for p in participants if not p.has_veto]
    assert kinds[ParticipantKind.GOVERNMENT] > 0.8 * len(participants)
    assert kinds[ParticipantKind.REGIONAL_ORGANISATION] >= 1
    assert 0.05 <= len(observers) / len(participants) <= 0.15
    assert all(p.kind not in (ParticipantKind.GOVERNMENT, ParticipantKind.REGIONAL_ORGANISATION) for p in observers)
    for p in participants:
        if p.kind == ParticipantKind.GOVERNMENT:
            # ISO 3166-1 keeps QM–QZ for user-assigned codes: no country will ever have one.
            assert re.fullmatch(r"Q[M-Z][A-Z]", p.code), p.code
        else:
            assert re.fullmatch(r"Q(RO|OB)\d\d", p.code), p.code


def test_meetings_span_25_years_with_numbered_plenaries_vague_dates_and_virtual_sessions(synthetic):
    plenaries = Meeting.objects.filter(kind=MeetingKind.PLENARY)
    assert plenaries.count() == 25
    assert sorted(plenaries.values_list("number", flat=True)) == list(range(1, 26))
    assert len({m.start_date.year for m in plenaries}) == 25
    assert Meeting.objects.filter(kind=MeetingKind.SPECIAL_SESSION).exists()
    assert Meeting.objects.filter(kind=MeetingKind.INTERSESSIONAL).count() > 10
    month = Meeting.objects.filter(date_precision="month")
    year = Meeting.objects.filter(date_precision="year")
    assert month.exists() and year.exists()
    assert all(m.start_date.day == 1 for m in month)
    assert all((m.start_date.month, m.start_date.day) == (1, 1) for m in year)
    virtual = Meeting.objects.filter(is_virtual=True)
    assert 0 < virtual.count() < Meeting.objects.count() / 4
    assert set(virtual.values_list("host_country", flat=True)) == {""}
    in_person = Meeting.objects.filter(is_virtual=False)
    assert all(re.fullmatch(r"[A-Z]{3}", m.host_country) and m.city for m in in_person)


def test_stance_mix_has_every_stance_and_blocks_are_rare_and_concentrated(synthetic):
    stances = Counter(Position.objects.values_list("stance", flat=True))
    assert set(stances) == set(Stance.values)
    assert stances.most_common(1)[0][0] == Stance.SUPPORTS
    assert 0 < stances[Stance.BLOCKS] < stances[Stance.SUPPORTS] / 10
    blocks = Position.objects.blocks()
    assert not blocks.filter(participant__has_veto=False).exists(), "observers have no veto to block with"
    by_participant = Counter(blocks.values_list("participant__code", flat=True))
    top_three = sum(n for _, n in by_participant.most_common(3))
    assert top_three > 0.5 * stances[Stance.BLOCKS]
    assert len(by_participant) < 0.5 * Participant.objects.filter(has_veto=True).count()
    assert not blocks.filter(agenda_item__outcome="adopted").exists(), "an adopted item was not blocked"


def test_attributions_are_about_60_percent_stated_and_reported_ones_name_a_reporter(synthetic):
    stated = Position.objects.filter(attribution=Attribution.STATED)
    reported = Position.objects.filter(attribution=Attribution.REPORTED)
    assert 0.5 <= stated.count() / 1000 <= 0.7
    assert reported.filter(reported_by__isnull=False).exists()
    assert reported.exclude(reported_by_outlet="").exists()
    for position in reported.select_related("participant", "reported_by"):
        assert position.reported_by_outlet or position.reported_by != position.participant
    assert not stated.filter(reported_by__isnull=False).exists()


def test_quotes_run_from_a_sentence_to_a_paragraph_and_sources_have_full_text(synthetic):
    lengths = [len(q) for q in Position.objects.values_list("quote", flat=True)]
    assert min(lengths) >= 20
    assert max(lengths) >= 300
    assert sum(1 for n in lengths if n < 120) > 100, "many quotes are a single sentence"
    assert all(len(text) >= 150 for text in Source.objects.values_list("text", flat=True))
    assert any("\n\n" in text for text in Source.objects.values_list("text", flat=True))


def test_progress_is_reported_on_stderr_every_batch():
    _, err = generate("--batch-size", "250")
    assert Position.objects.count() == 1000
    updates = re.findall(r"positions ([\d,]+)/1,000", err)
    assert updates == ["250", "500", "750", "1,000"]


def test_running_twice_without_flush_refuses_and_changes_nothing(synthetic):
    before = snapshot()
    with pytest.raises(CommandError, match=r"already holds synthetic data.*--flush-synthetic"):
        generate()
    assert Position.objects.count() == 1000
    assert snapshot() == before


def test_refuses_a_database_with_curated_data():
    MeetingFactory(title="Curated plenary", slug="curated-plenary", number=21)
    with pytest.raises(CommandError, match=r"curated data \(1 meetings?\).*--force-with-curated"):
        generate()
    assert Meeting.objects.count() == 1
    assert not Position.objects.exists()
    assert not Participant.objects.exists()


def test_force_with_curated_adds_synthetic_rows_beside_the_curated_ones():
    curated = MeetingFactory(title="Curated plenary", slug="curated-plenary", number=21)
    ParticipantFactory(code="RUS", name="Russian Federation", slug="russia")
    generate("--force-with-curated")
    assert Position.objects.count() == 1000
    assert Meeting.objects.filter(pk=curated.pk).exists()
    assert Participant.objects.filter(code="RUS", slug="russia").exists()
    # Synthetic plenaries are numbered after the curated ones, so (kind, number) stays unique.
    numbers = Meeting.objects.filter(slug__startswith="synthetic-plenary").values_list("number", flat=True)
    assert sorted(numbers) == list(range(22, 47))


def curated_snapshot():
    rows = {
        model._meta.label: sorted(model.objects.values_list("pk", "updated_at"))
        for model in (Meeting, Participant, Issue, Source, Person, AgendaItem, Position)
    }
    # Every table, history and link tables included: a flush leaves nothing behind.
    counts = {model._meta.label: model._base_manager.count() for model in apps.get_models(include_auto_created=True)}
    return rows, counts


def test_the_curated_dataset_is_refused_then_kept_intact_beside_synthetic_data_and_after_a_flush(kp_data):
    before = curated_snapshot()
    with pytest.raises(CommandError, match="curated data"):
        generate()
    generate("--force-with-curated")
    assert Position.objects.filter(agenda_item__meeting__slug__startswith="synthetic-").count() == 1000
    curated_plenaries = Meeting.objects.filter(kind=MeetingKind.PLENARY).exclude(slug__startswith="synthetic-")
    highest = max(n for n in curated_plenaries.values_list("number", flat=True) if n)
    synthetic_numbers = Meeting.objects.filter(slug__startswith="synthetic-plenary").values_list("number", flat=True)
    assert min(synthetic_numbers) == highest + 1
    generate("--flush-only")
    assert curated_snapshot() == before


def test_flush_synthetic_replaces_the_old_synthetic_rows(synthetic):
    old_positions = set(Position.objects.values_list("pk", flat=True))
    old_meetings = set(Meeting.objects.values_list("pk", flat=True))
    out, _ = generate("--flush-synthetic", "--seed", "99")
    assert "Deleted synthetic data: 1000 positions" in out
    assert Position.objects.count() == 1000
    assert not Position.objects.filter(pk__in=old_positions).exists()
    assert not Meeting.objects.filter(pk__in=old_meetings).exists()
    assert Meeting.objects.count() == Plan.for_scale(0.01).meetings


def test_flush_only_clears_links_from_curated_rows_to_synthetic_people():
    curated = PositionFactory(participant=ParticipantFactory(code="RUS", name="Russian Federation", slug="russia"))
    generate("--force-with-curated")
    synthetic_person = Person.objects.filter(slug__startswith="synthetic-").first()
    Position.objects.filter(pk=curated.pk).update(speaker=synthetic_person)
    out, _ = generate("--flush-only")
    assert "1000 positions" in out
    assert list(Position.objects.all()) == [curated]
    assert Position.objects.get().speaker is None
    for model in (Meeting, Participant, Issue, Source, Person):
        assert not model.objects.filter(slug__startswith="synthetic-").exists()


def chaired_by_synthetic(curated):
    meeting = curated.agenda_item.meeting
    meeting.chair = Participant.objects.get(code="QRO01")
    meeting.save()


def stated_by_synthetic(curated):
    PositionFactory(agenda_item=curated.agenda_item, participant=Participant.objects.get(code="QRO01"))


def citing_synthetic(curated):
    PositionFactory(agenda_item=curated.agenda_item, source=Source.objects.filter(slug__startswith="synthetic-")[0])


def on_synthetic_issue(curated):
    AgendaItem.objects.create(meeting=curated.agenda_item.meeting, issue=Issue.objects.get(slug="synthetic-issue-001"))


@pytest.mark.parametrize("link", [chaired_by_synthetic, stated_by_synthetic, citing_synthetic, on_synthetic_issue])
def test_flush_refuses_when_curated_rows_need_synthetic_ones(link):
    curated = PositionFactory()
    generate("--force-with-curated")
    link(curated)
    before = Position.objects.count()
    with pytest.raises(CommandError, match="Curated rows refer to synthetic ones"):
        generate("--flush-only")
    assert Position.objects.count() == before, "the failed flush was rolled back"
    assert Meeting.objects.filter(slug__startswith="synthetic-").exists()


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    generate("--seed", "7")
    first = snapshot()
    generate("--flush-synthetic", "--seed", "7")
    assert snapshot() == first
    generate("--flush-synthetic", "--seed", "8")
    assert snapshot()["positions"] != first["positions"]


@pytest.mark.parametrize("scale", ["0", "-1", "nan", "inf", "lots"])
def test_scale_must_be_a_positive_number(scale):
    with pytest.raises(CommandError, match="scale"):
        generate(scale=scale)
    assert not Participant.objects.exists()
