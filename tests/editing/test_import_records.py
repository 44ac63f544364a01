"""Importing what issue 13 added: positions on proposals, acts and the strength of evidence; proposals
with the accounts of how each was decided; chairs; membership events. Through the command and the
admin, as editors do: every error named by its line, the whole file or nothing, fixed query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editing.importing import ImportFileError, detect_kind
from governance.models import Chair, MembershipEvent
from positions.models import AgendaItem, Position, Proposal, ProposalAccount
from tests.editing.test_import import POSITION_HEADER, export, record_snapshot, run, write
from tests.editing.test_import_editors import confirm, message_texts, upload
from tests.exports.records import build_record

pytestmark = pytest.mark.django_db

NEW_POSITION_HEADER = (
    "meeting_slug,issue_slug,outcome,participant_code,stance,attribution,reported_by,quote,source_slug,"
    "note,proposal,stage,evidence,act,working_body,reported_by_person\n"
)
PROPOSAL_HEADER = (
    "meeting_slug,issue_slug,proposal,stage,decided_by,result,proposed_by,votes_for,votes_against,abstentions,"
    "result_note,sources,inferred,account\n"
)
CHAIR_HEADER = "year,role,participant_code,participant,person,sources,body,inferred,note,person_slug\n"
# The proposal the test record's Kasane item holds (tests/exports/records.py).
DISCUSS = "Discuss Russia's diamonds"
MEMBERSHIP_HEADER = "participant_code,participant,event,date,note,sources,date_precision,inferred\n"


@pytest.fixture
def record(db):
    return build_record()


def errors_of(out):
    return [line for line in out.splitlines() if "ERROR" in line]


# --- positions ------------------------------------------------------------------------------------


def test_an_old_file_puts_a_position_on_its_items_default_proposal(kp_data, tmp_path):
    """A file without the proposal column (written before proposals existed): worded as the issue, as
    positions.legacy.default_proposal words it, with the outcome as its account."""
    from meetings.models import Meeting, Source
    from positions.models import Issue

    source = Source.objects.exclude(text="").first()
    meeting, issue = next(
        (m, i)
        for m in Meeting.objects.order_by("slug")
        for i in Issue.objects.order_by("slug")
        if not AgendaItem.objects.filter(meeting=m, issue=i).exists()
    )
    text = POSITION_HEADER + f"{meeting.slug},{issue.slug},deferred,CHN,,opposes,stated,,,q two,{source.slug}\n"
    items_before = AgendaItem.objects.count()
    out, error = run(write(tmp_path, "p.csv", text))
    assert error is None and "1 to create" in out, out
    new = Position.objects.get(quote="q two")
    assert AgendaItem.objects.count() == items_before + 1
    assert (new.proposal.text, new.proposal.stage) == (issue.title, "decision")
    assert new.meeting == meeting and new.agenda_item.outcome == "deferred"
    (account,) = new.proposal.accounts.all()
    assert account.result == "deferred"
    assert new.evidence == "quoted"


def test_an_old_file_row_on_an_item_with_worded_proposals_asks_which(kp_data, tmp_path):
    """Dubai 2024's Russia item holds worded proposals and none worded as its issue: a row that names
    none would otherwise add a new one and duplicate the record, so it is refused, naming them."""
    from meetings.models import Source

    source = Source.objects.exclude(text="").first()
    text = POSITION_HEADER + f"2024-11-plenary-dubai,russia-ukraine,,RUS,,blocks,stated,,,q one,{source.slug}\n"
    positions_before = Position.objects.count()
    out, error = run(write(tmp_path, "p.csv", text))
    assert error is not None or errors_of(out), out
    assert "name the one this position answers" in (out + str(error or ""))
    assert "Discuss the role of Russia" in (out + str(error or ""))
    assert Position.objects.count() == positions_before


def test_a_row_names_its_proposal_found_or_added_with_its_stage(record, tmp_path):
    row = (
        "2022-06-kasane,russia-ukraine,,{code},supports,stated,,Russia blocked it again,b-news,,"
        "{proposal},{stage},,,,\n"
    )
    text = NEW_POSITION_HEADER + "".join(
        [
            row.format(code="CAN", proposal="Discuss Russia's diamonds", stage=""),  # recorded: no stage needed
            row.format(code="EU", proposal="Suspend Russia", stage="decision"),  # added
            row.format(code="CAF", proposal="Suspend Russia", stage=""),  # added on the line above
        ]
    )
    out, error = run(write(tmp_path, "p.csv", text))
    assert error is None and "3 to create" in out, out
    suspend = Proposal.objects.get(text="Suspend Russia")
    assert suspend.stage == "decision" and suspend.agenda_item == record["proposals"]["discuss"].agenda_item
    assert sorted(suspend.positions.values_list("participant__code", flat=True)) == ["CAF", "EU"]
    assert record["proposals"]["discuss"].positions.filter(participant__code="CAN").exists()
    assert not suspend.accounts.exists()


def test_a_row_changes_its_proposals_stage_shown_before_and_after(record, client, tmp_path):
    reader = csv.DictReader(io.StringIO(export(client, "/export/positions.csv", stage="communique")))
    rows = list(reader)
    for row in rows:
        row["stage"] = "decision"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=reader.fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    out, error = run(write(tmp_path, "p.csv", buffer.getvalue()))
    assert error is None, out
    assert 'stage: "communique" → "decision"' in out
    assert Proposal.objects.get(pk=record["proposals"]["wording"].pk).stage == "decision"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,q,b-news,,New words,,,,,", "stage",
         "A new proposal needs its stage"),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,q,b-news,,,agenda,,,,", "stage",
         "A stage is a proposal's: name the proposal too"),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,q,b-news,,New words,vote,,,,", "stage",
         "'vote' is not a stage"),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,q,b-news,,,,,walk_out,,", "issue_slug",
         "An act answers no proposal: leave issue_slug empty"),
        (",,,CAN,protests,stated,,q,b-news,,,,,boycott,,", "meeting_slug",
         "An act happens at a meeting or is aimed at a working body: name one."),
        (",,,CAN,protests,stated,,q,b-news,,,,,boycott,no-such-body,", "working_body",
         "No working body has the slug 'no-such-body'"),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,q,b-news,,{DISCUSS},,,,participation,", "working_body",
         "Only an act is aimed at a working body."),
        ("2022-06-kasane,,,CAN,protests,stated,,q,b-news,,,,,sulk,,", "act", "'sulk' is not an act"),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,q,b-news,,{DISCUSS},,hearsay,,,", "evidence",
         "'hearsay' is not a kind of evidence"),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,q,b-news,,{DISCUSS},,cited,,,", "quote",
         "Quote the source, unless the evidence is 'cited'"),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,,b-news,,{DISCUSS},,quoted,,,", "quote",
         "Quote the source, unless the evidence is 'cited'"),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,q,b-news,,{DISCUSS},,inferred,,,", "note",
         "An inferred position says in the note how it is read from the quote."),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,stated,,q,c-public-page,,{DISCUSS},,quoted,,,", "evidence",
         "This source's text is not stored, so it cannot be quoted"),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,reported,,q,b-news,,{DISCUSS},,,,,", "reported_by",
         "A reported position names who reported it: a participant, a person or an outlet."),
        ("2022-06-kasane,russia-ukraine,,CAN,supports,reported,,q,b-news,,{DISCUSS},,,,,nobody", "reported_by_person",
         "No person has the slug 'nobody'"),
    ],
)  # fmt: skip
def test_a_bad_position_row_is_named_by_line_and_column(record, tmp_path, row, column, message):
    good = f"2022-06-kasane,russia-ukraine,,CAF,neutral,stated,,Russia blocked it again,b-news,,{DISCUSS},,,,,\n"
    row = row.replace("{DISCUSS}", DISCUSS)
    before = record_snapshot()
    out, error = run(write(tmp_path, "p.csv", NEW_POSITION_HEADER + good + row + "\n"))
    assert error is not None and error.returncode == 1
    assert f"line 3: ERROR in column {column}: {message}" in out, out
    assert len(errors_of(out)) == 1, out
    assert record_snapshot() == before  # the good line 2 was not written either


def test_acts_and_cited_and_reported_rows_import(record, tmp_path):
    text = NEW_POSITION_HEADER + (
        "2024-11-dubai,,,EU,protests,stated,,The EU put the item forward,b-news,,,,,walk_out,,\n"
        ",,,RUS,,stated,,,c-public-page,,,,cited,statement,participation,\n"
        f"2022-06-kasane,russia-ukraine,,CAF,opposes,reported,,,c-public-page,,{DISCUSS},,,,,mtisi\n"
        f"2022-06-kasane,russia-ukraine,,CAN,blocks,stated,,Russia blocked it,b-news,Read so.,{DISCUSS},,inferred,,,\n"
    )
    out, error = run(write(tmp_path, "p.csv", text))
    assert error is None and "4 to create" in out, out
    walk_out = Position.objects.get(act="walk_out", participant__code="EU")
    assert (walk_out.meeting.slug, walk_out.proposal, walk_out.agenda_item, walk_out.quote_verified) == (
        "2024-11-dubai",
        None,
        None,
        True,
    )
    statement = Position.objects.get(act="statement", participant__code="RUS")
    assert (statement.meeting, statement.working_body.slug, statement.stance, statement.evidence) == (
        None,
        "participation",
        "",
        "cited",
    )
    assert not statement.quote_verified  # nothing to verify
    reported = Position.objects.get(participant__code="CAF", stance="opposes")
    assert (reported.reported_by, reported.reported_by_person.slug, reported.evidence) == (None, "mtisi", "cited")
    assert reported.proposal.text == DISCUSS
    inferred = Position.objects.get(participant__code="CAN", stance="blocks")
    assert (inferred.evidence, inferred.note) == ("inferred", "Read so.")


def test_a_second_statement_with_other_words_is_added_the_same_words_twice_are_one(record, tmp_path):
    row = "2022-06-kasane,russia-ukraine,,RUS,blocks,stated,,{quote},b-news,,{proposal},,,,,\n"
    row = row.replace("{proposal}", DISCUSS)
    text = NEW_POSITION_HEADER + row.format(quote="Russia blocked it again") + row.format(quote="blocked it")
    out, error = run(write(tmp_path, "p.csv", text))
    assert error is None and "1 to create, 0 to change, 1 unchanged" in out, out
    out, error = run(write(tmp_path, "p.csv", text + row.format(quote="blocked it")))
    assert error is not None
    assert "line 4: ERROR in column (row): The same position as line 3" in out


# --- proposals and their accounts ------------------------------------------------------------------


def test_proposals_and_accounts_import(record, tmp_path):
    text = PROPOSAL_HEADER + (
        # A new proposal under a new agenda item, with two accounts that disagree (numbered by their order).
        "2024-11-dubai,russia-ukraine,Suspend Russia,decision,consensus,blocked,RUS,,,,Russia blocked it.,"
        "b-news,,\n"
        "2024-11-dubai,russia-ukraine,Suspend Russia,decision,vote,rejected,EU; Canada,3,30,0,,a-report; b-news,,\n"
        # A proposal with no account.
        "2024-11-dubai,russia-ukraine,Note the report,communique,,,,,,,,,,\n"
        # A third account of a recorded proposal.
        "2022-06-kasane,russia-ukraine,Discuss Russia's diamonds,,written_procedure,pending,,,,,,,,3\n"
    )
    out, error = run(write(tmp_path, "p.csv", text), "--kind", "proposals")
    assert error is None and "4 to create, 0 to change, 0 unchanged" in out, out
    item = AgendaItem.objects.get(meeting__slug="2024-11-dubai", issue__slug="russia-ukraine")
    suspend = Proposal.objects.get(agenda_item=item, text="Suspend Russia")
    blocked, voted = suspend.accounts.order_by("pk")
    assert (blocked.decided_by, blocked.result, list(blocked.proposed_by.values_list("code", flat=True))) == (
        "consensus",
        "blocked",
        ["RUS"],
    )
    assert (voted.votes_for, voted.votes_against, voted.abstentions) == (3, 30, 0)
    assert sorted(voted.proposed_by.values_list("code", flat=True)) == ["CAN", "EU"]
    assert sorted(voted.sources.values_list("slug", flat=True)) == ["a-report", "b-news"]
    assert not Proposal.objects.get(text="Note the report").accounts.exists()
    discuss = record["proposals"]["discuss"]
    assert [a.result for a in discuss.accounts.order_by("pk")] == ["rejected", "blocked", "pending"]
    # The history holds each new account with its links.
    history = voted.history.get()
    assert sorted(link.source.slug for link in history.sources.all()) == ["a-report", "b-news"]
    assert sorted(link.participant.code for link in history.proposed_by.all()) == ["CAN", "EU"]


def test_an_account_change_is_shown_before_and_after_and_keeps_its_history(record, client, tmp_path):
    reader = csv.DictReader(io.StringIO(export(client, "/export/proposals.csv")))
    rows = list(reader)
    rows[1]["result"] = "no_consensus"
    rows[1]["sources"] = "a-report; b-news"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=reader.fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    out, error = run(write(tmp_path, "p.csv", buffer.getvalue()))
    assert error is None and "0 to create, 1 to change, 3 unchanged" in out, out
    assert "line 3: change" in out and 'result: "blocked" → "no_consensus"' in out
    assert 'sources: "b-news" → "a-report; b-news"' in out
    removed = ProposalAccount.objects.get(pk=record["accounts"]["removed"].pk)
    assert removed.result == "no_consensus"
    assert sorted(removed.sources.values_list("slug", flat=True)) == ["a-report", "b-news"]
    latest = removed.history.first()
    assert latest.history_type == "~" and latest.result == "no_consensus"
    assert sorted(link.source.slug for link in latest.sources.all()) == ["a-report", "b-news"]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("2022-06-kasane,russia-ukraine,Discuss Russia's diamonds,,,,,,,,,,,4", "account",
         "This proposal has 2 account(s): 4 is neither one of them nor the next one (3)"),
        ("2022-06-kasane,russia-ukraine,Discuss Russia's diamonds,,,,,,,,,,,0", "account",
         "Accounts are numbered from 1."),
        ("2022-06-kasane,russia-ukraine,New words,,consensus,adopted,,,,,,,,", "stage",
         "A new proposal needs its stage"),
        ("2022-06-kasane,russia-ukraine,,agenda,consensus,adopted,,,,,,,,", "proposal", "Word the proposal."),
        ("2022-06-kasane,russia-ukraine,Words,agenda,consensus,vetoed,,,,,,,,", "result", "'vetoed' is not"),
        ("2022-06-kasane,russia-ukraine,Words,agenda,consensus,adopted,,3,,,,,,", "votes_for",
         "A tally is given only for a proposal decided by a vote."),
        ("2022-06-kasane,russia-ukraine,Words,agenda,consensus,rejected,,,,,,,,", "result",
         "'Rejected' means a vote was lost"),
        ("2022-06-kasane,russia-ukraine,Words,agenda,vote,blocked,,,,,,,,", "result",
         "A vote is lost, not blocked: use 'rejected'."),
        ("2022-06-kasane,russia-ukraine,Words,agenda,consensus,blocked,,,,,,,true,", "result_note",
         "A reading says in the note how it is read from the sources."),
        ("2022-06-kasane,russia-ukraine,Words,agenda,consensus,blocked,Atlantis,,,,,,,", "proposed_by",
         "No participant has the code, name or alias 'Atlantis'"),
        ("2022-06-kasane,russia-ukraine,Words,agenda,consensus,blocked,,,,,,nope,,", "sources",
         "No source has the slug 'nope'"),
        ("2022-06-kasane,russia-ukraine,Words,agenda,vote,rejected,,many,,,,,,", "votes_for",
         "'many' is not a whole number."),
        ("2022-06-kasane,no-such-issue,Words,agenda,,,,,,,,,,", "issue_slug", "No issue has the slug"),
        ("2022-06-kasane,russia-ukraine,Discuss Russia's diamonds,,consensus,blocked,,,,,,,,1\n"
         "2022-06-kasane,russia-ukraine,Discuss Russia's diamonds,,consensus,blocked,,,,,,,,1", "(row)",
         "The same account of this proposal as line 3"),
    ],
)  # fmt: skip
def test_a_bad_proposal_row_is_named_by_line_and_column(record, tmp_path, row, column, message):
    good = "2024-11-dubai,car,A good new proposal,decision,consensus,adopted,CAN,,,,,b-news,,\n"
    before = record_snapshot()
    out, error = run(write(tmp_path, "p.csv", PROPOSAL_HEADER + good + row + "\n"))
    assert error is not None and error.returncode == 1
    line = 4 if column == "(row)" else 3
    assert f"line {line}: ERROR in column {column}: {message}" in out, out
    assert len(errors_of(out)) == 1, out
    assert record_snapshot() == before


def test_a_proposals_file_without_account_numbers_numbers_them_in_order(record, tmp_path):
    text = (
        "meeting_slug,issue_slug,proposal,result\n"
        "2022-06-kasane,russia-ukraine,Discuss Russia's diamonds,rejected\n"
        "2022-06-kasane,russia-ukraine,Discuss Russia's diamonds,no_consensus\n"
    )
    out, error = run(write(tmp_path, "p.csv", text))
    assert error is None and "0 to create, 1 to change, 1 unchanged" in out, out
    discuss = record["proposals"]["discuss"]
    assert [a.result for a in discuss.accounts.order_by("pk")] == ["rejected", "no_consensus"]
    assert discuss.accounts.get(result="rejected").votes_for == 20  # a column the file lacks stays


# --- chairs and membership events ----------------------------------------------------------------


def test_chairs_import_and_change(record, tmp_path):
    text = CHAIR_HEADER + (
        "2024,chair,ARE,,,b-news,,,,\n"  # a participant not in the record: an error, see below
    )
    out, error = run(write(tmp_path, "c.csv", text))
    assert error is not None and "line 2: ERROR in column participant: No participant" in out
    text = CHAIR_HEADER + (
        "2024,chair,CAN,,,b-news; a-report,,,,mtisi\n"
        "2024,vice_chair,,European Union,Shamiso Mtisi,b-news,participation,true,Read from the agenda.,\n"
        "2021,chair,RUS,,,b-news; c-public-page,,false,A corrected note.,bin-sulayem\n"
    )
    out, error = run(write(tmp_path, "c.csv", text), "--kind", "chairs")
    assert error is None and "2 to create, 1 to change, 0 unchanged" in out, out
    assert 'note: "Its chairmanship of 2021." → "A corrected note."' in out
    canada = Chair.objects.get(year=2024, role="chair")
    assert (canada.participant.code, canada.person.slug, canada.body) == ("CAN", "mtisi", None)
    assert sorted(canada.sources.values_list("slug", flat=True)) == ["a-report", "b-news"]
    vice = Chair.objects.get(year=2024, role="vice_chair")
    assert (vice.participant.code, vice.person.slug, vice.body.slug, vice.inferred) == (
        "EU",
        "mtisi",
        "participation",
        True,
    )
    assert sorted(link.source.slug for link in canada.history.get().sources.all()) == ["a-report", "b-news"]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("1999,chair,CAN,,,b-news,,,,", "year", "The year is between 2000 and 2100."),
        (",chair,CAN,,,b-news,,,,", "year", "Give the year"),
        ("2024,president,CAN,,,b-news,,,,", "role", "'president' is not a role"),
        ("2024,chair,CAN,,,,,,,", "sources", "Name the sources of this account"),
        ("2024,chair,CAN,,,b-news,,true,,", "note", "A reading says in the note how it is read from the sources."),
        ("2024,chair,CAN,,,b-news,no-body,,,", "body", "No working body has the slug 'no-body'"),
        ("2024,chair,CAN,,Nobody Known,b-news,,,,", "person", "No person is named 'Nobody Known'"),
        ("2021,chair,RUS,,,b-news,,,,bin-sulayem\n2021,chair,RUS,,,b-news,,,,bin-sulayem", "(row)",
         "The same chair as line 3"),
    ],
)  # fmt: skip
def test_a_bad_chair_row_is_named_by_line_and_column(record, tmp_path, row, column, message):
    before = record_snapshot()
    out, error = run(write(tmp_path, "c.csv", CHAIR_HEADER + "2030,chair,CAN,,,b-news,,,,\n" + row + "\n"))
    assert error is not None
    line = 4 if column == "(row)" else 3
    assert f"line {line}: ERROR in column {column}: {message}" in out, out
    assert len(errors_of(out)) == 1, out
    assert record_snapshot() == before


def test_membership_events_import_at_their_precision(record, tmp_path):
    text = MEMBERSHIP_HEADER + (
        "CAF,,suspended,2013-05,Suspended in May.,b-news,,\n"
        "VEN,,withdrew,2008-11-12,,a-report,,\n"  # no such participant in the record
    )
    out, error = run(write(tmp_path, "m.csv", text))
    assert error is not None and "line 3: ERROR in column participant" in out
    text = MEMBERSHIP_HEADER + (
        "CAF,,suspended,2013-05,Suspended in May.,b-news,,\n"
        ",Canada,withdrew,2030,,a-report,,\n"
        "CAF,,restrictions_lifted,2024-11,Subject to enhanced vigilance and more.,a-report; c-public-page,month,\n"
    )
    out, error = run(write(tmp_path, "m.csv", text))
    assert error is None and "2 to create, 1 to change, 0 unchanged" in out, out
    suspended = MembershipEvent.objects.get(event="suspended")
    assert (suspended.date.isoformat(), suspended.date_precision) == ("2013-05-01", "month")
    withdrew = MembershipEvent.objects.get(event="withdrew")
    assert (withdrew.participant.code, withdrew.date_iso) == ("CAN", "2030")
    assert MembershipEvent.objects.get(event="restrictions_lifted").note == "Subject to enhanced vigilance and more."


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("CAF,,joined,2013,,b-news,,", "event", "'joined' is not a membership event"),
        ("CAF,,suspended,,,b-news,,", "date", "Give the date"),
        ("CAF,,suspended,2013-5,,b-news,,", "date", "'2013-5' is not a date"),
        ("CAF,,suspended,2013-05-12,,b-news,month,", "date", "A date known to the month is stored as the 1st"),
        ("CAF,,suspended,2013,,b-news,fortnight,", "date_precision", "'fortnight' is not a precision"),
        ("CAF,,suspended,2013,,,,", "sources", "Name the sources of this account"),
        ("CAF,,suspended,2013,,b-news,,true", "note", "A reading says in the note how it is read"),
        ("CAF,,suspended,2013,,b-news,,maybe", "inferred", "'maybe' is not true or false."),
    ],
)
def test_a_bad_membership_row_is_named_by_line_and_column(record, tmp_path, row, column, message):
    before = record_snapshot()
    out, error = run(write(tmp_path, "m.csv", MEMBERSHIP_HEADER + "CAN,,readmitted,2031,,b-news,,\n" + row + "\n"))
    assert error is not None
    assert f"line 3: ERROR in column {column}: {message}" in out, out
    assert len(errors_of(out)) == 1, out
    assert record_snapshot() == before


# --- what every file shares ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (PROPOSAL_HEADER, "proposals"),
        ("meeting_slug,issue_slug,proposal,stage\n", "proposals"),
        (NEW_POSITION_HEADER, "positions"),
        (POSITION_HEADER, "positions"),
        (CHAIR_HEADER, "chairs"),
        (MEMBERSHIP_HEADER, "memberships"),
        ("slug,title\n", "meetings"),
    ],
)
def test_the_kind_of_file_is_told_by_its_columns(header, kind):
    assert detect_kind(header.strip().split(",")) == kind


def test_a_file_of_no_known_kind_names_every_kind():
    with pytest.raises(ImportFileError, match="proposals file .* chairs file .* memberships file"):
        detect_kind(["year", "participant"])


ADMIN = {
    "proposals": ("positions_proposal", PROPOSAL_HEADER + "2024-11-dubai,car,Welcome CAR back,decision,,,,,,,,,,\n"),
    "chairs": ("governance_chair", CHAIR_HEADER + "2025,chair,CAN,,,b-news,,,,\n"),
    "memberships": ("governance_membershipevent", MEMBERSHIP_HEADER + "CAN,,suspended,2025,,b-news,,\n"),
}


@pytest.mark.parametrize("kind", list(ADMIN))
def test_the_admin_previews_then_confirms_each_new_kind(kind, record, admin_client_logged_in):
    name, text = ADMIN[kind]
    before = record_snapshot()
    page = admin_client_logged_in.get(reverse(f"admin:{name}_import"))
    assert page.status_code == 200 and f'href="/export/{kind}.csv"' in page.content.decode()
    changelist = admin_client_logged_in.get(reverse(f"admin:{name}_changelist")).content.decode()
    assert reverse(f"admin:{name}_import") in changelist
    preview = upload(admin_client_logged_in, text, url=f"admin:{name}_import", name=f"{kind}.csv")
    assert preview.status_code == 200 and "<td>create</td>" in preview.content.decode()
    assert record_snapshot() == before  # a preview writes nothing
    response = admin_client_logged_in.post(
        reverse(f"admin:{name}_process_import"), preview.context["confirm_form"].initial, follow=True
    )
    assert message_texts(response) == [f"Imported {kind}: 1 new, 0 changed, 0 unchanged. (from {kind}.csv)"]
    assert record_snapshot() != before


@pytest.mark.parametrize("kind", list(ADMIN))
def test_the_admin_shows_a_bad_row_and_offers_no_confirm(kind, record, admin_client_logged_in):
    name, text = ADMIN[kind]
    bad = text.replace("CAN", "Atlantis").replace("car,", "no-such-issue,")
    preview = upload(admin_client_logged_in, bad, url=f"admin:{name}_import", name=f"{kind}.csv")
    html = preview.content.decode()
    assert preview.context.get("confirm_form") is None and "<tr><td>2</td>" in html


@pytest.mark.parametrize("kind", list(ADMIN))
def test_the_template_of_each_new_kind_imports_as_unchanged(kind, record, admin_client_logged_in, tmp_path):
    name, _text = ADMIN[kind]
    response = admin_client_logged_in.get(reverse(f"admin:{name}_import_template"))
    text = b"".join(response.streaming_content).decode()
    assert len(text.splitlines()) >= 2
    out, error = run(write(tmp_path, "template.csv", text))
    assert error is None and "0 to create, 0 to change" in out and "unchanged" in out, out


def confirm_position(admin_client_logged_in, text):
    return confirm(admin_client_logged_in, upload(admin_client_logged_in, text))


def test_the_admin_imports_a_position_on_a_proposal_and_an_act(record, admin_client_logged_in):
    text = NEW_POSITION_HEADER + (
        "2022-06-kasane,russia-ukraine,,CAF,neutral,stated,,Russia blocked it again,b-news,,"
        "Discuss Russia's diamonds,,,,,\n"
        ",,,RUS,protests,stated,,,c-public-page,,,,cited,boycott,participation,\n"
    )
    (message,) = message_texts(confirm_position(admin_client_logged_in, text))
    assert message.startswith("Imported positions: 2 new"), message
    assert Position.objects.get(participant__code="CAF").proposal == record["proposals"]["discuss"]
    assert Position.objects.filter(act="boycott", participant__code="RUS", working_body__slug="participation").exists()


def many_rows(kind, count):
    """`count` distinct new rows of a kind, each naming the record's participants, sources, meetings."""
    if kind == "proposals":
        rows = [f"2024-11-dubai,car,Proposal {n},decision,vote,rejected,CAN; EU,{n},1,0,,b-news; a-report,,\n"
                for n in range(count)]  # fmt: skip
        return PROPOSAL_HEADER + "".join(rows)
    if kind == "chairs":
        return CHAIR_HEADER + "".join(f"{2000 + n},chair,CAN,,,b-news; a-report,,,,\n" for n in range(count))
    if kind == "memberships":
        return MEMBERSHIP_HEADER + "".join(f"CAN,,readmitted,{2000 + n},,b-news; a-report,,\n" for n in range(count))
    rows = [f"2024-11-dubai,car,,CAN,supports,stated,,Quote {n},a-report,,Proposal {n % 7},decision,,,,\n"
            for n in range(count)]  # fmt: skip
    return NEW_POSITION_HEADER + "".join(rows)


@pytest.mark.parametrize("kind", ["proposals", "chairs", "memberships", "positions"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_the_queries_do_not_grow_with_the_rows(record, tmp_path, kind, dry_run):
    counts = []
    for count in (10, 60):
        before = record_snapshot()
        path = write(tmp_path, f"{kind}{count}.csv", many_rows(kind, count))
        with CaptureQueriesContext(connection) as queries:
            out, error = run(path, *(["--dry-run"] if dry_run else []))
        assert error is None and f"{count} to create" in out, out
        counts.append(len(queries))
        if not dry_run:  # back to the record, so the second file creates as many
            assert record_snapshot() != before
            Proposal.objects.filter(text__startswith="Proposal ").delete()
            Chair.objects.filter(year__gte=2000, participant__code="CAN", body=None).exclude(year=2023).delete()
            MembershipEvent.objects.filter(event="readmitted").delete()
    # Bulk inserts come in batches (SQLite takes at most 999 parameters a statement): not one a row.
    assert counts[0] <= counts[1] <= counts[0] + 2, counts
