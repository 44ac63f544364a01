"""The API's lists: the same FilterSet as the page and the CSV validates the parameters, the same
column declaration (exports/tables.py) gives each result's keys and values, and a page of them is
answered in the envelope every list shares. Two queries per list whatever its size: a count, a page.
"""

import math
from dataclasses import dataclass

import django_filters
from django import forms
from pydantic import Field, create_model

PAGE_SIZE, MAX_PAGE_SIZE = 100, 500
PAGING = ("page", "page_size")
JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "number": float, "date": str}


class BadRequest(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = {name: [str(m) for m in messages] for name, messages in errors.items()}


class NotFound(Exception):
    pass


def paging(request):
    """(page, page_size) from the request, or BadRequest naming the parameter."""
    errors, values = {}, {}
    for name, default, top in (("page", 1, None), ("page_size", PAGE_SIZE, MAX_PAGE_SIZE)):
        raw = request.GET.getlist(name)
        if len(raw) > 1:
            errors[name] = [f"Given {len(raw)} times; give it once."]
            continue
        try:
            value = int(raw[0]) if raw and raw[0] != "" else default
        except ValueError:
            errors[name] = [f"A whole number is needed, not '{raw[0][:40]}'."]
            continue
        if value < 1 or (top and value > top):
            errors[name] = [f"Between 1 and {top}." if top else "1 or more."]
            continue
        values[name] = value
    if errors:
        raise BadRequest(errors)
    return values["page"], values["page_size"]


def filtered(filterset_class, request, queryset):
    """The FilterSet's rows for the request, or BadRequest with its errors (unknown parameters included)."""
    filterset = filterset_class(request.GET, queryset=queryset, also=PAGING)
    if not filterset.is_valid():
        # A parameter the list does not take is named as itself, not as an error of the whole form.
        errors = {name: list(messages) for name, messages in filterset.errors.items() if name != "__all__"}
        errors |= filterset.parameter_errors
        if not errors:
            errors = dict(filterset.errors)
        raise BadRequest(errors)
    return filterset


def envelope(request, count, page, page_size, results):
    """{count, page, page_size, next, previous, results}; a page past the end is NotFound."""
    last = max(1, math.ceil(count / page_size))
    if page > last:
        raise NotFound(f"Page {page} is past the last, {last}.")

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "next": link(page + 1) if page < last else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": results,
    }


def page_of(request, queryset, columns, extra=(), decorate=None, count=None):
    """A page of the queryset's rows as the CSV holds them, keyed by its column names; `decorate(result,
    extras)` adds links from the `extra` field paths fetched with them. `count(queryset)` counts the
    rows where a row is not a record (proposals.csv has a row per account)."""
    page, page_size = paging(request)
    count = count(queryset) if count else queryset.count()
    start = (page - 1) * page_size
    results = []
    for row, extras in columns.records(queryset, start, start + page_size, extra) if count else []:
        result = dict(zip(columns.names, row, strict=True))
        if decorate:
            decorate(result, extras)
        results.append(result)
    return envelope(request, count, page, page_size, results)


@dataclass
class Described:
    """What OpenAPI says of a list: its result's fields, from the column declaration."""

    name: str
    columns: object
    links: dict  # extra key -> its description (an address), or (type, description)

    def model(self):
        fields = {}
        for column in self.columns:
            kind = JSON_TYPES.get(column.type, str)
            fields[column.name] = (kind | None, Field(None, description=column.description))
        for name, described in self.links.items():
            kind, description = described if isinstance(described, tuple) else (str, described)
            fields[name] = (kind | None, Field(None, description=description))
        return create_model(self.name, **fields)


def page_model(name, result_model):
    return create_model(
        name,
        count=(int, Field(description="How many results match, over all pages.")),
        page=(int, Field(description="This page's number, from 1.")),
        page_size=(int, Field(description=f"Results per page (at most {MAX_PAGE_SIZE}).")),
        next=(str | None, Field(None, description="The next page's address, or null on the last.")),
        previous=(str | None, Field(None, description="The previous page's address, or null on the first.")),
        results=(list[result_model], ...),
    )


def filter_parameters(filterset_class):
    """The FilterSet's parameters, and the paging ones, as OpenAPI describes query parameters."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        field = filter_.field
        schema = {"type": "string"}
        if isinstance(field, forms.IntegerField):
            schema = {"type": "integer"}
        # Records chosen by code or slug: their choices are rows, never read here (no query at import).
        by_record = isinstance(filter_, django_filters.ModelMultipleChoiceFilter | django_filters.ModelChoiceFilter)
        choices = None if by_record else getattr(field, "choices", None)
        if choices:
            values = [str(v) for v, _ in choices if v not in ("", None)]
            if values:
                schema["enum"] = values
        several = isinstance(filter_, django_filters.MultipleChoiceFilter)
        if several:
            schema = {"type": "array", "items": schema}
        description = " ".join(str(part) for part in (filter_.label or name, field.help_text) if part)
        if several:
            description += " Several values mean any of them."
        parameter = {"in": "query", "name": name, "required": False, "description": description, "schema": schema}
        if several:
            parameter |= {"style": "form", "explode": True}
        parameters.append(parameter)
    page_size = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE}
    parameters += [
        {"in": "query", "name": "page", "required": False, "description": "The page, from 1.",
         "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"in": "query", "name": "page_size", "required": False, "schema": page_size,
         "description": f"Results per page, 1 to {MAX_PAGE_SIZE}."},
    ]  # fmt: skip
    return parameters
