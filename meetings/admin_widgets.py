"""Admin autocomplete widgets and fields that survive garbage in a refused form.

Django 5.2's AutocompleteSelect re-renders a refused form by filtering the related table with
the submitted value as it is, so text posted in an id field ("not-an-id") raises ValueError:
a 500 where the editor should see the form error. These widgets drop values the related key
cannot hold before rendering; the form itself still refuses them with its own message.

A many-to-many field's own check queries `pk__in` with the submitted ids, and on SQLite an id
beyond 64 bits raises OverflowError there (an out-of-range `exact` lookup is handled by Django,
an `in` list is not): BoundedModelMultipleChoiceField refuses such ids as invalid first.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.forms import ModelMultipleChoiceField


def _can_hold(key, item):
    """Whether the model field `key` can hold the submitted `item` (its validators refuse ids beyond 64 bits)."""
    try:
        key.run_validators(key.to_python(item))
    except (ValidationError, ValueError, TypeError):
        return False
    return True


class _DropsImpossibleValues:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, [item for item in value if _can_hold(key, item)], attr)


class SafeAutocompleteSelect(_DropsImpossibleValues, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_DropsImpossibleValues, AutocompleteSelectMultiple):
    pass


class BoundedModelMultipleChoiceField(ModelMultipleChoiceField):
    def _check_values(self, value):
        meta = self.queryset.model._meta
        key = meta.pk if (self.to_field_name or "pk") == "pk" else meta.get_field(self.to_field_name)
        for item in value:
            if not _can_hold(key, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class SafeAutocompleteMixin:
    """For ModelAdmin and inlines: autocomplete_fields get the widgets above, every many-to-many
    field the bounded form field."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
