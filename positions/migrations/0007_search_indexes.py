"""GIN indexes for the site search (pages/search.py), on PostgreSQL only: see meetings/0007."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "Issue": ("issue_search_idx", ("title", "description")),
    "Proposal": ("proposal_search_idx", ("text",)),
    "Position": ("position_search_idx", ("quote", "note")),
}


def _indexes(apps):
    for model_name, (name, fields) in INDEXES.items():
        yield apps.get_model("positions", model_name), GinIndex(SearchVector(*fields, config="english"), name=name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("positions", "0006_position_rules")]

    operations = [migrations.RunPython(create, drop)]
