"""/compare/ and /alignment/: participants side by side, and who sides with whom, proposal by proposal."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.legacy import default_proposal
from positions.models import Position, ProposalAccount
from tests.factories import AgendaItemFactory, ParticipantFactory, PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    """Four proposals. RUS and USA differ on two, agree on one (an abstention each), and only USA
    took a side on the fourth; CHN sides with RUS. The fifth was adopted by consensus."""
    rus, usa, chn = (
        ParticipantFactory(code=c, name=n) for c, n in (("RUS", "Russia"), ("USA", "US"), ("CHN", "China"))
    )
    items = [AgendaItemFactory(meeting__start_date=f"202{i}-11-01", meeting__end_date=None) for i in range(5)]
    stances = [
        {rus: "blocks", usa: "supports", chn: "opposes"},
        {rus: "opposes", usa: "supports", chn: "blocks"},
        {rus: "abstains", usa: "abstains", chn: "abstains"},
        {usa: "supports"},
        {rus: "supports", usa: "supports", chn: "supports"},
    ]
    for item, by in zip(items, stances, strict=True):
        for participant, stance in by.items():
            PositionFactory(
                agenda_item=item, participant=participant, stance=stance, quote=f"{stance} {participant.code}"
            )
    adopted = ProposalAccount.objects.create(
        proposal=items[4].proposals.get(), result="adopted", decided_by="consensus"
    )
    return {"items": items, "adopted": adopted}


def test_compare_puts_participants_side_by_side_with_verdicts(client, record):
    response = client.get("/compare/", {"participant": ["rus", "USA"]})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.verdict for row in rows] == ["differ", "differ", "agree", "one", "agree"]
    assert response.context["verdicts"] == {"agree": 2, "differ": 2, "one": 1}
    html = response.content.decode()
    first = rows[0].cells[[p.code for p in response.context["chosen"]].index("RUS")][0]
    assert f'href="/positions/{first.pk}/"' in html


@pytest.mark.parametrize("codes", [["RUS"], ["RUS", "USA", "CHN", "P1", "P2", "P3", "P4"]])
def test_compare_takes_two_to_six_participants(client, record, codes):
    for code in ("P1", "P2", "P3", "P4"):
        ParticipantFactory(code=code)
    html = client.get("/compare/", {"participant": codes}).content.decode()
    assert "Choose 2 to 6 participants to compare, or a group." in html
    assert client.get("/export/compare.csv", {"participant": codes}).status_code == 400


def test_compare_csv_holds_the_same_rows(client, record):
    response = client.get("/export/compare.csv", {"participant": ["RUS", "USA"], "year_from": 2021})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["meeting", "meeting_date", "issue", "proposal", "stage", "RUS", "USA", "verdict"]
    assert [row[-1] for row in rows[1:]] == ["differ", "agree", "one", "agree"]
    assert rows[1][5].startswith("opposes #")


def test_alignment_counts_shared_proposals_and_leaves_consensus_out(client, record):
    response = client.get("/alignment/")
    pairs = {(p.a, p.b): p for p in response.context["enough"] + response.context["few"]}
    # The consensus adoption is left out: RUS and USA share three proposals, agreeing on one (abstaining).
    assert (pairs[("RUS", "USA")].shared, pairs[("RUS", "USA")].agree) == (3, 1)
    # Opposes and blocks are the same side.
    assert (pairs[("CHN", "RUS")].shared, pairs[("CHN", "RUS")].agree) == (3, 3)
    assert pairs[("CHN", "RUS")].percent == 100 and not pairs[("CHN", "RUS")].too_few
    html = response.content.decode()
    assert "How it is computed" in html and "adopted by consensus are left out" in html
    assert 'href="/compare/?participant=CHN&amp;participant=RUS"' in html


def test_alignment_marks_pairs_with_too_few_shared_proposals(client, record):
    response = client.get("/alignment/", {"year_from": 2021})
    few = {(p.a, p.b) for p in response.context["few"]}
    assert ("RUS", "USA") in few and not response.context["enough"]
    assert 'class="too-few"' in response.content.decode()


def test_alignment_csv_holds_every_pair(client, record):
    response = client.get("/export/alignment.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_pair = {(r["participant_a"], r["participant_b"]): r for r in rows}
    assert by_pair[("RUS", "USA")] == {
        "participant_a": "RUS", "participant_b": "USA", "shared_proposals": "3", "same_side": "1",
        "share": "0.333", "too_few": "false",
    }  # fmt: skip
    assert client.get("/export/alignment.csv", {"stage": "nonsense"}).status_code == 400


@pytest.mark.parametrize("path,params", [("/alignment/", {}), ("/compare/", {"participant": ["RUS", "USA"]})])
def test_a_fixed_number_of_queries_whatever_the_data(client, record, path, params):
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path, params).status_code == 200
        counts.append(len([q for q in ctx.captured_queries if "dataversion" not in q["sql"]]))
        for item in record["items"][:3]:
            for code in ("P7", "P8", "P9"):
                PositionFactory(agenda_item=item, participant=ParticipantFactory(code=code), stance="supports")
        # And proposals at new meetings, each with its own rows on the comparison.
        for code in ("RUS", "USA"):
            PositionFactory(participant=ParticipantFactory(code=code), stance="opposes")
    assert counts[0] == counts[1]


def test_the_alignment_page_is_bounded_and_says_so(client, record, monkeypatch):
    monkeypatch.setattr("pages.analysis.HEAT_MAP_MAX", 2)
    monkeypatch.setattr("pages.views.LISTED", 1)
    response = client.get("/alignment/")
    # Each shares 6 proposals in all with the other two: a tie, broken by code.
    assert [column["code"] for column in response.context["columns"]] == ["CHN", "RUS"]
    html = response.content.decode()
    assert "It shows the 2 of 3 participants who share the most proposals" in html
    assert len(response.context["enough"]) == 1 and response.context["enough_total"] == 3
    assert "The first 1 of 3; the CSV holds them all." in html
    # The CSV is not bounded.
    rows = b"".join(client.get("/export/alignment.csv").streaming_content).decode().splitlines()
    assert len(rows) == 1 + 3


# --- the alignment's counts when a participant holds several positions on one proposal --------------------------


def alignment_csv(client, params=None):
    response = client.get("/export/alignment.csv", params or {})
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    return {(r["participant_a"], r["participant_b"]): (int(r["shared_proposals"]), int(r["same_side"])) for r in rows}


def test_several_positions_on_one_proposal_count_it_once_with_every_side_taken(client):
    """RUS took two sides on the first proposal (two accounts), USA the same side twice, CHN opposes and
    blocks (one side); on the third, RUS only took no side. Counted by hand, per pair of proposals."""
    rus, usa, chn = (ParticipantFactory(code=code) for code in ("RUS", "USA", "CHN"))
    items = [AgendaItemFactory() for _ in range(3)]
    stances = [
        [(rus, "blocks"), (rus, "supports"), (usa, "supports"), (usa, "supports"), (chn, "opposes"), (chn, "blocks")],
        [(rus, "abstains"), (usa, "abstains"), (usa, "abstains"), (chn, "supports")],
        [(rus, "neutral"), (usa, "opposes"), (chn, "opposes"), (chn, "protests")],
    ]
    for item, taken in zip(items, stances, strict=True):
        for n, (participant, stance) in enumerate(taken):
            PositionFactory(agenda_item=item, participant=participant, stance=stance, quote=f"words {n}")
    assert alignment_csv(client) == {
        # First: against vs for and against (same side); second: for vs abstaining; third: RUS took no side.
        ("CHN", "RUS"): (2, 1),
        # First: against vs for; second: for vs abstaining; third: against twice.
        ("CHN", "USA"): (3, 1),
        # First: for and against vs for (same side); second: abstaining twice (USA's two count once).
        ("RUS", "USA"): (2, 2),
    }
    # The page reads the same pairs.
    page = client.get("/alignment/").context
    assert {(p.a, p.b): (p.shared, p.agree) for p in page["enough"] + page["few"]} == alignment_csv(client)


# Written out here rather than imported, so that the test checks the page's own mapping too.
SIDE = {"supports": "for", "opposes": "against", "blocks": "against", "abstains": "abstaining"}
STANCES = [*SIDE, "neutral", "protests"]
CODES = ["AAA", "BBB", "CCC", "DDD"]
EVIDENCE = ["quoted", "inferred"]


def counted_by_hand(positions, evidence, adopted):
    """{(a, b): (shared, agree)} from (proposal, code, stance, evidence) tuples: for every proposal not
    adopted by consensus, each participant's set of sides, and every pair of participants that both have one."""
    sides = {}
    for proposal, code, stance, kind in positions:
        if proposal != adopted and stance in SIDE and (not evidence or kind in evidence):
            sides.setdefault(proposal, {}).setdefault(code, set()).add(SIDE[stance])
    pairs = {}
    for by_code in sides.values():
        for a in by_code:
            for b in by_code:
                if a < b:
                    shared, agree = pairs.get((a, b), (0, 0))
                    pairs[(a, b)] = (shared + 1, agree + bool(by_code[a] & by_code[b]))
    return pairs


def test_the_alignment_matches_a_count_by_hand_of_any_small_record(client):
    """Random positions of four participants on four proposals (the last adopted by consensus), with
    duplicates, several sides, sideless stances and both kinds of evidence, filtered by evidence or not."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    participants = {code: ParticipantFactory(code=code) for code in CODES}
    items = [AgendaItemFactory() for _ in range(4)]
    ProposalAccount.objects.create(proposal=default_proposal(items[3]), result="adopted", decided_by="consensus")
    source = PositionFactory(agenda_item=items[0], participant=participants["AAA"]).source
    position = st.tuples(st.integers(0, 3), st.sampled_from(CODES), st.sampled_from(STANCES), st.sampled_from(EVIDENCE))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(positions=st.lists(position, max_size=16), evidence=st.sets(st.sampled_from(EVIDENCE)))
    def matches(positions, evidence):
        Position.objects.all().delete()
        for n, (proposal, code, stance, kind) in enumerate(positions):
            PositionFactory(
                agenda_item=items[proposal],
                participant=participants[code],
                stance=stance,
                evidence=kind,
                note="inferred from the record" if kind == "inferred" else "",
                quote=f"words {n}",
                source=source,
            )
        expected = counted_by_hand(positions, evidence, adopted=3)
        assert alignment_csv(client, {"evidence": sorted(evidence)}) == expected

    matches()


def test_the_alignment_page_and_csv_run_a_pinned_number_of_queries(client, record, django_assert_num_queries):
    """Whatever the data: the page and the CSV each read the data version (their cache key) and their pairs."""
    for _ in range(2):
        with django_assert_num_queries(2):
            assert client.get("/alignment/", {"year_from": 2020}).status_code == 200
        with django_assert_num_queries(2):
            b"".join(client.get("/export/alignment.csv").streaming_content)
        for item in record["items"][:3]:
            for code in ("P7", "P8"):
                PositionFactory(agenda_item=item, participant=ParticipantFactory(code=code), stance="abstains")
