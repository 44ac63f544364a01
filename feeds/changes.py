"""/changes/: what was added to the record, corrected or removed, and when, from the change history
(django-simple-history) of the records readers see. Editors' names are not shown.

One query per kind of record, whatever the size of the history: each kind's latest changes, with what
names the record and leads to its page, merged newest first.
"""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse

from governance.models import Chair, Group, MembershipEvent
from meetings.models import Meeting, Participant, Source
from pages.cache import cached_page
from positions.models import Issue, Position, Proposal, ProposalAccount

SHOWN = 100
VERBS = {"+": "added", "~": "changed", "-": "removed"}


def _participant_url(code):
    return reverse("pages:participant-detail", kwargs={"code": code.lower()}) if code else ""


def _meeting_url(slug, anchor=""):
    return reverse("pages:meeting-detail", kwargs={"slug": slug}) + anchor if slug else ""


@dataclass(frozen=True)
class Tracked:
    """A kind of record on the changelog: its history, the fields that name it, how to reach its page."""

    model: object
    noun: str
    fields: tuple
    label: object  # row -> words naming the record
    url: object  # row -> its page's address ("" for none)


TRACKED = [
    Tracked(Meeting, "meeting", ("slug", "title"), lambda r: r["title"], lambda r: _meeting_url(r["slug"])),
    Tracked(Participant, "participant", ("code", "name"), lambda r: r["name"], lambda r: _participant_url(r["code"])),
    Tracked(
        Issue,
        "issue",
        ("slug", "title"),
        lambda r: r["title"],
        lambda r: reverse("pages:issue-detail", kwargs={"slug": r["slug"]}),
    ),
    Tracked(
        Proposal,
        "proposal",
        ("id", "text", "agenda_item__meeting__slug"),
        lambda r: r["text"],
        lambda r: _meeting_url(r["agenda_item__meeting__slug"], f"#proposal-{r['id']}"),
    ),
    Tracked(
        ProposalAccount,
        "account of a decision",
        ("proposal_id", "proposal__text", "proposal__agenda_item__meeting__slug"),
        lambda r: r["proposal__text"] or "a proposal since removed",
        lambda r: _meeting_url(r["proposal__agenda_item__meeting__slug"], f"#proposal-{r['proposal_id']}"),
    ),
    Tracked(
        Position,
        "position",
        ("id", "participant__name", "stance", "act"),
        lambda r: f"{r['participant__name'] or 'a participant'}, {r['stance'] or r['act'] or 'no stance'}",
        lambda r: reverse("pages:position-detail", kwargs={"pk": r["id"]}),
    ),
    Tracked(
        Chair,
        "chair",
        ("year", "role", "participant__code", "participant__name"),
        lambda r: f"{r['participant__name']}, {r['role'].replace('_', '-')} of {r['year']}",
        lambda r: _participant_url(r["participant__code"]),
    ),
    Tracked(
        MembershipEvent,
        "membership event",
        ("event", "date", "participant__code", "participant__name"),
        lambda r: f"{r['participant__name']} {r['event'].replace('_', ' ')}, {r['date']:%Y-%m-%d}",
        lambda r: _participant_url(r["participant__code"]) + "#membership" if r["participant__code"] else "",
    ),
    Tracked(
        Group, "group", ("slug", "name"), lambda r: r["name"], lambda r: reverse("pages:group-detail", args=[r["slug"]])
    ),
    Tracked(
        Source,
        "source",
        ("id", "title"),
        lambda r: r["title"],
        lambda r: reverse("pages:source-detail", kwargs={"pk": r["id"]}),
    ),
]


@dataclass
class Change:
    when: object
    verb: str
    noun: str
    label: str
    url: str


def latest_changes(limit=SHOWN):
    changes = []
    for tracked in TRACKED:
        fields = ("history_date", "history_type", *tracked.fields)
        for row in tracked.model.history.order_by("-history_date", "-history_id").values(*fields)[:limit]:
            removed = row["history_type"] == "-"
            changes.append(
                Change(
                    when=row["history_date"],
                    verb=VERBS[row["history_type"]],
                    noun=tracked.noun,
                    label=tracked.label(row),
                    url="" if removed else tracked.url(row),
                )
            )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


@cached_page()
def changes(request):
    return render(request, "feeds/changes.html", {"changes": latest_changes(), "shown": SHOWN})
