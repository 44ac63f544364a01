"""Which rows are synthetic: recognised by their slugs, counted and deleted without touching the record."""

from django.db.models import Q
from django.test.utils import override_settings

from meetings.models import Meeting, Participant, Person, Source
from positions.models import AgendaItem, Issue, Position

SLUG_PREFIX = "synthetic-"
NOTE = "synthetic"

# The models whose rows are data a curator enters; agenda items and positions hang off them.
RECORD_MODELS = [Meeting, Participant, Issue, Source, Person]


def synthetic_q(prefix=""):
    return Q(**{f"{prefix}slug__startswith": SLUG_PREFIX})


def count_rows(synthetic):
    """Rows per model (verbose plural name → count), synthetic ones or the others."""
    counts = {}
    for model in RECORD_MODELS:
        queryset = model.objects.filter(synthetic_q()) if synthetic else model.objects.exclude(synthetic_q())
        counts[str(model._meta.verbose_name_plural)] = queryset.count()
    return counts


def describe_counts(counts):
    return ", ".join(f"{count} {name}" for name, count in counts.items() if count)


def flush_synthetic():
    """Delete every synthetic row, leaving curated rows as they were. Returns the counts per model.

    A curated row that needs a synthetic one (a meeting chaired by a synthetic participant, a position
    citing a synthetic source) stops the flush with Django's ProtectedError; one that merely names a
    synthetic person loses the link, as the foreign key's on_delete=SET_NULL says.
    """
    deleted = {}
    # Synthetic rows are made without history (bulk_create sends no signals); deleting them writes
    # none either. SIMPLE_HISTORY_ENABLED is django-simple-history's switch, a no-op without it.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        # Positions are the bulk: one DELETE statement, no rows loaded. QuerySet.delete() would load
        # every position because signals are connected to the model, a million instances at scale 10;
        # _raw_delete is the statement Django's own collector runs when nothing listens.
        positions = Position.objects.filter(synthetic_q("meeting__"))
        deleted["positions"] = positions._raw_delete(positions.db)
        for model in (AgendaItem, Meeting, Issue, Person, Source, Participant):
            prefix = "meeting__" if model is AgendaItem else ""
            _, per_model = model.objects.filter(synthetic_q(prefix)).delete()
            deleted[str(model._meta.verbose_name_plural)] = per_model.get(model._meta.label, 0)
    return deleted
