"""Loading a fixture written before proposals existed (`loaddata` of the old format).

Such a fixture gives each position an agenda item and no proposal. Loading it carries the position
over the way the data migration (positions 0005) carried the database over: onto the agenda item's
one proposal, worded as its issue (with the item's outcome as its account), with the meeting taken
from the item. An item no position names keeps its outcome and gets no proposal: the old format
cannot say one was put.
"""

from .models import AgendaItem, Evidence, Position, Proposal, ProposalAccount, Stage

# AgendaItem.outcome → ProposalAccount.result, as migration 0005 maps it ('noted' goes to the note).
RESULTS = {
    "adopted": "adopted",
    "no_consensus": "no_consensus",
    "not_discussed": "not_taken_up",
    "deferred": "deferred",
    "ongoing": "pending",
    "noted": "",
}


def default_proposal(item):
    """The proposal standing for an agenda item where nothing finer is known (as in migration 0005)."""
    proposal, created = Proposal.objects.get_or_create(
        agenda_item=item, text=item.issue.title, defaults={"stage": default_stage(item)}
    )
    if created and (account := default_account(proposal, item)):
        account.save()
    return proposal


def default_stage(item):
    return Stage.AGENDA if item.outcome == "not_discussed" else Stage.DECISION


def default_account(proposal, item):
    """The account a new default proposal gets from its item's outcome (unsaved); None without an outcome."""
    if not item.outcome:
        return None
    note = item.outcome_note
    if item.outcome == "noted":
        note = f"The outcome was recorded as 'noted'. {note}".strip()
    return ProposalAccount(proposal=proposal, result=RESULTS.get(item.outcome, ""), result_note=note)


def carry_over_old_position(sender, instance, raw=False, **kwargs):
    """pre_save for Position: an old-format fixture row (an agenda item, no proposal, no act)."""
    if not raw or instance.proposal_id or instance.act or not instance.agenda_item_id:
        return
    item = AgendaItem.objects.select_related("issue").get(pk=instance.agenda_item_id)
    instance.proposal = default_proposal(item)
    instance.meeting_id = item.meeting_id
    if not instance.quote:
        instance.evidence = Evidence.CITED


def connect():
    from django.db.models.signals import pre_save

    pre_save.connect(carry_over_old_position, sender=Position, dispatch_uid="kptracker-old-position-format")
