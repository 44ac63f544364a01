"""GIN indexes for the site search (pages/search.py), on PostgreSQL only (SQLite searches plainly).

Each index is built from the same SearchVector the search queries with, so the planner can use it:
the field lists here are pages/search.py's KINDS, and tests/pages/test_search_indexes.py checks on
PostgreSQL that every kind's query is answered from its index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "Meeting": ("meeting_search_idx", ("title", "city", "summary", "notes")),
    "Participant": ("participant_search_idx", ("name", "code", "description")),
    "ParticipantAlias": ("participantalias_search_idx", ("name",)),
    "Person": ("person_search_idx", ("name", "role")),
    "Source": ("source_search_idx", ("title", "publisher", "text", "notes")),
}


def _indexes(apps):
    for model_name, (name, fields) in INDEXES.items():
        yield apps.get_model("meetings", model_name), GinIndex(SearchVector(*fields, config="english"), name=name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0006_cited_source_needs_address")]

    operations = [migrations.RunPython(create, drop)]
