"""The timeline's shape: meetings folded into years and decades, each year with its chairs and how
much the record holds for it, so a reader sees where the record is dense and where it is thin.

Everything here arranges rows the views have already fetched and counted in the database: no query.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from positions.models import Stance

# A year's shade in the density strip: 0 (nothing on record) to DENSITY_LEVELS.
DENSITY_LEVELS = 4


@dataclass
class TimelineYear:
    year: int
    meetings: list = field(default_factory=list)
    chairs: list = field(default_factory=list)
    stance_counts: dict = field(default_factory=dict)
    positions_total: int = 0
    blocks_total: int = 0
    density: int = 0

    @property
    def chair_rows(self):
        return [c for c in self.chairs if c.role == "chair"]

    @property
    def vice_chair_rows(self):
        return [c for c in self.chairs if c.role == "vice_chair"]


@dataclass
class TimelineDecade:
    start: int
    years: list = field(default_factory=list)
    is_open: bool = False

    @property
    def label(self):
        return f"{self.start}s"

    @property
    def meetings_total(self):
        return sum(len(y.meetings) for y in self.years)

    @property
    def positions_total(self):
        return sum(y.positions_total for y in self.years)

    @property
    def blocks_total(self):
        return sum(y.blocks_total for y in self.years)

    @property
    def span(self):
        years = [y.year for y in self.years]
        return f"{min(years)}–{max(years)}" if len(years) > 1 else str(years[0])


def timeline_years(meetings, chairs):
    """Every year from the first meeting shown to the last, each with its meetings (already carrying
    `stance_counts`, `positions_total` and `blocks_total`), its KP chairs and vice-chairs, and a
    density level. A year with no meeting on record is kept: the gap is part of the picture."""
    if not meetings:
        return []
    by_year = defaultdict(list)
    for meeting in meetings:
        by_year[meeting.start_date.year].append(meeting)
    chairs_by_year = defaultdict(list)
    for chair in chairs:
        chairs_by_year[chair.year].append(chair)
    years = []
    for year in range(min(by_year), max(by_year) + 1):
        entry = TimelineYear(year=year, meetings=by_year.get(year, []), chairs=chairs_by_year.get(year, []))
        summed = defaultdict(int)
        for meeting in entry.meetings:
            for stance, n in meeting.stance_counts.items():
                summed[stance] += n
        entry.stance_counts = dict(summed)
        entry.positions_total = sum(m.positions_total for m in entry.meetings)
        entry.blocks_total = summed.get(Stance.BLOCKS, 0)
        years.append(entry)
    biggest = max(y.positions_total for y in years)
    for entry in years:
        if entry.positions_total:
            entry.density = max(1, round(DENSITY_LEVELS * entry.positions_total / biggest))
    return years


def timeline_decades(years, open_all=False):
    """The years folded into decades, newest decade open (all open when the reader filtered)."""
    decades = []
    for entry in years:
        start = entry.year - entry.year % 10
        if not decades or decades[-1].start != start:
            decades.append(TimelineDecade(start=start, is_open=open_all))
        decades[-1].years.append(entry)
    if decades:
        decades[-1].is_open = True
    return decades
