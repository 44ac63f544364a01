"""The package's tables as one SQLite file, for Datasette or any SQL tool, and what changed between two.

The file is built with the standard library's sqlite3 from the package's CSV files themselves, so it
holds the very rows they hold: a table per CSV (same name), a column per CSV column (same name and
order), typed from the file's declaration (integer; boolean as 1 or 0; text), an empty cell NULL (the
package's missingValues), the formula guard undone (a SQL tool is no spreadsheet: the text is the
record's own). Primary and foreign keys as datapackage.json declares them.
"""

import csv
import sqlite3
from contextlib import closing

from kptracker.csvguard import unguard

from .tables import PACKAGE_TABLES

TYPES = {"integer": "INTEGER", "boolean": "INTEGER"}
BOOLEANS = {"true": 1, "false": 0}


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


def _names(names):
    return ", ".join(quoted(name) for name in names)


def create_table_sql(table):
    """CREATE TABLE for one of the package's tables: its columns, primary key and foreign keys."""
    parts = [f"{quoted(c.name)} {TYPES.get(c.type, 'TEXT')}" for c in table.columns]
    parts.append(f"PRIMARY KEY ({_names(table.primary_key)})")  # positions' INTEGER id: the rowid itself
    parts += [
        f"FOREIGN KEY ({_names(fk.fields)}) REFERENCES {quoted(fk.resource)} ({_names(fk.reference_fields)})"
        for fk in table.foreign_keys
    ]
    return f"CREATE TABLE {quoted(table.name)} (\n  " + ",\n  ".join(parts) + "\n)"


def _cell_reader(column):
    """The CSV cell's text → the SQLite value."""
    if column.type == "integer":
        return lambda cell: int(unguard(cell)) if cell else None
    if column.type == "boolean":
        return BOOLEANS.get
    return lambda cell: unguard(cell) if cell else None


def _rows(table, path):
    readers = [_cell_reader(column) for column in table.columns]
    with path.open(newline="", encoding="utf-8") as file:
        rows = csv.reader(file)
        header = next(rows)
        if header != table.columns.header():
            raise ValueError(f"{path.name}'s header is not {table.name}'s columns")
        for row in rows:
            yield [read(cell) for read, cell in zip(readers, row, strict=True)]


def write_sqlite(path, directory, user_version=0):
    """Write the SQLite file `path` from the package's CSV files in `directory`.

    `user_version` (PRAGMA user_version) is the release's number, so the file says which it is."""
    with closing(sqlite3.connect(path)) as db:
        for table in PACKAGE_TABLES:
            db.execute(create_table_sql(table))
        for table in PACKAGE_TABLES:
            insert = f"INSERT INTO {quoted(table.name)} VALUES ({', '.join('?' * len(table.columns))})"  # noqa: S608
            db.executemany(insert, _rows(table, directory / table.filename))
        db.execute(f"PRAGMA user_version = {int(user_version)}")
        db.commit()


# --- what changed between two releases' files ------------------------------------------------------
# The SQL below is written from table and column names read from the files' own schema, each quoted
# (hence the noqa: S608); no value is ever written into it.


def _tables(db, schema):
    found = db.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' ORDER BY name")  # noqa: S608
    return [name for (name,) in found if not name.startswith("sqlite_")]


def _columns(db, schema, table):
    """(columns in order, key columns in key order) of a table."""
    info = db.execute(f"PRAGMA {schema}.table_info({quoted(table)})").fetchall()
    key = [name for _cid, name, _type, _notnull, _default, pk in sorted(info, key=lambda c: c[5]) if pk]
    return [row[1] for row in info], key


def _count(db, sql):
    return db.execute(f"SELECT COUNT(*) FROM ({sql})").fetchone()[0]  # noqa: S608


def _rows_in(db, table):
    return _count(db, f"SELECT 1 FROM {table}")  # noqa: S608


def _table_changes(db, table, columns, key, old_columns):
    """{added, removed, changed} rows of main.`table` against previous.`table`, matched by its key.
    Columns only one side has are left out of the comparison (the changelog names them)."""
    new, old = f"main.{quoted(table)}", f"previous.{quoted(table)}"
    if not old_columns:  # a new table
        return {"added": _rows_in(db, new), "removed": 0, "changed": 0}
    if not key or not set(key) <= set(old_columns):  # no key to match rows by: every row is new
        return {"added": _rows_in(db, new), "removed": _rows_in(db, old), "changed": 0}
    keys, common = _names(key), _names(c for c in columns if c in old_columns)
    # Rows whose values are found nowhere in the previous table, but whose key is: changed. IS matches NULLs.
    same_key = " AND ".join(f"o.{quoted(k)} IS d.{quoted(k)}" for k in key)
    differing = f"SELECT {common} FROM {new} EXCEPT SELECT {common} FROM {old}"  # noqa: S608
    known = f"SELECT 1 FROM {old} AS o WHERE {same_key}"  # noqa: S608
    return {
        "added": _count(db, f"SELECT {keys} FROM {new} EXCEPT SELECT {keys} FROM {old}"),  # noqa: S608
        "removed": _count(db, f"SELECT {keys} FROM {old} EXCEPT SELECT {keys} FROM {new}"),  # noqa: S608
        "changed": _count(db, f"SELECT 1 FROM ({differing}) AS d WHERE EXISTS ({known})"),  # noqa: S608
    }


def differences(path, previous_path):
    """What changed from the SQLite file `previous_path` to `path`: {"tables": {table: {added, removed,
    changed}}, "tables_added", "tables_removed", "columns_added", "columns_removed"}. Computed by SQLite."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("ATTACH DATABASE ? AS previous", (str(previous_path),))
        tables, old_tables = _tables(db, "main"), _tables(db, "previous")
        changes = {
            "tables": {},
            "tables_added": [t for t in tables if t not in old_tables],
            "tables_removed": [t for t in old_tables if t not in tables],
            "columns_added": [],
            "columns_removed": [],
        }
        for table in tables:
            columns, key = _columns(db, "main", table)
            old_columns = _columns(db, "previous", table)[0] if table in old_tables else []
            if old_columns:
                changes["columns_added"] += [f"{table}.{c}" for c in columns if c not in old_columns]
                changes["columns_removed"] += [f"{table}.{c}" for c in old_columns if c not in columns]
            changes["tables"][table] = _table_changes(db, table, columns, key, old_columns)
    return changes


def nothing_changed(changes):
    """Whether `differences` found no row, column or table added, removed or changed."""
    lists = ("tables_added", "tables_removed", "columns_added", "columns_removed")
    return not any(changes[name] for name in lists) and not any(
        any(counts.values()) for counts in changes["tables"].values()
    )
