"""Carry every agenda item and position over to proposals, losing no row.

Each agenda item gets one proposal, worded as its issue (nothing finer is known): an item kept
off the agenda was a proposal to take the matter up (stage ``agenda``), any other one on the
substance (``decision``). Its outcome, where there is one, becomes the proposal's one account.
Each position moves onto its item's proposal, with the item's meeting; its quote, which was
required, states it (evidence ``quoted``). Set-based statements: a fixed number of queries
whatever the number of rows.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

# AgendaItem.outcome → ProposalAccount.result ('noted' has no result: it is kept in the note).
RESULTS = {
    "adopted": "adopted",
    "no_consensus": "no_consensus",
    "not_discussed": "not_taken_up",
    "deferred": "deferred",
    "ongoing": "pending",
    "noted": "",
}
BATCH = 2000


def carry_over(apps, schema_editor):
    AgendaItem = apps.get_model("positions", "AgendaItem")
    Proposal = apps.get_model("positions", "Proposal")
    ProposalAccount = apps.get_model("positions", "ProposalAccount")
    Position = apps.get_model("positions", "Position")
    db = schema_editor.connection.alias

    items = AgendaItem.objects.using(db).exclude(proposals__isnull=False).select_related("issue")
    batch = []
    for item in items.iterator(chunk_size=BATCH):
        stage = "agenda" if item.outcome == "not_discussed" else "decision"
        batch.append(Proposal(agenda_item_id=item.pk, text=item.issue.title, stage=stage))
        if len(batch) >= BATCH:
            Proposal.objects.using(db).bulk_create(batch)
            batch = []
    Proposal.objects.using(db).bulk_create(batch)

    accounts = []
    decided = Proposal.objects.using(db).exclude(agenda_item__outcome="").filter(accounts__isnull=True)
    for proposal_id, outcome, note in decided.values_list("pk", "agenda_item__outcome", "agenda_item__outcome_note").iterator(
        chunk_size=BATCH
    ):
        if outcome == "noted":
            note = f"The outcome was recorded as 'noted'. {note}".strip()
        accounts.append(ProposalAccount(proposal_id=proposal_id, result=RESULTS.get(outcome, ""), result_note=note))
        if len(accounts) >= BATCH:
            ProposalAccount.objects.using(db).bulk_create(accounts)
            accounts = []
    ProposalAccount.objects.using(db).bulk_create(accounts)

    proposal_of_item = Proposal.objects.using(db).filter(agenda_item_id=OuterRef("agenda_item_id")).order_by("pk")
    meeting_of_item = AgendaItem.objects.using(db).filter(pk=OuterRef("agenda_item_id"))
    Position.objects.using(db).filter(proposal__isnull=True, agenda_item__isnull=False).update(
        proposal_id=Subquery(proposal_of_item.values("pk")[:1]),
        meeting_id=Subquery(meeting_of_item.values("meeting_id")[:1]),
        evidence="quoted",
    )


class Migration(migrations.Migration):
    dependencies = [("positions", "0004_proposals_schema")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop, elidable=False)]
