"""The admin site: every ModelAdmin registered on it answers impossible dates and ids as Django answers its own.

Django's admin already judges most of what a URL can carry: an unknown filter or a value of the wrong
type is IncorrectLookupParameters (a redirect to the bare changelist with ?e=1), a change or delete URL
for an id that cannot exist redirects to the index with "… doesn't exist". A few paths escaped, each a
500 on both databases:

- the date hierarchy's own parsing (?start_date__year=99999999999999999999, or 9999, whose year has no
  successor) raises OverflowError or ValueError outside the changelist's handling;
- django-simple-history's history views look up the id as it stands, so /<app>/<model>/abc/history/
  and .../history/abc/ raise ValueError;
- an action run on selected rows filters by every selected id, so ?_selected_action=abc raises ValueError.

AdminInputsMixin closes them, and the site adds it to every ModelAdmin registered, the project's and
third-party ones (auth, django-axes) alike, so a new admin is covered without remembering to.
INSTALLED_APPS names AdminConfig, Django's documented way of replacing the default site.
"""

import functools

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
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


class JudgedFilters:
    """A changelist whose filter parameters that no date or number can be are IncorrectLookupParameters."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


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
