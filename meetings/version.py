"""The record's data version: one row, bumped by every write to the record.

Every write (an admin save, an import, loaddata, a delete) bumps ``DataVersion`` in the same
transaction, through the signals each record app connects for its own models in its ready().
Whatever is cached from the record (pages/cache.py) is keyed by this version, so a change shows
at once on every worker and every server, whatever the cache backend.
"""

from django.db import DatabaseError, connection
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from simple_history.models import HistoricalChanges

from .models import DataVersion

# The ORM's own statement for the version row, compiled once per process and database vendor, with the
# database's converters for its columns (SQLite returns a datetime as text): every cached page and API
# answer asks for the version, and building the query each time cost as much as sending it.
_STATEMENTS = {}


def _version_row(*fields):
    key = (connection.vendor, fields)
    if key not in _STATEMENTS:
        query = DataVersion.objects.filter(pk=1).values_list(*fields).order_by()[:1].query
        sql, params = query.sql_with_params()
        columns = []
        for name in fields:
            expression = DataVersion._meta.get_field(name).get_col(DataVersion._meta.db_table)
            columns.append(
                (expression, connection.ops.get_db_converters(expression) + expression.get_db_converters(connection))
            )
        _STATEMENTS[key] = (sql, params, columns)
    sql, params, columns = _STATEMENTS[key]
    if _check_pending():
        # This query is the request's first: it checks the connection itself, instead of CONN_HEALTH_CHECKS'
        # SELECT 1 before it (a round trip less for every page served from the cache). It only reads, so a
        # connection found dead is replaced and the query sent again, as Django's check would have done.
        connection.health_check_done = True
        try:
            row = _fetch_one(sql, params)
        except DatabaseError:  # a lost connection is not always an OperationalError (an SSL EOF is not)
            if connection.is_usable():
                raise  # the connection works: the error is the query's own
            connection.close()
            row = _fetch_one(sql, params)
    else:
        row = _fetch_one(sql, params)
    if row is None:
        return None
    values = []
    for value, (expression, converters) in zip(row, columns, strict=True):
        for convert in converters:
            value = convert(value, expression, connection)
        values.append(value)
    return values


def _check_pending():
    """True when Django would check the connection before the next query (CONN_HEALTH_CHECKS): the
    connection is kept from an earlier request and nothing has used it in this one yet."""
    return (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )


def _fetch_one(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def current_version():
    row = _version_row("version")
    return (row[0] if row else None) or 0


def current_version_and_time():
    """(version, when the record last changed or None): one query, for ETag and Last-Modified."""
    row = _version_row("version", "changed_at")
    return tuple(row) if row else (0, None)


def bump_version(**kwargs):
    """Record that the data changed (a signal receiver, also called directly after bulk writes)."""
    try:
        now = timezone.now()
        if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
            DataVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})
    except DatabaseError:
        # The table does not exist yet (a migration in progress): nothing is cached either.
        pass


def watch(app_config):
    """Bump the version on every write to a model of this record app (its history tables aside)."""
    for model in app_config.get_models():
        if model is DataVersion or issubclass(model, HistoricalChanges):
            continue
        uid = f"kptracker-data-version-{model._meta.label_lower}"
        post_save.connect(bump_version, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                bump_version, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}", weak=False
            )
