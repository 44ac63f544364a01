"""bench/: the JSON of a run keeps the keys bench/results/latest.json and the README rely on."""

import json
import subprocess
import sys

from bench.outcome import (
    ALIGNMENT_CACHED_RATIO_MAX,
    AlignmentSpeed,
    ExportSpeed,
    ImportSpeed,
    LoadSpeed,
    MatrixAt1x,
    MatrixAt10x,
    Results,
    SqliteSpeed,
    WrkRun,
    goals,
    to_json,
)
from bench.report import report
from bench.run import LARGE_RESULTS, RESULTS, ROOT


def export(rows_per_s):
    return ExportSpeed(
        copy_export_rows_per_s=rows_per_s,
        csv_rows_per_s=rows_per_s,
        copy_rows_per_s=2 * rows_per_s,
        csv_ratio=0.8,
        csv_rss_mb=50.0,
        csv_idle_rss_mb=48.0,
        csv_bytes=1000,
        copy_bytes=900,
        csv_first_byte_s=0.1,
    )


def alignment(sql_ms, pairs):
    return AlignmentSpeed(
        alignment_positions=100 * pairs,
        alignment_proposals=pairs,
        alignment_position_pairs=50 * pairs,
        alignment_pairs=pairs,
        alignment_ms=2.0,
        alignment_cache_misses=0,
        alignment_uncached_ms=sql_ms * 1.1,
        alignment_orm_ms=sql_ms * 1.05,
        alignment_sql_ms=sql_ms,
        alignment_ratio=2.0 / sql_ms,
        alignment_uncached_ratio=1.1,
        alignment_orm_ratio=1.05,
        alignment_rounds=3,
        alignment_sql_limit_s=60.0,
    )


def complete_run(mode="full"):
    r = Results(mode=mode, scales=[1.0, 10.0], database="kptracker_bench", complete=True)
    r.matrix_1x = MatrixAt1x("cache", 1.0, 60.0, 10.0, 6.0, 6.5, 1 / 6, 10 / 6, 100)
    r.alignment_1x = alignment(800.0, 190)
    r.export_1x = export(1e5)
    if mode == "full":
        r.export_profile_rows_per_s = {"copy": 2e5, "copy_export": 1e5, "server_cursor": 1.2e5, "gunicorn_curl": 1e5}
    r.imports = ImportSpeed(20, 2500.0, 8000.0)
    rates = (
        ("baseline", 2000.0),
        ("timeline", 1400.0),
        ("matrix", 1300.0),
        ("positions_page", 800.0),
        ("positions_api", 1200.0),
    )
    runs = {key: WrkRun(rps, "", "7ms") for key, rps in rates}
    r.load = LoadSpeed(2000.0, 1400.0, 1300.0, 0.65, 800.0, 1200.0, 1.5, runs)
    if mode == "full":
        r.load.loadtest_mix_rps, r.load.loadtest_static_rps, r.load.loadtest_ratio = 900.0, 1800.0, 0.5
    r.sqlite = SqliteSpeed(7e4, 3e4, 1.7e4, "datasette 0.65.5")
    r.matrix_10x = MatrixAt10x(1000, 3.0, 120.0, 70.0, {"/": [6, 6]}, {"/": ["/", "/"]})
    r.alignment_10x = alignment(40_000.0, 8911)
    r.export_10x = export(9e4)
    r.timings = {"static_s": 1.0, "total_s": 100.0}
    r.goals = goals(r)
    r.ok, r.commit, r.finished_at = True, "abc1234", "2026-12-01T00:00:00+00:00"
    return r


def test_full_run_has_the_keys_of_the_committed_results():
    committed = json.loads(RESULTS.read_text())
    produced = to_json(complete_run())
    assert list(produced) == list(committed)
    assert set(produced["wrk"]["matrix"]) == set(committed["wrk"]["matrix"])
    assert set(produced["goals"]) == set(committed["goals"])


def test_quick_run_leaves_out_only_the_export_profile():
    committed = set(json.loads(RESULTS.read_text()))
    assert set(to_json(complete_run("quick"))) == committed - {"export_profile_rows_per_s"}


def test_headline_figures_are_those_at_10x_and_floats_are_rounded():
    produced = to_json(complete_run())
    assert produced["csv_rows_per_s"] == produced["csv_rows_per_s_10x"] == 9e4
    assert produced["csv_ratio"] == produced["csv_ratio_10x"]
    assert produced["matrix_ratio"] == 0.167
    assert produced["alignment_ratio_1x"] == 0.0025 and produced["alignment_pairs_10x"] == 8911
    assert produced["alignment_ratio_10x"] == 5e-05  # 2 ms over 40 s: a tiny ratio keeps its digits


def test_the_alignment_is_reported_at_both_scales_against_its_bare_sql():
    r = complete_run()
    text = report(r)
    assert "  1x: 19,000 sided positions on 190 proposals (9,500 pairs of them joined), 190 pairs of" in text
    assert "bare SQL 800.0 ms, alignment_pairs 840.0 ms (1.05), page built from scratch 880.0 ms (1.10)" in text
    assert "from the page cache 2.00 ms (0.0025)\n" in text
    assert "bare SQL 40,000 ms, alignment_pairs 42,000 ms (1.05)" in text  # at 10x
    assert "from the page cache 2.00 ms (5.0e-05)" in text
    assert r.goals["alignment_cached_ratio"] is True
    assert f"goal <= {ALIGNMENT_CACHED_RATIO_MAX:g}: met" in text

    r.alignment_10x.alignment_ratio, r.alignment_10x.alignment_cache_misses = ALIGNMENT_CACHED_RATIO_MAX * 2, 4
    r.goals = goals(r)
    assert r.goals["alignment_cached_ratio"] is False
    assert "from the page cache 2.00 ms (0.2000); 4 of those requests NOT answered by it" in report(r)
    assert "Goals missed: alignment_cached_ratio" in report(r)


def test_report_of_a_complete_and_of_an_aborted_run():
    text = report(complete_run())
    assert "Every measured goal is met." in text
    assert "where the time goes at 1x" in text
    assert "JSON /api/v1/positions 1,200, API/page 1.50" in text

    aborted = Results(mode="quick", scales=[0.02, 0.2], database="kptracker_bench", problems=["wrk exited with 1"])
    aborted.goals = goals(aborted)
    assert set(aborted.goals.values()) == {None}
    assert "BROKEN:\n  - wrk exited with 1" in report(aborted)
    assert "matrix_ms" not in to_json(aborted)


def test_an_alignment_whose_sql_does_not_finish_in_time_is_not_timed_and_the_goal_falls_back_to_1x():
    r = complete_run()
    r.alignment_10x = AlignmentSpeed(
        alignment_positions=10**6, alignment_proposals=1200, alignment_position_pairs=4 * 10**8,
        alignment_rounds=0, alignment_sql_limit_s=60.0,
    )  # fmt: skip
    r.alignment_1x.alignment_ratio = ALIGNMENT_CACHED_RATIO_MAX * 2
    r.goals = goals(r)
    text = report(r)
    assert "  10x: 1,000,000 sided positions on 1,200 proposals (400,000,000 pairs of them joined)\n" in text
    assert "    its bare SQL did not finish within 60 s: not timed\n" in text
    assert "from the page cache over the bare SQL at 1x 0.2000  goal <= 0.1: MISSED" in text
    assert r.goals["alignment_cached_ratio"] is False
    assert to_json(r)["alignment_sql_ms_10x"] is None


def test_issue_17s_goals_are_judged_against_their_baselines_in_the_same_run():
    r = complete_run()
    text = report(r)
    assert "matrix from scratch over its aggregate SQL: 1x 1.67, 10x 1.71  goal <= 2: met / met" in text
    assert "first byte of unfiltered positions.csv at 10x: 0.10 s  goal <= 1 s: met" in text

    r.export_10x.csv_first_byte_s = 8.0
    r.matrix_10x.matrix_uncached_ms_10x = 150.0  # over 70 ms of SQL: 2.14
    r.sqlite.ours_sqlite_csv_rows_per_s = 5e4  # 1.67 times Datasette's
    r.goals = goals(r)
    missed = [name for name, met in r.goals.items() if met is False]
    assert missed == ["matrix_uncached_ratio_10x", "csv_first_byte_10x", "sqlite_twice_datasette"]
    assert "Goals missed: matrix_uncached_ratio_10x, csv_first_byte_10x, sqlite_twice_datasette" in report(r)


def test_the_large_run_reports_the_same_lines_at_1m_and_10m():
    """make bench-large (bench/run.py --large) is a full run at scales 10 and 100: its committed results
    have every key of a full run's, and were measured on 1M and 10M positions."""
    large = json.loads(LARGE_RESULTS.read_text())
    assert large["mode"] == "large" and large["scales"] == [10.0, 100.0]
    assert large["positions_1x"] == 1_000_000 and large["positions_10x"] == 10_000_000
    assert set(large) == set(json.loads(RESULTS.read_text()))
    assert large["ok"] is True


def test_a_large_run_and_a_quick_one_are_refused_together():
    process = subprocess.run(  # noqa: S603
        [sys.executable, "bench/run.py", "--quick", "--large"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert process.returncode == 2 and "choose one" in process.stderr
