"""Admin autocomplete widgets that survive garbage in a refused form.

Django 5.2's AutocompleteSelect re-renders a refused form by filtering the related table with
the submitted value as it is, so text posted in an id field ("not-an-id") raises ValueError:
a 500 where the editor should see the form error. These widgets drop values the related key
cannot hold before rendering; the form itself still refuses them with its own message.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple

from kptracker.inputs import holds


class _DropsImpossibleValues:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, [item for item in value if holds(key, item)], attr)


class SafeAutocompleteSelect(_DropsImpossibleValues, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_DropsImpossibleValues, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For ModelAdmin and inlines: autocomplete_fields get the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
