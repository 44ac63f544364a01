"""bench/: /alignment/ measured against its bare SQL (issue 15), from the probe to the report."""

import pytest

from bench.outcome import AlignmentSpeed
from bench.phases import pages
from positions.models import ProposalAccount
from tests.factories import AgendaItemFactory, ParticipantFactory, PositionFactory


@pytest.fixture
def record(db):
    """Three participants sided on three proposals, one on a fourth; a fifth was adopted by consensus."""
    rus, usa, chn = (ParticipantFactory(code=code) for code in ("RUS", "USA", "CHN"))
    items = [AgendaItemFactory() for _ in range(5)]
    sides = [[rus, usa, chn], [rus, usa, chn], [rus, usa, chn], [usa], [rus, usa, chn]]
    for item, participants in zip(items, sides, strict=True):
        for participant in participants:
            PositionFactory(agenda_item=item, participant=participant, stance="supports")
    PositionFactory(agenda_item=items[3], participant=chn, stance="neutral")  # takes no side: not counted
    ProposalAccount.objects.create(proposal=items[4].proposals.get(), result="adopted", decided_by="consensus")


def test_the_probe_times_the_page_the_orm_and_the_bare_sql_and_counts_what_the_join_reads(record):
    from bench import probes

    measured = probes.task_alignment(requests=probes.MIN_ROUNDS)
    assert {k: measured[k] for k in ("alignment_positions", "alignment_proposals", "alignment_position_pairs")} == {
        "alignment_positions": 10,
        "alignment_proposals": 4,
        "alignment_position_pairs": 9,  # three on each of three proposals, none on the fourth
    }
    assert measured["alignment_pairs"] == 3
    assert measured["alignment_rounds"] == probes.MIN_ROUNDS
    assert measured["alignment_sql_limit_s"] == probes.ALIGNMENT_LIMIT_S
    assert measured["alignment_cache_misses"] == 0
    for key in ("alignment_ms", "alignment_uncached_ms", "alignment_orm_ms", "alignment_sql_ms"):
        assert measured[key] > 0, key

    result = pages.alignment(measured | {"matrix_ms": 1.0})  # the probe's other tasks' keys are left aside
    assert result.alignment_pairs == 3
    assert result.alignment_orm_ratio == measured["alignment_orm_ms"] / measured["alignment_sql_ms"]
    assert result.alignment_uncached_ratio == measured["alignment_uncached_ms"] / measured["alignment_sql_ms"]
    assert result.alignment_ratio == measured["alignment_ms"] / measured["alignment_sql_ms"]


def test_nothing_is_timed_when_the_bare_sql_does_not_finish_within_the_limit(record, monkeypatch):
    from bench import probes

    limits = []
    monkeypatch.setattr(probes, "fetch_all_within", lambda sql, params, limit_s: limits.append(limit_s))
    measured = probes.task_alignment(requests=probes.MIN_ROUNDS)
    assert limits == [probes.ALIGNMENT_LIMIT_S]
    assert measured == {
        "alignment_positions": 10,
        "alignment_proposals": 4,
        "alignment_position_pairs": 9,
        "alignment_sql_limit_s": probes.ALIGNMENT_LIMIT_S,
        "alignment_rounds": 0,
    }
    assert pages.alignment(measured).alignment_ratio is None


def test_the_ratios_are_over_the_bare_sql_of_the_same_run():
    probe = {"alignment_ms": 2.0, "alignment_uncached_ms": 1100.0, "alignment_orm_ms": 1050.0}
    result = pages.alignment(probe | {"alignment_sql_ms": 1000.0})
    assert (result.alignment_ratio, result.alignment_uncached_ratio, result.alignment_orm_ratio) == (0.002, 1.1, 1.05)
    assert pages.alignment({}) == AlignmentSpeed()  # an older probe without the task: nothing measured


def test_the_limit_stops_a_statement_on_postgresql(db):
    from django.db import connection

    from bench import probes

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    assert probes.fetch_all_within("SELECT pg_sleep(%s)", [2], limit_s=0.05) is None
    assert probes.fetch_all_within("SELECT %s", [1], limit_s=5) == [(1,)]  # and the connection still works
