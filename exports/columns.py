"""How an exported CSV file is declared, and everything that derives from the declaration.

A file is a `Columns`: its model and, in order, each column's name, description and the source of its
value (a field path from the model, or a small rule over a few fields). From it come the header, the
Table Schema fields (their type and constraints read from the model's fields), the Python rows (one
values_list query, streamed), the SQL expression of each cell (for the files the database writes)
and the names the import reads.
"""

from dataclasses import astuple, dataclass, field, replace
from operator import itemgetter

from django.db import models
from django.db.models import CharField, F
from django.db.models.functions import Coalesce

from meetings.dates import PARTIAL_DATE_PATTERN, format_partial_date, partial_date_sql

from .csvwriter import BATCH_SIZE

# How the import reads a column: stripped of surrounding white space (codes, slugs, names, dates,
# numbers: none can hold it, a spreadsheet easily adds it), or kept exactly (free text).
STRIPPED, EXACT = "stripped", "exact"


# --- the source of a column's value ----------------------------------------------------------------


class _OverFields:
    """A rule whose dataclass fields are the field paths it reads, in order."""

    @property
    def paths(self):
        return astuple(self)


@dataclass(frozen=True)
class Field(_OverFields):
    """A model field's value, as fetched."""

    path: str
    compute = None  # nothing to compute: the value is copied as it is

    def sql(self):
        return F(self.path)


@dataclass(frozen=True)
class PartialDate(_OverFields):
    """A date at its precision: 2024-11-12, 2024-11 or 2024 (meetings.dates)."""

    path: str
    precision_path: str
    compute = staticmethod(format_partial_date)

    def sql(self):
        return partial_date_sql(self.path, self.precision_path)


@dataclass(frozen=True)
class FirstOf(_OverFields):
    """The first field that is not NULL, e.g. a reporter's name or else the outlet."""

    path: str
    fallback: str

    @staticmethod
    def compute(value, fallback):
        return value if value is not None else fallback

    def sql(self):
        return Coalesce(F(self.path), F(self.fallback), output_field=CharField())


@dataclass(frozen=True)
class Computed:
    """A value composed in Python from fetched fields; `annotations()` adds any the query must compute
    first (named in `paths`). No SQL form: only the files the database writes need one."""

    compute: object
    paths: tuple
    annotations: object = dict

    def sql(self):
        raise TypeError(f"{self.compute.__name__} is computed in Python only")


# --- columns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One CSV column: its Table Schema field and the source of its value."""

    name: str
    description: str
    value: object
    type: str = "string"
    constraints: dict = field(default_factory=dict)  # None from `column`: read from the model (Columns)
    imported: str | None = None  # STRIPPED, EXACT, or None: the import ignores the column

    def schema(self):
        descriptor = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "boolean":
            descriptor |= {"trueValues": ["true"], "falseValues": ["false"]}
        if self.constraints:
            descriptor["constraints"] = dict(self.constraints)
        return descriptor


def column(name, description, value=None, *, constraints=None, imported=None, type="string"):
    """A column of `value`: a field path (by default its name) or a rule (Field, PartialDate, ...).

    Without `constraints`, a Field's or PartialDate's type and constraints are read from its model
    field when the column joins its `Columns`; any other rule is of `type` (text unless told) and may
    be empty.
    """
    value = name if value is None else value
    value = Field(value) if isinstance(value, str) else value
    return Column(name, description, value, type=type, constraints=constraints, imported=imported)


def _model_field(model, path):
    """The field at the end of `path` from `model`, and whether a nullable relation leads to it."""
    *relations, name = path.split("__")
    optional = False
    for relation in relations:
        relation_field = model._meta.get_field(relation)
        optional |= relation_field.null
        model = relation_field.related_model
    return model._meta.get_field(name), optional


def _schema_rules(model, path):
    """(type, constraints) of the field at `path`: required if it can be neither NULL nor blank (nor
    reached through a nullable relation); unique only for the model's own fields, not values joined in
    from another table; enum for choices; a date is a partial date."""
    model_field, optional = _model_field(model, path)
    constraints = {}
    if not (optional or model_field.null or model_field.blank):
        constraints["required"] = True
    if "__" not in path and model_field.unique:
        constraints["unique"] = True
    if model_field.choices:
        constraints["enum"] = [value for value, _label in model_field.flatchoices]
    if isinstance(model_field, models.BooleanField):
        return "boolean", constraints
    if isinstance(model_field, models.IntegerField | models.AutoField):
        return "integer", constraints
    if isinstance(model_field, models.DateField):
        constraints["pattern"] = PARTIAL_DATE_PATTERN
    return "string", constraints


def _getter(indices):
    """fetched → the tuple of its values at `indices` (a slice for one, so that it is a tuple too)."""
    return itemgetter(*indices) if len(indices) > 1 else itemgetter(slice(indices[0], indices[0] + 1))


def _row_builder(columns, paths):
    """values → rows: (rows of fetched `paths`) → (rows of the columns), or None when no column computes.

    Each column's first path is fetched at the column's own index, so a row starts as the fetched
    values' first `len(columns)` and only the computed cells are replaced: no per-cell loop in Python
    for the plain columns, which are most of them.
    """
    plan = [(i, c.value.compute, _getter([paths.index(p) for p in c.value.paths])) for i, c in enumerate(columns)]
    plan = [(i, compute, get) for i, compute, get in plan if compute is not None]
    if not plan:
        return None
    width = len(columns)

    def build(values):
        for fetched in values:
            row = list(fetched[:width])
            for i, compute, get in plan:
                row[i] = compute(*get(fetched))
            yield tuple(row)

    return build


class Columns:
    """One file's columns, in order, over rows of `model`."""

    def __init__(self, model, *columns):
        self.model = model
        self.columns = tuple(self._resolved(c) for c in columns)
        self.names = tuple(c.name for c in self.columns)
        # The import's reading of the file.
        self.imported = frozenset(c.name for c in self.columns if c.imported)
        self.free_text = frozenset(c.name for c in self.columns if c.imported == EXACT)
        # The rows' query: each column's first field at the column's own index, then the rest.
        paths = [c.value.paths[0] for c in self.columns]
        for c in self.columns:
            paths += [path for path in c.value.paths[1:] if path not in paths]
        self.paths = tuple(paths)
        self._annotations = [c.value.annotations for c in self.columns if hasattr(c.value, "annotations")]
        self._computed_rows = _row_builder(self.columns, self.paths)

    def _resolved(self, column):
        if column.constraints is not None:
            return column
        if isinstance(column.value, Field | PartialDate):
            kind, constraints = _schema_rules(self.model, column.value.path)
            return replace(column, type=kind, constraints=constraints)
        return replace(column, constraints={})

    def __iter__(self):
        return iter(self.columns)

    def __len__(self):
        return len(self.columns)

    def header(self):
        return list(self.names)

    def rows(self, queryset):
        """(header, rows) for this file, in the queryset's order: one query, streamed in chunks, so the
        query count is fixed and memory stays flat whatever the size. The values are raw (None, bools,
        codes, text); csvwriter.stream_csv turns them into safe cells."""
        for annotations in self._annotations:
            queryset = queryset.annotate(**annotations())
        values = queryset.values_list(*self.paths).iterator(chunk_size=BATCH_SIZE)
        return self.header(), self._computed_rows(values) if self._computed_rows else values

    def records(self, queryset, start, stop, extra=()):
        """The rows start..stop of rows(queryset), each as (row, extras): `extra` field paths (an id for a
        link, say) fetched in the same one query, after the file's own. For a page of the API."""
        for annotations in self._annotations:
            queryset = queryset.annotate(**annotations())
        fetched = list(queryset.values_list(*self.paths, *extra)[start:stop])
        width, own = len(self.columns), len(self.paths)
        rows = self._computed_rows(fetched) if self._computed_rows else (values[:width] for values in fetched)
        return [(tuple(row), values[own:]) for row, values in zip(rows, fetched, strict=True)]

    def sql(self):
        """{name: ORM expression of its value}, in the file's order, for the files the database writes."""
        return {c.name: c.value.sql() for c in self.columns}


# --- the data package ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple
    resource: str
    reference_fields: tuple

    def schema(self):
        return {
            "fields": list(self.fields),
            "reference": {"resource": self.resource, "fields": list(self.reference_fields)},
        }


@dataclass(frozen=True)
class Table:
    """One CSV file of the data package: its columns over the whole table, in `queryset()`'s order."""

    name: str
    title: str
    description: str
    columns: Columns
    primary_key: tuple
    queryset: object  # () -> the table's rows, ordered
    foreign_keys: tuple = ()

    @property
    def filename(self):
        return f"{self.name}.csv"

    def rows(self):
        return self.columns.rows(self.queryset())
