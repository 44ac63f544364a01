"""The formula guard, the one rule both ends of a CSV share: exports write it, imports undo it.

A spreadsheet treats a cell starting with = + - @ tab CR LF (or NUL) as a formula, or strips the
character and then does (OWASP "CSV Injection"; ASVS 5.0 requirement 1.2.10). So such a cell is
written with a ' before it. A cell that truly starts with ' gets one more, so the guard can always
be undone: strip exactly one leading ' from a cell that has one, and the original text is back,
whatever it was (`unguard(guard(text)) == text` for every text).

Every form of the rule is here, from the two constants below: `guard` and `unguard` on text,
`neutralise` on any value (the Python exports), and the SQL that guards in the database (the SQL
paths of positions.csv: `postgresql_guarded` and `sqlite_guarded`).
"""

import datetime

GUARD = "'"
# Every start that gets the guard: what a spreadsheet runs or strips, and the guard itself (so it
# stays reversible).
GUARDED_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", GUARD)


def guard(text):
    """`text` as a safe cell: with a ' before it when it starts with one of GUARDED_STARTS."""
    return GUARD + text if text.startswith(GUARDED_STARTS) else text


def unguard(cell):
    """The text `guard` was given: the cell without its one leading ', if it has one; nothing else changes."""
    return cell[1:] if cell.startswith(GUARD) else cell


def neutralise(value):
    """A cell's text, safe to open in a spreadsheet: `guard` on the value's text.

    None is an empty cell, booleans are true/false, dates ISO 8601. Numbers are treated like any text:
    a negative number would be prefixed too (no column of kptracker's can hold one).
    """
    if type(value) is str:  # the common case first: this runs once per cell
        text = value
    elif value is None:
        return ""
    elif value is True:
        return "true"
    elif value is False:
        return "false"
    elif isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    else:
        text = str(value)
    # `guard`, inlined: this runs once per cell of every export.
    return GUARD + text if text.startswith(GUARDED_STARTS) else text


# --- in SQL ----------------------------------------------------------------------------------------

# PostgreSQL text cannot hold a NUL (nor psycopg2 send one): the starts it can meet, as the code points
# ascii() gives for a text's first character (0 for '', NULL for NULL). Comparing one integer is
# several times cheaper per cell than LEFT(x, 1) against a list of texts, and COPY guards every cell
# of a million rows (exports/sqlcsv.py).
POSTGRESQL_STARTS = tuple(ord(c) for c in GUARDED_STARTS if c != "\0")
# As in SQLite below: a text starting above '@' (64), as most words do, is settled by one comparison
# before the list is consulted; the guard's cost in COPY fell by about a quarter (0.117 to 0.085 s of
# 0.76 s for the export's SELECT at 100k positions, server side, by hand on 2026-12-07).
POSTGRESQL_HIGHEST_START = max(POSTGRESQL_STARTS)
# SQLite compares first code points: unicode(x) is NULL both for '' and for a text starting with NUL,
# which `x <> ''` tells apart (SQLite compares every byte of a text). NULL becomes ''. Every guarded
# start is at or below '@' (64), so a text starting above it, as most words do, is settled by one
# comparison before the list is consulted (about 6% of the SQLite export's time).
SQLITE_GUARDED = (
    "CASE WHEN unicode({x}) > %s THEN {x}"
    " WHEN COALESCE(unicode({x}), CASE WHEN {x} <> '' THEN 0 END) IN ({starts})"
    " THEN %s || {x} ELSE COALESCE({x}, '') END"
)
SQLITE_STARTS = tuple(ord(c) for c in GUARDED_STARTS)
SQLITE_HIGHEST_START = max(SQLITE_STARTS)


def postgresql_guarded(x):
    """(sql, params): the PostgreSQL text column reference `x` guarded; NULL stays NULL (COPY's empty
    cell). The SQL is fixed; every value is a parameter."""
    starts = ", ".join(["%s"] * len(POSTGRESQL_STARTS))
    sql = f"CASE WHEN ascii({x}) > %s THEN {x} WHEN ascii({x}) IN ({starts}) THEN %s || {x} ELSE {x} END"
    return sql, [POSTGRESQL_HIGHEST_START, *POSTGRESQL_STARTS, GUARD]


def sqlite_guarded(x, x_params):
    """(sql, params): the compiled SQLite text expression `x` guarded, NULL as ''. The SQL is fixed;
    every value is a parameter."""
    sql = SQLITE_GUARDED.format(x=x, starts=", ".join(["%s"] * len(SQLITE_STARTS)))
    return sql, [  # in the order they appear in
        *x_params,
        SQLITE_HIGHEST_START,
        *x_params,
        *x_params,
        *x_params,
        *SQLITE_STARTS,
        GUARD,
        *x_params,
        *x_params,
    ]
