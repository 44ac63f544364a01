"""The admin site: every ModelAdmin on it judges what a URL carries as Django's admin judges its own.

Django's admin answers most odd inputs already: an unknown filter or a value of the wrong type is
IncorrectLookupParameters (a redirect to the bare changelist with ?e=1), a change or delete URL for an
id that cannot exist redirects to the index with "… doesn't exist". Some escaped, each a 500:

- the date hierarchy's parsing (?start_date__year=99999999999999999999, or 9999, whose year has no
  successor) raises OverflowError or ValueError outside that handling, and so does a year beyond 9999
  in any date lookup (?end_date__year=10000) as the query is built;
- a lookup the database cannot run on a value from a URL: a broken pattern in ?title__regex=[, a string
  for ?title__range, django.contrib.postgres' lookups on SQLite or without their extension, and on
  PostgreSQL a value its column's type refuses (?ip_address=abc in django-axes' admin);
- django-simple-history's history views look the id up as it stands: /<app>/<model>/abc/history/ and
  .../history/abc/ raise ValueError;
- an action on selected rows filters by every selected id: _selected_action=abc raises ValueError.

AdminInputsMixin turns each into the answer Django gives for its kind, and the site adds the mixin to
every ModelAdmin registered, the project's and third-party ones (auth, django-axes) alike, so a new
admin is covered without anyone remembering to. INSTALLED_APPS names AdminConfig: Django's documented
way of replacing the default site. A NUL is refused before the admin sees it (kptracker/inputs.py).
"""

import functools

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Field, TextField
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404

from kptracker.inputs import holds


class AdminConfig(DjangoAdminConfig):
    default_site = "kptracker.admin_site.AdminSite"


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        return super().register(model_or_iterable, with_judged_inputs(admin_class or admin.ModelAdmin), **options)


@functools.cache
def with_judged_inputs(admin_class):
    if issubclass(admin_class, AdminInputsMixin):
        return admin_class
    return type(admin_class.__name__, (AdminInputsMixin, admin_class), {"__module__": admin_class.__module__})


# The lookups a URL may apply to a changelist: comparisons that mean the same on SQLite and PostgreSQL and
# need nothing but a value. The others registered on fields are refused with a 400: regex and iregex (a
# pattern from a URL run by the database, in a syntax the two disagree on, that can be made to backtrack
# for minutes), range (the query string cannot pass it a pair) and django.contrib.postgres' unaccent,
# search and trigram lookups (they need database extensions, and SQLite has none of them).
URL_LOOKUPS = {
    "exact", "iexact", "in", "isnull", "gt", "gte", "lt", "lte",
    "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith",
    "year", "month", "day", "date",
}  # fmt: skip
# Comparisons whose value is of the field's own type; text fields compare any text.
TYPED_LOOKUPS = {"exact", "gt", "gte", "lt", "lte", "in"}


class JudgedFilters:
    """A changelist whose filter parameters are judged before the database sees them.

    A registered lookup outside URL_LOOKUPS is DisallowedModelAdminLookup (a 400), as a filter on a
    relation the admin does not offer already is. A value its field cannot hold (?ip_address=abc, which
    PostgreSQL's inet column refuses with an error), or a date no date can be (the date hierarchy's
    ?start_date__year=99999999999999999999, or ?end_date__year=10000, which fails only as the query is
    built), is IncorrectLookupParameters: Django's answer to a value of the wrong type, a redirect to the
    bare changelist with ?e=1.
    """

    def get_filters(self, request):
        for key, values in self.get_filters_params().items():
            for value in values:
                judge_lookup(self.model, key, value)
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            return super().get_results(request)  # the first query: any lookup that cannot be built fails here
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


def judge_lookup(model, key, value):
    field, lookups = field_and_lookups(model, key)
    if field is None:
        return  # not a field: Django's own answer (IncorrectLookupParameters)
    for lookup in lookups:
        if lookup not in URL_LOOKUPS and (field.get_lookup(lookup) or field.get_transform(lookup)):
            raise DisallowedModelAdminLookup(f"Filtering with {lookup!r} is not allowed")
    typed = len(lookups) <= 1 and (lookups or ["exact"])[0] in TYPED_LOOKUPS
    if typed and isinstance(field, Field) and not isinstance(field, CharField | TextField):
        items = value.split(",") if lookups == ["in"] else [value]
        if not all(holds(field, item) for item in items):
            raise IncorrectLookupParameters(f"{key}: {field.verbose_name} cannot be {value!r}")


def field_and_lookups(model, key):
    """The last model field a lookup key names (following relations), and the lookups and transforms after it."""
    field = None
    parts = key.split(LOOKUP_SEP)
    for index, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return field, parts[index:]
        if not field.is_relation or field.related_model is None:
            return field, parts[index + 1 :]
        model = field.related_model
    return field, []


@functools.cache
def with_judged_filters(changelist_class):
    return type(changelist_class.__name__, (JudgedFilters, changelist_class), {})


class AdminInputsMixin:
    def get_changelist(self, request, **kwargs):
        return with_judged_filters(super().get_changelist(request, **kwargs))

    def response_action(self, request, queryset):
        """Selected ids the primary key cannot hold are no row: they are left out, as an unknown id is."""
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        possible = [value for value in selected if holds(self.opts.pk, value)]
        if possible != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(ACTION_CHECKBOX_NAME, possible)
        return super().response_action(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        """An id that cannot exist redirects with a message, as the change view does (Django's own history
        view already does; django-simple-history's raised ValueError). A valid id of a deleted object
        still shows its history."""
        if not holds(self.opts.pk, unquote(object_id)):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """django-simple-history's view of one version: an impossible id is a 404, as a missing version is."""
        history = getattr(self.model, self.opts.simple_history_manager_attribute).model
        if not (holds(self.opts.pk, object_id) and holds(history._meta.pk, version_id)):  # it does not unquote
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)
