"""The matrix and alignment pages against their own SQL, and the SQL statements of every page and export
(bench/probes.py)."""

import dataclasses

from bench.outcome import AlignmentSpeed, MatrixAt1x, MatrixAt10x

TASKS = ("matrix", "alignment", "export-sql", "queries")


def matrix_1x(setup, requests, skip):
    """(the probe's output, MatrixAt1x); the output carries the export's COPY statements and query counts."""
    one = setup.probe(*TASKS, requests=requests, skip=skip)
    result = MatrixAt1x(
        page_cache=one["page_cache"],
        matrix_ms=one["matrix_ms"],
        matrix_first_ms=one["matrix_first_ms"],
        matrix_uncached_ms=one["matrix_uncached_ms"],
        matrix_sql_ms=one["matrix_sql_ms"],
        matrix_sql_all_ms=one["matrix_sql_all_ms"],
        matrix_ratio=one["matrix_ms"] / one["matrix_sql_ms"],
        matrix_uncached_ratio=one["matrix_uncached_ms"] / one["matrix_sql_ms"],
        positions_1x=one["positions"],
    )
    return one, result


def matrix_10x(setup, requests, skip, one):
    """(the probe's output, MatrixAt10x with the query counts at both scales, problems found in them)."""
    ten = setup.probe(*TASKS, requests=requests, skip=skip)
    queries, problems = compare_queries(one["queries"], ten["queries"])
    result = MatrixAt10x(
        positions_10x=ten["positions"],
        matrix_ms_10x=ten["matrix_ms"],
        matrix_uncached_ms_10x=ten["matrix_uncached_ms"],
        matrix_sql_ms_10x=ten["matrix_sql_ms"],
        queries=queries,
        query_paths={
            label: [one["queries"][label]["path"], ten["queries"].get(label, {}).get("path")]
            for label in one["queries"]
        },
    )
    return ten, result, problems


def compare_queries(one, ten):
    """{label: [count at 1x, count at 10x]} and the problems: non-200s, counts that differ."""
    table, problems = {}, []
    for label in one:
        a, b = one[label], ten.get(label)
        for scale, row in (("1x", a), ("10x", b)):
            if row and row["status"] != 200:
                problems.append(f"{label} ({row['path']}) answered {row['status']} at {scale}")
        table[label] = [a["queries"], b["queries"] if b else None]
        if b and a["queries"] != b["queries"]:
            problems.append(f"{label}: {a['queries']} queries at 1x, {b['queries']} at 10x")
    return table, problems


def alignment(probe):
    """AlignmentSpeed from a probe's output (either scale): its figures, and each time over the bare SQL's."""
    names = {f.name for f in dataclasses.fields(AlignmentSpeed)}
    result = AlignmentSpeed(**{k: v for k, v in probe.items() if k in names})
    sql = result.alignment_sql_ms
    if sql:
        result.alignment_ratio = result.alignment_ms / sql
        result.alignment_uncached_ratio = result.alignment_uncached_ms / sql
        result.alignment_orm_ratio = result.alignment_orm_ms / sql
    return result
