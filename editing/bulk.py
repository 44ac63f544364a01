"""Writing records in bulk with their history, many-to-many links included.

simple_history's bulk helpers write a historical row per record but not the links its history keeps
(a chair's sources, an account's proposers): those it records one m2m_changed signal at a time, with
a further historical row each. Here a chunk of records is written with a fixed number of queries
whatever its size: the records, their links, one historical row per record, and the links as that
historical row holds them.
"""

from collections import defaultdict

from django.utils import timezone


def save_with_history(model, created, changed, fields, links, *, user=None):
    """Insert `created`, update `fields` of `changed`, set their links, and record each one's history.

    `links` maps id(record) to {many-to-many field name: [related pks]} for the links the file sets; a
    record it leaves out keeps the links it has. Returns whether anything was written.
    """
    if not created and not changed:
        return False
    now = timezone.now()
    if created:
        model.objects.bulk_create(created)
    if changed:
        for record in changed:
            record.updated_at = now
        model.objects.bulk_update(changed, [*fields, "updated_at"])
    history_model = model.history.model
    m2m_fields = [model._meta.get_field(field.name) for field in history_model._history_m2m_fields]
    for field in m2m_fields:
        through, owner, target = _through(field)
        records = [r for r in [*created, *changed] if field.name in links.get(id(r), {})]
        replaced = [r.pk for r in changed if field.name in links.get(id(r), {})]
        if replaced:
            through.objects.filter(**{f"{owner}_id__in": replaced}).delete()
        through.objects.bulk_create(
            [through(**{f"{owner}_id": r.pk, f"{target}_id": pk}) for r in records for pk in links[id(r)][field.name]]
        )
    history = [
        *(model.history.bulk_history_create(created, default_user=user, default_date=now) or []),
        *(model.history.bulk_history_create(changed, update=True, default_user=user, default_date=now) or []),
    ]
    for field in m2m_fields:
        through, owner, _target = _through(field)
        rows = defaultdict(list)
        for row in through.objects.filter(**{f"{owner}_id__in": [h.id for h in history]}):
            rows[getattr(row, f"{owner}_id")].append(row)
        m2m_history_model = getattr(history_model, field.name).model
        attnames = [f.attname for f in through._meta.concrete_fields]
        m2m_history_model.objects.bulk_create(
            [
                m2m_history_model(history=h, **{name: getattr(row, name) for name in attnames})
                for h in history
                for row in rows[h.id]
            ]
        )
    return True


def _through(field):
    """A many-to-many field's link table, and the names of its two sides."""
    return field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()
