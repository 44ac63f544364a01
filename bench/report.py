"""The benchmark's report for a person: each measurement beside its goal, met or missed."""

from bench.outcome import (
    ALIGNMENT_CACHED_RATIO_MAX,
    CACHED_RPS_RATIO_MIN,
    CSV_RATIO_GOAL,
    FIRST_BYTE_S_MAX,
    IMPORT_ROWS_PER_S_MIN,
    LOADTEST_RATIO_MIN,
    MATRIX_RATIO_MAX,
    MATRIX_RPS_RATIO_MIN,
    SQLITE_OVER_DATASETTE_MIN,
    UNCACHED_RATIO_MAX,
    AlignmentSpeed,
    ExportSpeed,
    ImportSpeed,
    LoadSpeed,
    MatrixAt1x,
    MatrixAt10x,
    SqliteSpeed,
    alignment_for_goal,
    issue_17_ratios,
)

PROFILE_STAGES = [
    # (key, label, which stage it builds on: its time per row is shown as an increase over that one)
    ("copy", "COPY of the plain SELECT (position_rows'), CSV made by PostgreSQL", None),
    ("copy_export", "COPY of the export's own statement (formatting, guard in SQL)", "copy"),
    ("server_cursor", "Python path: the plain SELECT through a server-side cursor", None),
    ("position_rows", "+ Django values_list iterator and row tuples", "server_cursor"),
    ("stream_csv", "+ neutralise and csv.writer (stream_csv)", "position_rows"),
    ("test_client", "the view as it runs here, in process (test client)", "copy"),
    ("gunicorn_curl", "the view under gunicorn, read by curl", "test_client"),
]


def fmt(value, unit="", digits=1):
    if value is None:
        return "—"
    if isinstance(value, float) and abs(value) >= 1000:
        return f"{value:,.0f}{unit}"
    return f"{value:,.{digits}f}{unit}"


def verdict(ok):
    return {True: "met", False: "MISSED", None: "not measured"}[ok]


def profile_lines(profile):
    lines = [
        "  where the time goes at 1x, microseconds per row (in brackets: more than the stage named; "
        "separate runs, so a busy machine can make a difference look negative):"
    ]
    for key, label, base in PROFILE_STAGES:
        if profile.get(key):
            us = 1e6 / profile[key]
            added = f"  ({us - 1e6 / profile[base]:+.1f} on {base})" if profile.get(base) else ""
            lines.append(f"    {label:<64} {us:6.1f}{added}")
    return lines


def small_ratio(value):
    """A ratio that may be tiny (a cache hit over a query of seconds): four decimals, or 2.5e-05."""
    return fmt(value, "", 4) if value is None or value >= 0.001 else f"{value:.1e}"


def alignment_lines(scale, a):
    """/alignment/ at one scale: the sizes its query grows with, each time, and each over the bare SQL's."""
    misses = f"; {a.alignment_cache_misses} of those requests NOT answered by it" if a.alignment_cache_misses else ""
    sizes = (
        f"  {scale}: {fmt(a.alignment_positions, digits=0)} sided positions on {fmt(a.alignment_proposals, digits=0)} "
        f"proposals ({fmt(a.alignment_position_pairs, digits=0)} pairs of them joined)"
    )
    rounds = a.alignment_rounds
    if rounds == 0:
        return [sizes, f"    its bare SQL did not finish within {fmt(a.alignment_sql_limit_s, ' s', 0)}: not timed"]
    return [
        f"{sizes}, {fmt(a.alignment_pairs, digits=0)} pairs of participants; {fmt(rounds, digits=0)} rounds",
        f"    bare SQL {fmt(a.alignment_sql_ms, ' ms')}, alignment_pairs {fmt(a.alignment_orm_ms, ' ms')} "
        f"({fmt(a.alignment_orm_ratio, '', 2)}), page built from scratch {fmt(a.alignment_uncached_ms, ' ms')} "
        f"({fmt(a.alignment_uncached_ratio, '', 2)})",
        f"    from the page cache {fmt(a.alignment_ms, ' ms', 2)} ({small_ratio(a.alignment_ratio)}){misses}",
    ]


def issue_17_lines(r):
    """Issue 17's goals, each beside its baseline in the same run."""
    g = r.goals
    m1, e10 = r.matrix_1x or MatrixAt1x(), r.export_10x or ExportSpeed()
    load = r.load or LoadSpeed()
    goal_scale, a = alignment_for_goal(r)
    small, large = (f"{scale:g}x" for scale in r.scales)  # "1x" and "10x" in a full run
    ratios = issue_17_ratios(r)
    return [
        "Issue 17 (each over its baseline in this run)",
        f"  matrix from scratch over its aggregate SQL: {small} {fmt(m1.matrix_uncached_ratio, '', 2)}, "
        f"{large} {fmt(ratios['matrix_uncached_ratio_10x'], '', 2)}  goal <= {UNCACHED_RATIO_MAX:g}: "
        f"{verdict(g['matrix_uncached_ratio'])} / {verdict(g['matrix_uncached_ratio_10x'])}",
        f"  alignment from scratch over its bare SQL at {goal_scale}: {fmt(a.alignment_uncached_ratio, '', 2)}  "
        f"goal <= {UNCACHED_RATIO_MAX:g}: {verdict(g['alignment_uncached_ratio'])}",
        f"  first byte of unfiltered positions.csv at {large}: {fmt(e10.csv_first_byte_s, ' s', 2)}  "
        f"goal <= {FIRST_BYTE_S_MAX:g} s: {verdict(g['csv_first_byte_10x'])}",
        f"  positions.csv over COPY at {large}: {fmt(e10.csv_ratio, '', 3)}  goal >= {CSV_RATIO_GOAL:g}: "
        f"{verdict(g['csv_ratio_issue_17'])}",
        f"  SQLite positions.csv over Datasette: {fmt(ratios['sqlite_over_datasette'], '', 2)}  "
        f"goal >= {SQLITE_OVER_DATASETTE_MIN:g}: {verdict(g['sqlite_twice_datasette'])}",
        "  cached page (the slower of / and /matrix/) over /healthz/ in requests/s: "
        f"{fmt(ratios['cached_rps_ratio'], '', 3)}  "
        f"goal >= {CACHED_RPS_RATIO_MIN:g}: {verdict(g['cached_rps_ratio'])}",
        f"  make loadtest, 32 clients over the page mix ({fmt(load.loadtest_mix_rps, ' req/s', 0)}) over a static "
        f"file ({fmt(load.loadtest_static_rps, ' req/s', 0)}): {fmt(load.loadtest_ratio, '', 2)}  "
        f"goal >= {LOADTEST_RATIO_MIN:g}: {verdict(g['loadtest_ratio'])}",
    ]


def report(r):
    """The text of the report for Results `r`; a phase that did not run shows as dashes."""
    g = r.goals
    m1, m10 = r.matrix_1x or MatrixAt1x(), r.matrix_10x or MatrixAt10x()
    e1, e10 = r.export_1x or ExportSpeed(), r.export_10x or ExportSpeed()
    sqlite, load, imports = r.sqlite or SqliteSpeed(), r.load or LoadSpeed(), r.imports or ImportSpeed()
    a1, a10 = r.alignment_1x or AlignmentSpeed(), r.alignment_10x or AlignmentSpeed()
    goal_scale, goal_alignment = alignment_for_goal(r)
    lines = [
        f"kptracker benchmark ({r.mode}: scales {r.scales[0]:g} and {r.scales[1]:g}, "
        f"{fmt(m1.positions_1x, digits=0)} and {fmt(m10.positions_10x, digits=0)} positions; "
        f"database {r.database}, commit {r.commit}, {r.timings.get('total_s', 0):.0f} s)",
        *(
            [f"(below, 1x and 10x name the two scales of this run: {r.scales[0]:g} and {r.scales[1]:g})"]
            if r.scales[0] != 1
            else []
        ),
        "",
        f"Matrix page at 1x (page cache: {m1.page_cache or 'none'})",
        f"  served {fmt(m1.matrix_ms, ' ms', 2)} (median; the first request {fmt(m1.matrix_first_ms, ' ms')}), "
        f"uncached {fmt(m1.matrix_uncached_ms, ' ms')}",
        f"  its aggregate SQL alone {fmt(m1.matrix_sql_ms, ' ms')} (all its SQL {fmt(m1.matrix_sql_all_ms, ' ms')})",
        f"  ratio served/SQL {fmt(m1.matrix_ratio, '', 2)}  goal <= {MATRIX_RATIO_MAX:g}: "
        f"{verdict(g['matrix_ratio'])}  (uncached/SQL {fmt(m1.matrix_uncached_ratio, '', 2)})",
        f"  at 10x: served {fmt(m10.matrix_ms_10x, ' ms', 2)}, "
        f"uncached {fmt(m10.matrix_uncached_ms_10x, ' ms')}, SQL {fmt(m10.matrix_sql_ms_10x, ' ms')}",
        "",
        "Alignment page: the positions reduced to one row per participant and proposal, joined on the proposal and",
        "grouped by pair; the pairs joined are of those rows, so its SQL grows as the square of the participants per",
        "proposal (medians; in brackets, over the bare SQL of the same run)",
        *alignment_lines("1x", a1),
        *alignment_lines("10x", a10),
        f"  from the page cache over the bare SQL at {goal_scale} {small_ratio(goal_alignment.alignment_ratio)}  "
        f"goal <= {ALIGNMENT_CACHED_RATIO_MAX:g}: {verdict(g['alignment_cached_ratio'])}",
        "",
        "Positions CSV under gunicorn (1 sync worker, curl) vs PostgreSQL COPY of the same rows' plain SELECT",
        f"  1x:  {fmt(e1.csv_rows_per_s, ' rows/s')} vs COPY {fmt(e1.copy_rows_per_s, ' rows/s')}"
        f"  ratio {fmt(e1.csv_ratio, '', 3)}",
        f"  10x: {fmt(e10.csv_rows_per_s, ' rows/s')} vs COPY {fmt(e10.copy_rows_per_s, ' rows/s')}"
        f"  ratio {fmt(e10.csv_ratio, '', 3)}  goal >= 1/3: {verdict(g['csv_ratio'])}",
        f"  the export's own COPY statement alone, into a null sink: {fmt(e1.copy_export_rows_per_s, ' rows/s')}"
        f" at 1x, {fmt(e10.copy_export_rows_per_s, ' rows/s')} at 10x",
        f"  worker peak RSS {fmt(e1.csv_rss_mb, ' MB')} at 1x, {fmt(e10.csv_rss_mb, ' MB')} at 10x "
        f"(idle {fmt(e1.csv_idle_rss_mb, ' MB')})  goal 10x within 20% of 1x: {verdict(g['csv_rss_flat'])}",
    ]
    if r.export_profile_rows_per_s:
        lines += profile_lines(r.export_profile_rows_per_s)
    lines += ["", "SQL statements per page and export, page cache off (1x, 10x; COPY statements counted too)"]
    for label, (a, b) in m10.queries.items():
        lines.append(f"  {label:<28} {a!s:>4} {b!s:>4}{'' if a == b else '   <- differs'}")
    lines.append(f"  goal equal: {verdict(g['queries_equal'])}")
    lines += [
        "",
        "SQLite, same file: positions CSV (rows/s)",
        f"  kptracker under gunicorn {fmt(sqlite.ours_sqlite_csv_rows_per_s)}; Datasette "
        f"{fmt(sqlite.datasette_csv_rows_per_s)}, with labels {fmt(sqlite.datasette_labels_csv_rows_per_s)}"
        f"  goal kptracker faster: {verdict(g['sqlite_faster_than_datasette'])}",
        f"  ({sqlite.datasette})",
        "",
        f"CSV import (manage.py import_csv, {fmt(imports.import_rows, digits=0)} rows of positions.csv at 1x, "
        "in a transaction rolled back)",
        f"  new rows, written with their history: {fmt(imports.import_rows_per_s, ' rows/s')}  "
        f"goal >= {IMPORT_ROWS_PER_S_MIN:,}: {verdict(g['import_rows_per_s'])}",
        f"  dry run of the same rows already recorded (every row checked): "
        f"{fmt(imports.import_dry_run_rows_per_s, ' rows/s')}",
        "",
        f"Requests/s under gunicorn (2 workers, wrk -t2 -c16, {r.scales[0]:g}x data)",
        f"  /healthz/ {fmt(load.baseline_rps)}, / {fmt(load.timeline_rps)}, /matrix/ {fmt(load.matrix_rps)}",
        f"  matrix/baseline {fmt(load.matrix_rps_ratio, '', 3)}  goal >= {MATRIX_RPS_RATIO_MIN:g}: "
        f"{verdict(g['matrix_rps_ratio'])}",
        f"  the position list, 50 rows: page /positions/ {fmt(load.positions_page_rps)}, "
        f"JSON /api/v1/positions {fmt(load.positions_api_rps)}, API/page {fmt(load.api_page_ratio, '', 2)}",
        "",
        *issue_17_lines(r),
        "",
        "Timings: " + ", ".join(f"{k} {v:.0f} s" for k, v in r.timings.items()),
    ]
    if r.problems:
        lines += ["", "BROKEN:"] + [f"  - {p}" for p in r.problems]
    else:
        missed = [k for k, v in g.items() if v is False]
        lines += ["", f"Goals missed: {', '.join(missed)}" if missed else "Every measured goal is met."]
    return "\n".join(lines)
