"""Issue 13's pages: proposals at their stages with their accounts, acts, readings kept apart,
chairs, membership and a participant's summary per issue, read through the URLs."""

import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from governance.models import Chair, MembershipEvent, WorkingBody
from positions.models import Position, Proposal, ProposalAccount
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    ObserverFactory,
    ParticipantFactory,
    PersonFactory,
    SourceFactory,
)


def position(proposal=None, **fields):
    fields.setdefault("attribution", "stated")
    fields.setdefault("quote", f"words {Position.objects.count()}")
    if proposal is not None:
        fields.update(proposal=proposal)
    return Position.objects.create(**fields)


@pytest.fixture
def record(db):
    russia = ParticipantFactory(code="RUS", name="Russian Federation", slug="russian-federation")
    ukraine = ParticipantFactory(code="UKR", name="Ukraine", slug="ukraine")
    coalition = ObserverFactory(code="KPCSC", name="KP Civil Society Coalition", slug="kpcsc")
    journal = SourceFactory(title="A journal's report", slug="journal")
    wire = SourceFactory(
        title="A wire report", slug="wire", text="", url="https://wire.example/report", notes="In our words."
    )
    kasane = AgendaItemFactory(
        meeting=MeetingFactory(title="Kasane intersessional", slug="kasane", start_date="2022-06-20", end_date=None),
        issue__title="Russia and Ukraine",
        issue__slug="russia-ukraine",
        outcome="not_discussed",
    )
    plenary = AgendaItemFactory(
        meeting=MeetingFactory(title="Dubai plenary", slug="dubai", start_date="2024-11-12", end_date=None),
        issue=kasane.issue,
        outcome="no_consensus",
    )
    on_agenda = Proposal.objects.create(agenda_item=kasane, text="Put the war on the agenda", stage="agenda")
    vote = ProposalAccount.objects.create(
        proposal=on_agenda, decided_by="vote", result="rejected", votes_for=8, votes_against=12
    )
    vote.sources.add(journal)
    removed = ProposalAccount.objects.create(proposal=on_agenda, decided_by="consensus", result="blocked")
    removed.sources.add(wire)
    removed.proposed_by.add(ukraine)
    substance = Proposal.objects.create(agenda_item=plenary, text="Discuss Russia's sales", stage="decision")
    blocked = ProposalAccount.objects.create(proposal=substance, decided_by="consensus", result="blocked")
    blocked.sources.add(journal)
    position(on_agenda, participant=russia, stance="blocks", evidence="cited", quote="", source=wire)
    position(on_agenda, participant=ukraine, stance="supports", source=journal, evidence="quoted")
    position(
        substance,
        participant=russia,
        stance="blocks",
        source=journal,
        evidence="inferred",
        note="'third year in a row' counts back to this meeting",
    )
    position(
        participant=coalition,
        act="walk_out",
        stance="protests",
        meeting=plenary.meeting,
        source=journal,
        quote="walked out of the plenary",
    )
    body = WorkingBody.objects.create(name="Committee on Rules", slug="rules", kind="committee")
    position(participant=ukraine, act="boycott", stance="protests", working_body=body, source=journal, quote="boycotts")
    chair = Chair.objects.create(year=2021, participant=russia, person=PersonFactory(name="A. Chairman"))
    chair.sources.add(journal)
    event = MembershipEvent.objects.create(
        participant=russia,
        event="restrictions_imposed",
        date=datetime.date(2013, 1, 1),
        date_precision="year",
        note="as the seed says",
    )
    event.sources.add(wire)
    return {"russia": russia, "ukraine": ukraine, "coalition": coalition, "on_agenda": on_agenda}


def test_a_meeting_shows_its_proposals_with_accounts_side_by_side_and_tally(client, record):
    page = client.get("/meetings/kasane/").content.decode()
    assert "Put the war on the agenda" in page
    assert "The sources differ" in page and "2 accounts, side by side" in page
    assert "rejected (lost a vote)" in page and "8 for, 12 against" in page
    assert "Proposed by" in page and "Ukraine" in page
    assert "A wire report</a> (cited, not stored)" in page
    assert "cited: the source is cited, no quote is stored" in page


def test_a_meeting_shows_its_acts_apart_from_its_proposals(client, record):
    page = client.get("/meetings/dubai/").content.decode()
    acts = page[page.index('id="acts"') :]
    assert "walk-out" in acts and "KP Civil Society Coalition" in acts and "walked out of the plenary" in acts
    assert "walked out of the plenary" not in page[: page.index('id="acts"')]


def test_the_trajectory_tells_kept_off_the_agenda_from_blocked_on_the_substance(client, record):
    page = client.get("/issues/russia-ukraine/").content.decode()
    # Kasane: two accounts that differ, so no single result is stated; Dubai: blocked on the substance.
    kasane, dubai = page.split("Dubai plenary</a>")[0], page.split("Dubai plenary</a>")[1]
    assert "The sources differ" in kasane and "Kept off the agenda" not in kasane
    assert "Blocked on the substance" in dubai
    assert '<span class="evidence-inferred">inferred</span>' in dubai


def test_one_agreed_account_reads_as_kept_off_the_agenda(client, record):
    record["on_agenda"].accounts.filter(decided_by="vote").delete()
    page = client.get("/issues/russia-ukraine/").content.decode()
    assert "Kept off the agenda" in page.split("Dubai plenary</a>")[0]


def test_the_matrix_counts_inferred_blocks_apart_and_filters_by_stage_and_evidence(client, record):
    page = client.get("/matrix/").content.decode()
    row = page[page.index("Russian Federation</a>") :]
    row = row[: row.index("</tr>")]
    assert "has-readings" in row and "1 inferred" in row
    assert '<td class="num total">2</td>' in row
    agenda_only = client.get("/matrix/?stage=agenda").content.decode()
    row = agenda_only[agenda_only.index("Russian Federation</a>") :]
    assert '<td class="num total">1</td>' in row[: row.index("</tr>")] and "inferred" not in row[: row.index("</tr>")]
    stated_only = client.get("/matrix/?evidence=quoted&evidence=cited").content.decode()
    row = stated_only[stated_only.index("Russian Federation</a>") :]
    assert '<td class="num total">1</td>' in row[: row.index("</tr>")]
    wrong = client.get("/matrix/?stage=vote")
    assert wrong.status_code == 200 and "stage" in wrong.context["filter"].errors


def test_the_matrix_cell_links_keep_the_stage_and_evidence(client, record):
    page = client.get("/matrix/?stage=decision&evidence=inferred").content.decode()
    row = page[page.index("Russian Federation</a>") :]
    (href,) = re.findall(r'<td class="cell[^"]*"><a href="([^"]+)"', row[: row.index("</tr>")])
    query = parse_qs(urlsplit(html.unescape(href)).query)
    assert (query["stage"], query["evidence"], query["participant"]) == (["decision"], ["inferred"], ["RUS"])


def test_a_participant_shows_chairs_membership_summary_and_acts(client, record):
    page = client.get("/participants/rus/").content.decode()
    assert "<strong>2021</strong>: chair of the Kimberley Process (A. Chairman)" in page
    assert "<strong>2013</strong>: restrictions imposed" in page and "A wire report</a> (cited)" in page
    summary = page[page.index('id="summary"') :]
    assert "blocks taking it up</span> at 1 of the 2 meetings where it was raised" in summary
    assert "blocks on the substance</span> at 1 of the 2 meetings where it was raised" in summary
    assert "1 of them inferred" in summary
    ukraine = client.get("/participants/ukr/").content.decode()
    acts = ukraine[ukraine.index('id="acts"') :]
    assert "boycott" in acts and "Committee on Rules" in acts


def test_the_issue_chart_keeps_taking_it_up_apart_from_the_substance(client, record):
    chart = client.get("/issues/russia-ukraine/").context["chart"]
    data = {d["key"]: d["data"] for d in chart["datasets"]}
    labels = {d["key"]: d["label"] for d in chart["datasets"]}
    # Kasane: Russia blocks and Ukraine supports taking it up; Dubai: Russia blocks the substance.
    assert data == {"blocks-agenda": [1, 0], "blocks": [0, 1], "supports-agenda": [1, 0]}
    assert labels["supports-agenda"] == "supports taking it up" and labels["blocks"] == "blocks"


def test_a_participant_counts_once_however_many_statements_record_its_stance(client, record):
    source = record["on_agenda"].positions.get(participant=record["ukraine"]).source
    position(record["on_agenda"], participant=record["ukraine"], stance="supports", source=source, quote="again")
    chart = client.get("/issues/russia-ukraine/").context["chart"]
    assert {d["key"]: d["data"] for d in chart["datasets"]}["supports-agenda"] == [1, 0]
    timeline = client.get("/").context["chart"]
    assert (
        sum(sum(d["data"]) for d in timeline["datasets"]) == 4
    )  # RUS and UKR at Kasane, RUS and the walk-out at Dubai


def test_a_cited_page_lists_the_records_it_supports(client, record):
    wire = Position.objects.get(evidence="cited").source
    page = client.get(f"/sources/{wire.pk}/").content.decode()
    others = page[page.index("Other records citing this source") :]
    assert "How it was decided" in others and "Put the war on the agenda" in others
    assert "Membership: " in others and "restrictions imposed" in others
    assert "Cited, not stored" in page and "Full text" not in page
