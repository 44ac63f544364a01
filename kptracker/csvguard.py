"""The formula guard, the one rule both ends of a CSV share: exports write it, imports undo it.

A spreadsheet treats a cell starting with = + - @ tab CR LF (or NUL) as a formula, or strips the
character and then does (OWASP "CSV Injection"; ASVS 5.0 requirement 1.2.10). So such a cell is
written with a ' before it. A cell that truly starts with ' gets one more, so the guard can always
be undone: strip exactly one leading ' from a cell that has one, and the original text is back,
whatever it was (`unguard(guard(text)) == text` for every text).
"""

# A spreadsheet runs (or strips) these; the guard prefixes them with a '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
GUARD = "'"
# Every start that gets the guard: the formula starts, and the guard itself (so it stays reversible).
GUARDED_STARTS = (*FORMULA_STARTS, GUARD)


def guard(text):
    """`text` as a safe cell: with a ' before it when it starts with one of GUARDED_STARTS."""
    return GUARD + text if text.startswith(GUARDED_STARTS) else text


def unguard(cell):
    """The text `guard` was given: the cell without its one leading ', if it has one; nothing else changes."""
    return cell[1:] if cell.startswith(GUARD) else cell
