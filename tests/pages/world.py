"""Builds a small world of meetings and positions at a chosen size, for page and query-count tests."""

import datetime

from governance.models import Chair, MembershipEvent, WorkingBody
from meetings.models import Meeting, Participant, Source
from positions.models import AgendaItem, Issue, Position, Proposal, ProposalAccount

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
    # Two proposals per item (the agenda stage, then the substance), each with an account.
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(agenda_item=item, text=f"{stage} {item.meeting.slug} {item.issue.slug}", stage=stage)
            for item in items
            for stage in ("agenda", "decision")
        ]
    )
    accounts = ProposalAccount.objects.bulk_create(
        [ProposalAccount(proposal=proposal, decided_by="consensus", result="blocked") for proposal in proposals]
    )
    for account in accounts:
        account.proposed_by.add(participants[0])
        account.sources.add(source)
    positions = [
        Position(
            proposal=proposal,
            agenda_item=proposal.agenda_item,
            meeting=proposal.agenda_item.meeting,
            participant=p,
            stance=STANCES[(i + j) % len(STANCES)],
            evidence="inferred" if (i + j) % 3 == 0 else "quoted",
            note="read from the quote" if (i + j) % 3 == 0 else "",
            attribution="stated",
            quote=f"quote {i}-{j}",
            source=source,
        )
        for i, proposal in enumerate(proposals)
        for j, p in enumerate(participants)
    ]
    body = WorkingBody.objects.create(name=f"{prefix} committee", slug=f"{prefix}-committee", kind="committee")
    # Acts: a walk-out at each meeting, a boycott of the working body.
    positions += [
        Position(
            act="walk_out",
            meeting=m,
            participant=participants[-1],
            stance="protests",
            attribution="stated",
            quote=f"walked out {m.slug}",
            source=source,
        )
        for m in meetings
    ]
    positions += [
        Position(
            act="boycott",
            working_body=body,
            participant=p,
            stance="protests",
            attribution="stated",
            quote=f"boycott {p.code}",
            source=source,
        )
        for p in participants
    ]
    Position.objects.bulk_create(positions)
    for i, m in enumerate(meetings):
        chair = Chair.objects.create(year=m.start_date.year, participant=participants[i % len(participants)])
        chair.sources.add(source)
        event = MembershipEvent.objects.create(
            participant=participants[i % len(participants)], event="admitted", date=m.start_date
        )
        event.sources.add(source)
    return {"participants": participants, "issues": issues, "meetings": meetings, "source": source}
