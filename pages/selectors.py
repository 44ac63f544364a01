"""Reads that span models: stance counts for charts, an issue's trajectory, the blocking matrix.

Every function here runs a fixed number of queries whatever the data size, and counts in the
database; Python only arranges the already-aggregated rows for display.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote_plus, urlencode

from django.db.models import Aggregate, Case, CharField, Count, IntegerField, Q, Value, When
from django.db.models.functions import ExtractYear
from django.urls import reverse

from meetings.models import Meeting, MeetingKind
from positions.models import AgendaItem, Evidence, Issue, Position, Stage, Stance

# The order stances are shown in: what stops a decision first.
STANCE_ORDER = [
    Stance.BLOCKS,
    Stance.OPPOSES,
    Stance.PROTESTS,
    Stance.SUPPORTS,
    Stance.ABSTAINS,
    Stance.NEUTRAL,
]
STANCE_LABELS = dict(Stance.choices)


def stance_order_expression(field_name="stance"):
    return Case(
        *[When(**{field_name: code}, then=Value(i)) for i, code in enumerate(STANCE_ORDER)],
        output_field=IntegerField(),
    )


def stance_counts_by_meeting(positions, by_stage=False):
    """{meeting_id: {key: participants}}: how many participants took each stance at each meeting, in
    one aggregate query. A participant counts once per stance however many statements record it.

    With ``by_stage``, a stance taken on whether to take a matter up ("blocks taking it up") or on
    the communiqué's wording is its own key, apart from the stance on the substance (STAGE_KEYS).
    """
    counts = defaultdict(dict)
    # Stances only: an act with none (a statement) is listed on its meeting's page, not counted here.
    fields = ["meeting_id", "stance", *(["proposal__stage"] if by_stage else [])]
    rows = positions.exclude(stance="").order_by().values_list(*fields).annotate(n=Count("participant", distinct=True))
    for meeting_id, stance, *stage, n in rows:
        counts[meeting_id][stage_key(stance, stage[0] if stage else None)] = n
    return counts


def stance_counts_by_year(positions):
    """{year: {stance: meetings}}: at how many meetings each year the positions take each stance, in
    one aggregate query (for one participant: several statements at one meeting count once)."""
    counts = defaultdict(dict)
    rows = (
        positions.filter(meeting__isnull=False)
        .exclude(stance="")
        .order_by()
        .annotate(year=ExtractYear("meeting__start_date"))
        .values_list("year", "stance")
        .annotate(n=Count("meeting", distinct=True))
    )
    for year, stance, n in rows:
        counts[year][stance] = n
    return dict(sorted(counts.items()))


def stage_key(stance, stage):
    """The chart key of a stance at a stage: 'blocks' on the substance, 'blocks-agenda', 'blocks-communique'."""
    return stance if stage in (None, Stage.DECISION) else f"{stance}-{stage}"


# Keys of a chart split by stage, each stance's three stages together, and their legend labels.
STAGE_KEYS = [
    stage_key(stance, stage) for stance in STANCE_ORDER for stage in (Stage.AGENDA, Stage.DECISION, Stage.COMMUNIQUE)
]
STAGE_KEY_LABELS = {
    stage_key(stance, stage): {
        Stage.AGENDA: f"{stance} taking it up",
        Stage.DECISION: stance,
        Stage.COMMUNIQUE: f"{stance} on the communiqué",
    }[stage]
    for stance in STANCE_ORDER
    for stage in Stage.values
}


# How a stance reads at each stage: "supports taking it up" is not "supports it".
STAGE_PHRASES = {
    Stage.AGENDA: "taking it up",
    Stage.DECISION: "on the substance",
    Stage.COMMUNIQUE: "on the communiqué's wording",
}


def issue_summaries(participant):
    """Per issue the participant took a stance on: at how many meetings it took each stance at each
    stage, of the meetings where the issue was raised, readings counted apart. Two aggregate queries.

    [{"issue": {...}, "raised": 3, "stances": [{"stance": "blocks", "label": "blocks taking it up",
    "meetings": 3, "inferred": 2}, ...]}, ...] by issue title, stances in STANCE_ORDER then stage order.
    """
    rows = (
        Position.objects.filter(participant=participant, proposal__isnull=False)
        .exclude(stance="")
        .order_by()
        .values_list(
            "agenda_item__issue_id",
            "agenda_item__issue__slug",
            "agenda_item__issue__title",
            "proposal__stage",
            "stance",
        )
        .annotate(
            meetings=Count("meeting", distinct=True),
            stated=Count("meeting", distinct=True, filter=~Q(evidence=Evidence.INFERRED)),
        )
    )
    issues = {}
    for issue_id, slug, title, stage, stance, meetings, stated in rows:
        entry = issues.setdefault(issue_id, {"issue": {"slug": slug, "title": title}, "stances": {}})
        entry["stances"][(stance, stage)] = {
            "stance": stance,
            "label": f"{stance} {STAGE_PHRASES[stage]}",
            "meetings": meetings,
            "inferred": meetings - stated,
        }
    raised = dict(
        AgendaItem.objects.filter(issue_id__in=issues)
        .order_by()
        .values_list("issue_id")
        .annotate(n=Count("meeting", distinct=True))
    )
    order = [(stance, stage) for stance in STANCE_ORDER for stage in Stage.values]
    summaries = []
    for issue_id, entry in issues.items():
        stances = [entry["stances"][key] for key in order if key in entry["stances"]]
        summaries.append({"issue": entry["issue"], "raised": raised.get(issue_id, 0), "stances": stances})
    return sorted(summaries, key=lambda e: e["issue"]["title"])


def stacked_chart(labels, counts_per_label, title, keys=STANCE_ORDER, key_labels=STANCE_LABELS, unit="participants"):
    """Chart.js-ready data (through json_script) and the same numbers as table rows.

    ``counts_per_label`` is a list, parallel to ``labels``, of {key: count}; ``keys`` gives the
    datasets' order (stances, or stances at stages: STAGE_KEYS). Keys with no count anywhere are left out.
    """
    used = [k for k in keys if any(c.get(k) for c in counts_per_label)]
    datasets = [{"key": k, "label": key_labels[k], "data": [c.get(k, 0) for c in counts_per_label]} for k in used]
    rows = [
        {"label": label, "values": [c.get(k, 0) for k in used], "total": sum(c.get(k, 0) for k in used)}
        for label, c in zip(labels, counts_per_label, strict=True)
    ]
    return {
        "title": title,
        # What a bar counts, for its axis: participants (each once per stance) or meetings.
        "unit": unit,
        "labels": list(labels),
        "datasets": datasets,
        "columns": [key_labels[k] for k in used],
        "rows": rows,
    }


@dataclass
class MatrixRow:
    participant: object
    cells: list = field(default_factory=list)
    total: int = 0
    # The indexes of the cells that are not empty, so the page formats only those.
    filled: list = field(default_factory=list)


@dataclass
class MatrixCell:
    """A non-empty cell: how many meetings, and what it names.

    Columns by issue name the meetings (the latest ``NAMED``); columns by meeting name the issues
    blocked there (the first ``NAMED`` by title), since the column already says which meeting.
    Each name is {"title": ..., "short": ...}; ``unnamed`` counts the ones left out.
    """

    count: int = 0
    # Of `count`, the meetings where every counted position is a reading (evidence inferred).
    inferred: int = 0
    named: list = field(default_factory=list)
    unnamed: int = 0
    url: str = ""
    shade: int = 0

    # A cell names at most this many meetings or issues; its link lists them all.
    NAMED = 3


EMPTY_CELL = MatrixCell()  # shared by every empty cell of every matrix: never changed


class DistinctIdList(Aggregate):
    """The distinct ids of a group as one comma-separated string, on PostgreSQL and SQLite."""

    function = "GROUP_CONCAT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(DISTINCT (%(expressions)s)::text, ',')",
            **extra_context,
        )


def blocking_matrix(filterset):
    """Rows of participants, columns of issues (or meetings), cells counting distinct meetings.

    Two queries: one aggregate row per non-empty cell (the count and the ids of what the cell
    names, grouped in the database), then the titles of those meetings (columns by issue) or
    issues (columns by meeting).
    """
    by_meeting = filterset.columns == "meeting"
    column_field = "meeting" if by_meeting else "agenda_item__issue"
    # By meeting, the column's date comes with the aggregate (one per meeting, so it groups nothing
    # apart) and the cell names the issues; by issue, the cell names the meetings.
    named_field = "agenda_item__issue" if by_meeting else "meeting"
    column_start = ["meeting__start_date"] if by_meeting else []
    cell_rows = list(
        filterset.qs.order_by()
        .values_list(
            "participant_id",
            "participant__code",
            "participant__name",
            "participant__kind",
            "participant__has_veto",
            f"{column_field}_id",
            f"{column_field}__slug",
            f"{column_field}__title",
            *column_start,
        )
        .annotate(
            n=Count("meeting", distinct=True),
            # Meetings where a source states it (quoted or cited): the rest of n are readings only.
            n_stated=Count("meeting", distinct=True, filter=~Q(evidence=Evidence.INFERRED)),
            named_ids=DistinctIdList(named_field),
        )
    )
    named_ids = {int(i) for row in cell_rows for i in row[-1].split(",")}
    names = _issue_names(named_ids) if by_meeting else _meeting_names(named_ids)

    participants, columns, cells = {}, {}, {}
    for p_id, code, name, kind, veto, c_id, c_slug, c_title, *start, n, n_stated, ids in cell_rows:
        participants[p_id] = {"id": p_id, "code": code, "name": name, "kind": kind, "has_veto": veto}
        columns[c_id] = {"id": c_id, "slug": c_slug, "title": c_title, "start": start[0] if start else None}
        cells[(p_id, c_id)] = (n, n - n_stated, sorted(names[int(i)] for i in ids.split(",")))

    if by_meeting:
        column_list = sorted(columns.values(), key=lambda c: (c["start"], c["title"]))
    else:
        column_list = sorted(columns.values(), key=lambda c: c["title"])
    biggest = max((n for n, _, _ in cells.values()), default=0)

    # One pass over the non-empty cells into rows that start empty: most cells share EMPTY_CELL, and
    # each part of a cell's link is quoted once per participant and per column, not once per cell.
    path, shared = _cell_base_query(filterset)
    column_name = "meeting" if by_meeting else "issue"
    places = {c["id"]: (i, f"&{column_name}={quote_plus(c['slug'])}&{shared}") for i, c in enumerate(column_list)}
    rows = {}
    for p in sorted(participants.values(), key=lambda p: p["name"]):
        rows[p["id"]] = (MatrixRow(participant=p, cells=[EMPTY_CELL] * len(column_list)), quote_plus(p["code"]))
    named = MatrixCell.NAMED
    for (p_id, c_id), (n, inferred, sorted_names) in cells.items():
        row, code = rows[p_id]
        index, column_query = places[c_id]
        shown = sorted_names[:named] if by_meeting else sorted_names[-named:]
        row.cells[index] = MatrixCell(
            count=n,
            inferred=inferred,
            named=[{"title": title, "short": short} for _, title, short in shown],
            unnamed=len(sorted_names) - len(shown),
            url=f"{path}?participant={code}{column_query}",
            shade=_shade(n, biggest),
        )
        row.total += n
        row.filled.append(index)
    sections = {"veto": [], "observers": []}
    for row, _code in rows.values():
        sections["veto" if row.participant["has_veto"] else "observers"].append(row)
    return {
        "columns": column_list,
        "by_meeting": by_meeting,
        "veto_rows": sections["veto"],
        "observer_rows": sections["observers"],
        "biggest": biggest,
        "is_empty": not participants,
    }


def _meeting_names(ids):
    """{meeting id: (sort key, title, short label)} in one query: a cell's meetings in time order."""
    rows = Meeting.objects.filter(pk__in=ids).values_list("id", "start_date", "title", "kind")
    return {m_id: (start, title, f"{start:%Y} {MeetingKind(kind).label}") for m_id, start, title, kind in rows}


def _issue_names(ids):
    """{issue id: (sort key, title, short label)} in one query: a cell's issues by title."""
    rows = Issue.objects.filter(pk__in=ids).values_list("id", "title")
    return {i_id: (title, title, title) for i_id, title in rows}


def _shade(count, biggest):
    """One of five shading steps; the number is always printed too, so colour is never the only signal."""
    if biggest <= 1:
        return 1
    return 1 + round(4 * (count - 1) / (biggest - 1))


def _cell_base_query(filterset):
    """The position list's URL and the query string every cell shares, built once per matrix."""
    data = getattr(filterset.form, "cleaned_data", {}) or {}
    query = [("stance", code) for code in filterset.stance_codes]
    for name in ("year_from", "year_to", "kind"):
        if data.get(name):
            query.append((name, data[name]))
    for name in ("stage", "evidence"):
        query.extend((name, code) for code in data.get(name) or [])
    return reverse("pages:position-list"), urlencode(query)
