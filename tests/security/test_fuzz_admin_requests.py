"""Arbitrary requests to the admin: a 4xx or an answer, never a 5xx, on SQLite and PostgreSQL alike.

What is fuzzed is read from the admin itself, so a new model, filter, date hierarchy or autocomplete
field is covered without editing a list:
- every registered model's changelist, with its list filters' own parameters, its date hierarchy,
  search (q), ordering (o), page (p), and any field__lookup=value on its fields;
- the autocomplete view, with every (app_label, model_name, field_name) the admin serves, and garbage;
- every model's change, delete and history URLs, and django-simple-history's version URLs, with odd ids;
- an action on selected rows whose ids are odd.
Values include a NUL (PostgreSQL cannot hold one: kptracker/inputs.py makes it a 400 everywhere), other
control characters, numbers beyond 64 bits, dates beyond year 9999 and broken regular expressions.
The add forms are fuzzed in test_fuzz_admin.py, the public pages in test_fuzz_urls.py.
"""

from urllib.parse import parse_qsl, quote, urlencode

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote as admin_quote
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
LOOKUPS = [
    "exact",
    "iexact",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "range",
    "isnull",
    "contains",
    "icontains",
    "startswith",
    "regex",
    "iregex",
    "year",
    "month",
    "day",
    "week_day",
    "date",
    "hour",
    "quarter",
    "iso_year",
    "unaccent",
    "search",
    "trigram_similar",
    "id__exact",
    "id__in",
]
# NUL is among ODD_VALUES: drawn as often as hypothesis likes it, it would stop most requests at the door.
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
CONTROL = st.text(
    st.characters(min_codepoint=1, max_codepoint=0x1F) | st.sampled_from(["\x7f", "\x85", "\u2028"]), min_size=1
)
ODD_VALUES = [
    "",
    "\x00",
    "R\x00S",
    "0",
    "-1",
    "1.5",
    "1e999",
    "NaN",
    "true",
    "False",
    "2**63",
    str(2**63),
    str(-(2**63) - 1),
    "9" * 20,
    "99999999999999999999",
    "9999",
    "10000",
    "2024-02-30",
    "9999-12-31",
    "99999-01-01",
    "0000-00-00",
    "2024-01-01 25:61",
    "2024-01-01T00:00:00+99:00",
    "1,2,abc",
    ",",
    "[",
    "(",
    "*",
    "\\",
    "(?P<",
    "%",
    "_",
    "' OR 1=1 --",
    "<script>",
    "a" * 3000,
]
VALUES = st.one_of(
    st.sampled_from(ODD_VALUES),
    TEXT,
    CONTROL,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
IDS = st.one_of(
    st.sampled_from(["0", "-1", "abc", "1.5", "1e3", " 1", "_2F", "_00", "_5F", "%", "..", str(2**63), "9" * 40]),
    st.sampled_from(["\x00", "1\x00"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    TEXT,
    CONTROL,
)
GARBAGE_NAMES = st.one_of(TEXT, st.sampled_from(["", "\x00", "auth", "meetings", "user", "id"]))


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def label(model):
    return model._meta.label_lower


@pytest.fixture
def editor_request(rf, admin_client_logged_in):
    request = rf.get("/admin/")
    request.user = get_user_model().objects.get(username="editor-in-chief")
    return request


def changelist_parameters(model, request):
    """The changelist's own links (its filters' choices, its date hierarchy on the data, search, ordering,
    page), as (name, value) pairs; and every parameter name it understands, with field__lookup for each
    of the model's fields."""
    model_admin = admin.site._registry[model]
    changelist = model_admin.get_changelist_instance(request)
    links = {("q", "a"), ("q", "Kimberley Process"), ("o", "1"), ("o", "-2.1"), ("p", "1"), ("all", "")}
    names = {"q", "o", "p", "all", "e", "_to_field", "_popup", "_facets", "_changelist_filters"}
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
        for choice in spec.choices(changelist):
            links.update(parse_qsl(choice["query_string"].lstrip("?"), keep_blank_values=True))
    if hierarchy := model_admin.date_hierarchy:
        parts = ("year", "month", "day")
        names.update(f"{hierarchy}__{part}" for part in parts)
        for day in model._default_manager.dates(hierarchy, "day")[:3]:
            links.update((f"{hierarchy}__{part}", str(getattr(day, part))) for part in parts)
    for field in model._meta.get_fields():
        if field.concrete:
            names.update(f"{field.name}__{lookup}" for lookup in LOOKUPS)
    return sorted(links), sorted(names)


def assert_no_server_error(response, request, nul):
    assert response.status_code < 500, f"{request!r} answered {response.status_code}"
    if nul:
        assert response.status_code == 400, f"{request!r} carried a NUL and answered {response.status_code}"


@st.composite
def changelist_queries(draw, links, names):
    """Up to three of the changelist's own links' parameters, then up to two odd ones."""
    pairs = draw(st.lists(st.sampled_from(links), max_size=3))
    pairs += draw(st.lists(st.tuples(st.sampled_from(names) | TEXT, VALUES), min_size=0 if pairs else 1, max_size=2))
    return draw(st.permutations(pairs))


@pytest.mark.parametrize("model", registered_models(), ids=label)
def test_arbitrary_changelist_filters_never_give_a_server_error(admin_client_logged_in, kp_data, editor_request, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    links, names = changelist_parameters(model, editor_request)

    @FUZZ
    @given(pairs=changelist_queries(links, names))
    def check(pairs):
        response = admin_client_logged_in.get(url, QUERY_STRING=urlencode(pairs))
        nul = any("\x00" in name + value for name, value in pairs)
        assert_no_server_error(response, f"{url}?{urlencode(pairs)}", nul)

    check()


def autocomplete_sources():
    """(app_label, model_name, field_name) for every autocomplete field of every ModelAdmin and inline."""
    sources = set()
    for model, model_admin in admin.site._registry.items():
        holders = [(model, model_admin.autocomplete_fields)]
        holders += [(inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]
        for holder, fields in holders:
            sources.update((holder._meta.app_label, holder._meta.model_name, name) for name in fields)
    return sorted(sources)


def test_the_autocomplete_fields_are_found():
    assert ("positions", "position", "participant") in autocomplete_sources()
    assert ("positions", "agendaitem", "issue") in autocomplete_sources()  # an inline's


def test_arbitrary_autocomplete_requests_never_give_a_server_error(admin_client_logged_in, kp_data):
    url = reverse("admin:autocomplete")
    served = st.sampled_from(autocomplete_sources())
    source = st.one_of(served, served, st.tuples(GARBAGE_NAMES, GARBAGE_NAMES, GARBAGE_NAMES))
    terms = st.one_of(st.sampled_from(["", "a", "RUS", "kimberley", "Ru"]), VALUES)

    @settings(FUZZ, max_examples=60)
    @given(source=source, term=terms, page=st.none() | st.just("2") | VALUES)
    def check(source, term, page):
        app_label, model_name, field_name = source
        query = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term}
        if page is not None:
            query["page"] = page
        response = admin_client_logged_in.get(url, query)
        assert_no_server_error(response, query, any("\x00" in value for value in query.values()))

    check()


def object_urls(model, object_id, version_id):
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{object_id}/"
    urls = [base, base + "change/", base + "delete/", base + "history/"]
    if hasattr(model._meta, "simple_history_manager_attribute"):
        urls.append(f"{base}history/{version_id}/")
    return urls


def some_of(values, strategy):
    """The real values first, as often as anything else the strategy draws."""
    return st.sampled_from(values) | strategy if values else strategy


@pytest.mark.parametrize("model", registered_models(), ids=label)
def test_odd_ids_in_object_urls_never_give_a_server_error(admin_client_logged_in, kp_data, model):
    pks = model._default_manager.order_by("pk").values_list("pk", flat=True)[:1]
    versions = []
    if hasattr(model._meta, "simple_history_manager_attribute"):
        versions = getattr(model, model._meta.simple_history_manager_attribute).values_list("history_id", flat=True)
    ids = some_of([admin_quote(str(pk)) for pk in pks], IDS)

    @settings(FUZZ, max_examples=15)
    @given(object_id=ids, version_id=some_of([str(pk) for pk in versions[:1]], IDS))
    def check(object_id, version_id):
        for url in object_urls(model, quote(object_id, safe=""), quote(version_id, safe="")):
            response = admin_client_logged_in.get(url)
            assert_no_server_error(response, url, "%00" in url)

    check()


def test_odd_ids_selected_for_an_action_never_give_a_server_error(admin_client_logged_in, kp_data, editor_request):
    models = [model for model in registered_models() if admin.site._registry[model].get_actions(editor_request)]
    assert models

    @settings(FUZZ, max_examples=40)
    @given(model=st.sampled_from(models), selected=st.lists(IDS, min_size=1, max_size=3))
    def check(model, selected):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        data = {"action": "delete_selected", "_selected_action": selected}
        response = admin_client_logged_in.post(url, data)
        assert_no_server_error(response, (url, data), any("\x00" in value for value in selected))

    check()
