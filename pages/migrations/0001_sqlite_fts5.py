"""The site search's indexes on SQLite (pages/search.py): one FTS5 table per kind, kept in step with
its records' table by triggers. Nothing on PostgreSQL (meetings/0007 and positions/0007 build GIN
indexes there), nor on an SQLite built without FTS5 (the search is then plain).

Each FTS5 table holds only the index ("external content"): a snippet's text is read from the record's
own table, by id. Participants' other names have their own index, searched beside the participants'.
Words are matched whatever their case and accents (unicode61, remove_diacritics 2); the prefix
indexes serve the search's prefix queries ("kasan" finds Kasane) of two and three letters.

The field lists here are pages/search.py's KINDS, in the same order (tests/pages/test_search.py
writes, edits and deletes each field of each kind and searches for it). Triggers name only their own
table and its index, so that Django's table rebuilds on SQLite meet no dangling reference (a trigger
naming another table would stop that table's rebuild). A rebuild does drop the rebuilt table's
triggers: a later migration that alters one of these tables must run create() again, which is
idempotent and re-indexes everything; until then the search sees a trigger missing and is plain.
"""

from django.db import migrations

INDEXES = {
    "pages_search_meetings": ("meetings_meeting", ("title", "city", "summary", "notes")),
    "pages_search_issues": ("positions_issue", ("title", "description")),
    "pages_search_proposals": ("positions_proposal", ("text",)),
    "pages_search_positions": ("positions_position", ("quote", "note")),
    "pages_search_participants": ("meetings_participant", ("name", "code", "description")),
    "pages_search_aliases": ("meetings_participantalias", ("name",)),
    "pages_search_people": ("meetings_person", ("name", "role")),
    "pages_search_sources": ("meetings_source", ("title", "publisher", "text", "notes")),
}


def has_fts5(connection):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return "ENABLE_FTS5" in {row[0] for row in cursor.fetchall()}


def statements(index, table, columns):
    names = ", ".join(columns)
    new = ", ".join(f"new.{name}" for name in columns)
    old = ", ".join(f"old.{name}" for name in columns)
    insert = f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {new});"
    remove = f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {index} USING fts5({names}, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER IF NOT EXISTS {index}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_update AFTER UPDATE OF id, {names} ON {table} "
        f"BEGIN {remove} {insert} END",
        # Index the rows already there (and mend an index whose triggers a table rebuild dropped).
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite" or not has_fts5(schema_editor.connection):
        return
    for index, (table, columns) in INDEXES.items():
        for sql in statements(index, table, columns):
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for index in INDEXES:
        for trigger in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {index}_{trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0007_search_indexes"),
        ("positions", "0007_search_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
