"""The data migration to proposals (positions 0004–0006) carries e410cec's record over, losing no row,
and the old fixture format still loads. Run on SQLite and on PostgreSQL alike."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

OLD_FIXTURE = Path(__file__).parent / "data" / "kp-e410cec.json"  # fixtures/kp.json as of e410cec
BEFORE = [("positions", "0003_quote_search_index"), ("meetings", "0004_meeting_ties")]
# Natural keys of the old fixture's foreign keys, per model: field → (model, lookup fields).
NATURAL = {
    "participant": ("meetings", "Participant", ["code"]),
    "reported_by": ("meetings", "Participant", ["code"]),
    "chair": ("meetings", "Participant", ["code"]),
    "affiliation": ("meetings", "Participant", ["code"]),
    "speaker": ("meetings", "Person", ["slug"]),
    "chair_person": ("meetings", "Person", ["slug"]),
    "source": ("meetings", "Source", ["slug"]),
    "meeting": ("meetings", "Meeting", ["slug"]),
    "issue": ("positions", "Issue", ["slug"]),
    "agenda_item": ("positions", "AgendaItem", ["meeting__slug", "issue__slug"]),
}


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def insert_old_record(apps, rows):
    """The old fixture's rows through the historical models of the state before the migration."""
    for row in rows:
        app_label, model_name = row["model"].split(".")
        model = apps.get_model(app_label, model_name)
        fields, m2m = {}, {}
        for name, value in row["fields"].items():
            if name in NATURAL and value is not None:
                target = apps.get_model(*NATURAL[name][:2])
                fields[name] = target.objects.get(**dict(zip(NATURAL[name][2], value, strict=True)))
            elif name == "sources":
                m2m[name] = [apps.get_model("meetings", "Source").objects.get(slug=v[0]) for v in value]
            else:
                fields[name] = value
        record = model.objects.create(**fields)
        for name, values in m2m.items():
            getattr(record, name).set(values)


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_every_agenda_item_and_position_over():
    rows = json.loads(OLD_FIXTURE.read_text(encoding="utf-8"))
    old_positions = [r["fields"] for r in rows if r["model"] == "positions.position"]
    old_items = [r["fields"] for r in rows if r["model"] == "positions.agendaitem"]
    try:
        old_apps = migrate_to(BEFORE)
        insert_old_record(old_apps, rows)
        apps = migrate_to(migrate_latest_targets())
        Position = apps.get_model("positions", "Position")
        Proposal = apps.get_model("positions", "Proposal")
        ProposalAccount = apps.get_model("positions", "ProposalAccount")
        AgendaItem = apps.get_model("positions", "AgendaItem")

        # No row lost: every item and position is there, and every position stands on its item's proposal.
        assert AgendaItem.objects.count() == len(old_items) == 15
        assert Position.objects.count() == len(old_positions) == 35
        assert Proposal.objects.count() == len(old_items)
        for item in AgendaItem.objects.select_related("issue"):
            (proposal,) = Proposal.objects.filter(agenda_item=item)
            assert proposal.text == item.issue.title
            assert proposal.stage == ("agenda" if item.outcome == "not_discussed" else "decision")
        carried = {
            (p.agenda_item.meeting.slug, p.agenda_item.issue.slug, p.participant.code, p.stance, p.quote)
            for p in Position.objects.select_related("agenda_item__meeting", "agenda_item__issue", "participant")
        }
        assert carried == {
            (f["agenda_item"][0], f["agenda_item"][1], f["participant"][0], f["stance"], f["quote"])
            for f in old_positions
        }
        for position in Position.objects.select_related("proposal", "agenda_item"):
            assert position.proposal.agenda_item_id == position.agenda_item_id
            assert position.meeting_id == position.agenda_item.meeting_id
            assert position.evidence == "quoted" and position.act == ""
        # Each outcome became its proposal's one account; items with no outcome have none.
        with_outcome = [f for f in old_items if f["outcome"]]
        assert ProposalAccount.objects.count() == len(with_outcome)
        kasane = ProposalAccount.objects.get(proposal__agenda_item__meeting__slug="2022-06-intersessional-kasane")
        assert kasane.result == "not_taken_up"
        assert "simple majority" in kasane.result_note
    finally:
        migrate_to(migrate_latest_targets())


def migrate_latest_targets():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_old_fixture_format_still_loads():
    from positions.models import Position, Proposal

    call_command("loaddata", str(OLD_FIXTURE), verbosity=0)
    assert Position.objects.count() == 35
    assert not Position.objects.filter(proposal__isnull=True).exists()
    for position in Position.objects.select_related("proposal__agenda_item"):
        assert position.proposal.agenda_item_id == position.agenda_item_id
        assert position.meeting_id == position.agenda_item.meeting_id
    # One proposal per item that a position names, worded as its issue.
    assert set(Proposal.objects.values_list("text", flat=True)) <= set(
        Position.objects.values_list("agenda_item__issue__title", flat=True)
    )
