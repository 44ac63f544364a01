"""Builds a small world of meetings and positions at a chosen size, for page and query-count tests."""

import datetime

from meetings.models import Meeting, Participant, Source
from positions.models import AgendaItem, Issue, Position

STANCES = ["supports", "opposes", "blocks", "abstains", "neutral", "protests"]


def build_world(scale=1, prefix="w"):
    """`scale` multiplies participants, meetings, issues and positions alike."""
    participants = Participant.objects.bulk_create(
        [
            Participant(
                name=f"{prefix} state {i}",
                code=f"{prefix.upper()}{i:03d}",
                kind="government" if i % 5 else "civil_society_observer",
                has_veto=bool(i % 5),
                slug=f"{prefix}-state-{i}",
            )
            for i in range(4 * scale)
        ]
    )
    issues = Issue.objects.bulk_create(
        [Issue(title=f"{prefix} issue {i}", slug=f"{prefix}-issue-{i}") for i in range(2 * scale)]
    )
    source = Source.objects.create(title=f"{prefix} source", slug=f"{prefix}-source", text="text")
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                title=f"{prefix} meeting {i}",
                slug=f"{prefix}-meeting-{i}",
                kind=["plenary", "intersessional"][i % 2],
                start_date=datetime.date(2010 + i, 6, 1),
                city="Dubai",
                host_country="ARE",
            )
            for i in range(3 * scale)
        ]
    )
    items = AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=m, issue=issue, outcome="no_consensus") for m in meetings for issue in issues]
    )
    positions = [
        Position(
            agenda_item=item,
            participant=p,
            stance=STANCES[(i + j) % len(STANCES)],
            attribution="stated",
            quote=f"quote {i}-{j}",
            source=source,
        )
        for i, item in enumerate(items)
        for j, p in enumerate(participants)
    ]
    Position.objects.bulk_create(positions)
    return {"participants": participants, "issues": issues, "meetings": meetings, "source": source}
