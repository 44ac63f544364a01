"""Importing proposals and the accounts of how each was decided, in the columns of /export/proposals.csv.

A row names its meeting and issue by slug and the proposal by its words: the proposal is found under
the meeting's agenda item for the issue, or added with the row's stage (and the agenda item too, if
the meeting has none for the issue). The rest of the row is one account of how it was decided: the
`account`-th of the proposal's accounts, as entered (1 where the sources agree; one more for each
account where they disagree). The number is one the proposal has, or the next one, which adds an
account. Without an `account` column, a proposal's rows are its accounts 1, 2, … in the file's order.
A row whose account columns are all empty is the proposal alone, as proposals.csv writes a proposal
with no account.
"""

from collections import defaultdict

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from exports.tables import PROPOSAL_COLUMNS
from positions.models import AgendaItem, DecidedBy, Proposal, ProposalAccount, Result, Stage

from .import_meetings import CHANGE, CREATE, UNCHANGED, RowResult, one_of, parse_count
from .import_records import MeetingsAndIssues, RecordImport, codes, constraint_messages, links_of

STAGES, DECIDED_BY, RESULTS = tuple(Stage.values), tuple(DecidedBy.values), tuple(Result.values)
TALLY = ("votes_for", "votes_against", "abstentions")
# An account's columns, as the file writes them, in the file's order.
ACCOUNT_COLUMNS = ("decided_by", "result", "proposed_by", *TALLY, "result_note", "sources", "inferred")
RULES = constraint_messages(ProposalAccount)
PROPOSAL_RULES = constraint_messages(Proposal)
TEXT_LENGTH = Proposal._meta.get_field("text").max_length


def given(value):
    """Whether an account's cell says something: a tally of 0 does, false and an empty list do not."""
    return value is not None and value is not False and value not in ("", [])


class ProposalImport(MeetingsAndIssues, RecordImport):
    kind = "proposals"
    reads = PROPOSAL_COLUMNS.imported
    free_text = PROPOSAL_COLUMNS.free_text
    required = (("meeting_slug",), ("issue_slug",), ("proposal",))
    model = ProposalAccount
    fields = ("decided_by", "result", *TALLY, "result_note", "inferred")

    def __init__(self, user=None):
        super().__init__(user)
        self.load_meetings_and_issues()
        # Whole records: a changed one is written back with its history.
        self.agenda_items = {(item.meeting_id, item.issue_id): item for item in AgendaItem.objects.all()}
        items_by_pk = {item.pk: item for item in self.agenda_items.values()}
        proposals_by_pk = {p.pk: p for p in Proposal.objects.all()}
        # By (the agenda item as the one object this import holds for it, text), as the positions import.
        self.proposals = {(id(items_by_pk[p.agenda_item_id]), p.text): p for p in proposals_by_pk.values()}
        self.accounts = defaultdict(list)  # id(proposal) → its accounts, in their order
        for account in ProposalAccount.objects.order_by("proposal_id", "pk"):
            self.accounts[id(proposals_by_pk[account.proposal_id])].append(account)
        self.proposers_of = links_of(ProposalAccount.proposed_by)
        self.sources_of = links_of(ProposalAccount.sources)
        self.numbered = {}  # id(proposal) → the highest account number the file has given it
        self.original_stages = {}  # id(proposal) → its stage before this file
        self.new_items, self.new_proposals, self.changed_proposals = [], [], {}

    # --- checking ---

    def row(self, line, cells):
        result = RowResult(line)
        attempt = result.attempt
        meeting = attempt("meeting_slug", self._meeting, cells.get("meeting_slug", ""))
        issue = attempt("issue_slug", self._issue, cells.get("issue_slug", ""))
        text, stage = cells.get("proposal", ""), cells.get("stage", "")
        if not text.strip():
            result.error("proposal", PROPOSAL_RULES["proposal_text_required"])
        elif len(text) > TEXT_LENGTH:
            result.error("proposal", f"A proposal is worded in at most {TEXT_LENGTH} characters.")
        if stage:
            attempt("stage", one_of, STAGES, stage, "a stage")
        values = self._account_values(result, cells)
        number = attempt("account", parse_count, cells.get("account", ""))
        if number == 0:
            result.error("account", "Accounts are numbered from 1.")
        item = self.agenda_items.get((meeting.pk, issue.pk)) if meeting and issue else None
        recorded = item is not None and (id(item), text) in self.proposals
        if meeting and issue and text.strip() and not stage and not recorded:
            result.error("stage", "A new proposal needs its stage: agenda, decision or communique.")
        if meeting and issue:
            result.label = f"{text} ({issue.slug} at {self._meeting_label(meeting)})"
        if result.errors:
            return result
        item = self._agenda_item(meeting, issue)
        proposal, added = self._proposal(item, text, stage)
        stage_changes = self._stage_changes(proposal)
        if number is None and not any(given(value) for value in values.values()):
            # The proposal alone: as proposals.csv writes one with no account.
            if not self.already_on(result, (id(proposal), None), line, "proposal"):
                result.action = CREATE if added else CHANGE if stage_changes else UNCHANGED
                result.changes = stage_changes
            return result
        self._account(result, line, cells, proposal, number, values, stage_changes, added)
        return result

    def _account_values(self, result, cells):
        """The account's values from the columns the file has (a list as its records)."""
        attempt = result.attempt
        values = {}
        for column, codes_ in (("decided_by", DECIDED_BY), ("result", RESULTS)):
            if column in cells:
                values[column] = cells[column]
                if cells[column]:
                    attempt(column, one_of, codes_, cells[column], f"a '{column}' code")
        for column in TALLY:
            if column in cells:
                values[column] = attempt(column, parse_count, cells[column])
        if "result_note" in cells:
            values["result_note"] = cells["result_note"]
        if "proposed_by" in cells:
            values["proposed_by"] = attempt("proposed_by", self.lookups.participants_named, cells["proposed_by"])
        if "sources" in cells:
            values["sources"] = attempt("sources", self.lookups.sources_named, cells["sources"])
        if "inferred" in cells:
            values["inferred"] = self.boolean(result, cells, "inferred")
        return values

    def _account(self, result, line, cells, proposal, number, values, stage_changes, added):
        accounts = self.accounts[id(proposal)]
        number = number or self.numbered.get(id(proposal), 0) + 1
        result.label += f", account {number}"
        if self.already_on(result, (id(proposal), number), line, "account of this proposal"):
            return
        if number > len(accounts) + 1:
            result.error(
                "account",
                f"This proposal has {len(accounts)} account(s): {number} is neither one of them nor the next "
                f"one ({len(accounts) + 1}), which adds an account.",
            )
            return
        self.numbered[id(proposal)] = max(self.numbered.get(id(proposal), 0), number)
        account = accounts[number - 1] if number <= len(accounts) else None
        proposers = self.proposers_of.get(account.pk, []) if account else []
        sources = self.sources_of.get(account.pk, []) if account else []
        before = None if account is None else self._cells(account, proposers, sources)
        if account is None:
            account = ProposalAccount(proposal=proposal)
        for field in self.fields:
            if field in values:
                setattr(account, field, values[field])
        links = {}
        if "proposed_by" in values:
            proposers = links["proposed_by"] = [p.pk for p in values["proposed_by"]]
        if "sources" in values:
            sources = links["sources"] = [s.pk for s in values["sources"]]
        for column, message in self._rule_errors(account):
            result.error(column, message)
        if result.errors:
            return
        if before is None:
            accounts.append(account)
        after = self._cells(account, proposers, sources)
        present = [c for c in ACCOUNT_COLUMNS if c in cells]
        self.settle(result, account, before, {c: after[c] for c in present}, links)
        if result.action == UNCHANGED and stage_changes:
            result.action = CHANGE
        if result.action == CHANGE:
            result.changes = stage_changes + result.changes
        elif added:
            result.action = CREATE

    @staticmethod
    def _rule_errors(account):
        """The model's check constraints on an account, with its messages."""
        errors = []
        if account.decided_by != DecidedBy.VOTE:
            tally = [column for column in TALLY if getattr(account, column) is not None]
            if tally:
                errors.append((tally[0], RULES["account_tally_only_with_vote"]))
            if account.result == Result.REJECTED:
                errors.append(("result", RULES["account_rejected_only_by_vote"]))
        elif account.result == Result.BLOCKED:
            errors.append(("result", RULES["account_blocked_not_by_vote"]))
        if account.inferred and not account.result_note:
            errors.append(("result_note", RULES["account_inferred_has_note"]))
        return errors

    def _cells(self, account, proposers, sources):
        return {
            "decided_by": account.decided_by,
            "result": account.result,
            "proposed_by": codes([self.lookups.participants[pk] for pk in proposers], "code"),
            **{column: "" if getattr(account, column) is None else str(getattr(account, column)) for column in TALLY},
            "result_note": account.result_note,
            "sources": codes([self.lookups.sources[pk] for pk in sources], "slug"),
            "inferred": "true" if account.inferred else "false",
        }

    def _agenda_item(self, meeting, issue):
        """The meeting's agenda item for the issue; added (once, for the whole file) if it has none."""
        item = self.agenda_items.get((meeting.pk, issue.pk))
        if item is None:
            item = self.agenda_items[(meeting.pk, issue.pk)] = AgendaItem(meeting=meeting, issue=issue)
            self.new_items.append(item)
        return item

    def _proposal(self, item, text, stage):
        """(the item's proposal with these words, whether this row adds it); its stage set from the row."""
        proposal = self.proposals.get((id(item), text))
        if proposal is None:
            proposal = self.proposals[(id(item), text)] = Proposal(agenda_item=item, text=text, stage=stage)
            self.new_proposals.append(proposal)
            return proposal, True
        if stage and proposal.stage != stage:
            self.original_stages.setdefault(id(proposal), proposal.stage)
            if proposal.pk:
                self.changed_proposals[proposal.pk] = proposal
            proposal.stage = stage
        return proposal, False

    def _stage_changes(self, proposal):
        before = self.original_stages.get(id(proposal), proposal.stage)
        return [("stage", before, proposal.stage)] if before != proposal.stage else []

    # --- writing ---

    def discard(self):
        super().discard()
        self.new_items, self.new_proposals, self.changed_proposals = [], [], {}

    def write(self):
        written = bool(self.new_items or self.new_proposals or self.changed_proposals)
        if self.new_items:
            bulk_create_with_history(self.new_items, AgendaItem, default_user=self.user)
        if self.new_proposals:
            for proposal in self.new_proposals:
                proposal.agenda_item = proposal.agenda_item  # an item added above has its id now
            bulk_create_with_history(self.new_proposals, Proposal, default_user=self.user)
        if self.changed_proposals:
            proposals = list(self.changed_proposals.values())
            for proposal in proposals:
                proposal.updated_at = timezone.now()
            bulk_update_with_history(proposals, Proposal, ["stage", "updated_at"], default_user=self.user)
        for account in self.created:
            account.proposal = account.proposal  # a proposal added above has its id now
        return super().write() or written
