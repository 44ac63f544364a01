"""A GIN index for full-text search over quotes, on PostgreSQL only (SQLite searches with LIKE).

The expression is exactly the one Django's SearchVector("quote", config="english") produces,
so the planner uses it for /positions/?q=.
"""

from django.db import migrations

INDEX = "position_quote_fts_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON positions_position "
            "USING gin (to_tsvector('english'::regconfig, COALESCE(quote, '')))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("positions", "0002_history_and_quote_verified")]

    operations = [migrations.RunPython(create, drop)]
