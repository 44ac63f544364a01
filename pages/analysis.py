"""Reading the record as a whole: participants compared side by side, and who sides with whom.

Both speak of proposals at their stage, not of topics: two participants "agree" on a proposal when
they took the same side on that very proposal.

Sides: supports is *for*; opposes and blocks are *against* (a block is the strongest "no"); abstains
is *abstaining*, which agrees only with another abstention. A neutral stance and a protest (a
walk-out answering a proposal) take no side and are left out.
"""

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Sum, Value, When

from meetings.models import Participant
from positions.models import ProposalAccount, Stance, stage_order

FOR, AGAINST, ABSTAINING = "for", "against", "abstaining"
SIDE_OF_STANCE = {
    Stance.SUPPORTS: FOR,
    Stance.OPPOSES: AGAINST,
    Stance.BLOCKS: AGAINST,
    Stance.ABSTAINS: ABSTAINING,
}
SIDED_STANCES = list(SIDE_OF_STANCE)
# A pair with fewer shared proposals than this is shown, marked, and not ranked.
MIN_SHARED = 3


def consensus_adoptions():
    """Proposals an account says were adopted by consensus: everyone present agreed, or no one said
    otherwise, so they tell nothing about who sides with whom (Häge and Hug's caution)."""
    return ProposalAccount.objects.filter(result="adopted", decided_by="consensus").values("proposal")


# --- the comparison ----------------------------------------------------------------------------------------------


@dataclass
class ComparisonRow:
    proposal: object
    cells: list = field(default_factory=list)  # per chosen participant, its positions on the proposal
    verdict: str = ""  # "agree", "differ" or "one" (only one of them took a side)
    meeting: object = None
    issue: object = None


def compared_positions(filterset):
    """The chosen participants' stances on proposals, in the record's order: meeting, issue, stage."""
    # The proposal's meeting too: its link (Proposal.get_absolute_url) goes through it.
    related = ("participant", "source", "proposal__agenda_item__meeting", "meeting", "agenda_item__issue")
    return filterset.qs.select_related(*related).order_by(
        "meeting__start_date",
        "meeting__slug",
        "agenda_item__issue__title",
        stage_order("proposal__stage"),
        "proposal_id",
        "pk",
    )


def comparison_rows(positions, participants):
    """One row per proposal any chosen participant took a stance on, in the order of `positions`."""
    order = {p.pk: i for i, p in enumerate(participants)}
    rows, by_proposal = [], {}
    for position in positions:
        row = by_proposal.get(position.proposal_id)
        if row is None:
            row = by_proposal[position.proposal_id] = ComparisonRow(
                proposal=position.proposal,
                cells=[[] for _ in participants],
                meeting=position.meeting,
                issue=position.agenda_item.issue,
            )
            rows.append(row)
        row.cells[order[position.participant_id]].append(position)
    for row in rows:
        sides = [{SIDE_OF_STANCE.get(p.stance) for p in cell} - {None} for cell in row.cells]
        taking = [s for s in sides if s]
        if len(taking) < 2:
            row.verdict = "one"
        elif all(len(s) == 1 for s in taking) and len(set.union(*taking)) == 1:
            row.verdict = "agree"
        else:
            row.verdict = "differ"
    return rows


# --- the alignment -----------------------------------------------------------------------------------------------


@dataclass
class Pair:
    a: str
    a_name: str
    b: str
    b_name: str
    shared: int
    agree: int

    @property
    def share(self):
        return self.agree / self.shared if self.shared else 0

    @property
    def percent(self):
        return round(100 * self.share)

    @property
    def bucket(self):
        """The heat map's shade: 0 (seldom on the same side) to 4 (nearly always)."""
        return min(4, self.percent // 20)

    @property
    def too_few(self):
        return self.shared < MIN_SHARED


# Each side as a bit, so that the sides a participant took on a proposal (through several positions,
# sources or accounts, possibly different sides) are one number: SUM(DISTINCT bit) over powers of two is
# their bitwise OR, in PostgreSQL and SQLite alike (Django's BitOr aggregate is PostgreSQL's only).
SIDE_BITS = {FOR: 1, AGAINST: 2, ABSTAINING: 4}


def sides_taken(positions):
    """One row per proposal and participant that took a side on it: `proposal`, `participant` and `sides`,
    the bits (SIDE_BITS) of every side its positions there took. Proposals adopted by consensus are left out."""
    bit = Case(*[When(stance=stance, then=Value(SIDE_BITS[side])) for stance, side in SIDE_OF_STANCE.items()])
    return (
        positions.filter(proposal__isnull=False, stance__in=SIDED_STANCES)
        .exclude(proposal__in=consensus_adoptions())
        .values("proposal", "participant")
        .annotate(sides=Sum(bit, distinct=True))
        .order_by()
    )


# The pairs, around the ORM's own compiled SQL of sides_taken: the ORM cannot join a grouped subquery to
# itself. Each (proposal, participant) is one row, so a pair's shared proposals are its joined rows and it
# agrees where their sides overlap: no DISTINCT. The CTE is read twice, so both PostgreSQL and SQLite
# compute it once. The join orders a pair by id (an integer comparison on every joined row); the outer
# query names it in code order, as the page always has, on one row per pair.
PAIRS_SQL = """
WITH sided AS ({sided})
SELECT
    CASE WHEN pa.{code} < pb.{code} THEN pa.{code} ELSE pb.{code} END AS a,
    CASE WHEN pa.{code} < pb.{code} THEN pa.{name} ELSE pb.{name} END AS a_name,
    CASE WHEN pa.{code} < pb.{code} THEN pb.{code} ELSE pa.{code} END AS b,
    CASE WHEN pa.{code} < pb.{code} THEN pb.{name} ELSE pa.{name} END AS b_name,
    pairs.shared,
    pairs.agree
FROM (
    SELECT
        x.participant AS x_id,
        y.participant AS y_id,
        COUNT(*) AS shared,
        SUM(CASE WHEN (x.sides & y.sides) <> 0 THEN 1 ELSE 0 END) AS agree
    FROM sided x
    INNER JOIN sided y ON x.proposal = y.proposal AND x.participant < y.participant
    GROUP BY x.participant, y.participant
) pairs
INNER JOIN {participant} pa ON pa.{id} = pairs.x_id
INNER JOIN {participant} pb ON pb.{id} = pairs.y_id
ORDER BY a, b
"""


def alignment_pairs(positions, evidence=None):
    """Every pair of participants that both took a side on at least one proposal, with the number of
    such proposals and of those on which they took the same side: one query. The positions are first
    reduced to one row per proposal and participant with the sides taken (sides_taken), and those rows
    are joined to each other on their proposal and grouped by pair, so the join grows as the square of
    the participants per proposal, not of their positions (a participant's several accounts are one row).

    `positions` is already narrowed by years, meeting kind and stage (properties of the proposal, so
    shared by both sides of a pair) and by evidence, and both sides are taken from it; `evidence`, when
    given, narrows it to those kinds of evidence (a no-op on the filterset's own queryset).
    """
    if evidence:
        positions = positions.filter(evidence__in=evidence)
    sided = sides_taken(positions)
    try:
        sided_sql, sided_params = sided.query.get_compiler(using=sided.db).as_sql()
    except EmptyResultSet:  # a queryset that can match nothing (.none()): the ORM would send no query either
        return []
    connection = connections[sided.db]
    quote = connection.ops.quote_name
    names = {field: quote(Participant._meta.get_field(field).column) for field in ("id", "code", "name")}
    sql = PAIRS_SQL.format(sided=sided_sql, participant=quote(Participant._meta.db_table), **names)
    with connection.cursor() as cursor:
        cursor.execute(sql, sided_params)
        return [Pair(*row) for row in cursor.fetchall()]


def ranked(pairs):
    """Pairs with enough shared proposals, most aligned first; then the others, by shared count."""
    enough = sorted((p for p in pairs if not p.too_few), key=lambda p: (-p.share, -p.shared, p.a, p.b))
    few = sorted((p for p in pairs if p.too_few), key=lambda p: (-p.shared, p.a, p.b))
    return enough, few


# The heat map draws at most this many participants (those sharing the most proposals with others),
# and each table at most LISTED pairs: every pair is in alignment.csv. Bounds the page whatever the data.
HEAT_MAP_MAX = 40
LISTED = 300


def heat_map(pairs, limit=None):
    """The heat map's participants (the `limit` sharing the most proposals with the others), ordered
    by name, and its rows: each participant's pairs with the others, None on the diagonal or where
    they share nothing."""
    limit = HEAT_MAP_MAX if limit is None else limit
    names, lookup, shared = {}, {}, {}
    for pair in pairs:
        names[pair.a], names[pair.b] = pair.a_name, pair.b_name
        lookup[(pair.a, pair.b)] = lookup[(pair.b, pair.a)] = pair
        for code in (pair.a, pair.b):
            shared[code] = shared.get(code, 0) + pair.shared
    busiest = sorted(names, key=lambda code: (-shared[code], code))[:limit]
    codes = sorted(busiest, key=lambda code: names[code])
    grid = [
        {"code": row, "name": names[row], "cells": [lookup.get((row, col)) if row != col else None for col in codes]}
        for row in codes
    ]
    return [{"code": c, "name": names[c]} for c in codes], grid
