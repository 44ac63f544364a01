"""Django's form renderer with its commonest widget templates written out in Python.

Every filtered page renders a filter form, and Django renders each widget, each option of a select
and each checkbox through a template of its own, with an include for its attributes: some sixty
template renders for the matrix's form, as long as building the matrix itself. Here the templates a
filter form uses (inputs, selects and their options, checkbox lists, labels) are formatted directly
from the context Django's widgets build, so Django still decides every value, id, attribute and
selection; only the formatting moves. Any other template, or a value these formatters do not
expect, goes to Django's own renderer unchanged, as does every template of an engine that finds one of
them elsewhere than in Django.

Each formatter reproduces its template byte for byte (whitespace included); the tests render every
form of the site both ways and compare them.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise, cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString

WIDGETS = "django/forms/widgets/"


class Unexpected(Exception):
    """A value these formatters do not handle as the template would: Django renders it instead."""


def text(value):
    """`{{ value }}` for a text: escaped unless already safe (the template's autoescape)."""
    if isinstance(value, str | Promise):
        return str(conditional_escape(value))
    # Numbers and dates are localised by the template engine: left to it.
    raise Unexpected


def as_string(value):
    """`{{ value|stringformat:'s' }}`: "%s" of anything, escaped unless the value was safe."""
    formatted = "%s" % (value,)  # noqa: UP031 - the filter's own formatting (a tuple is one value)
    return formatted if isinstance(value, SafeData) else str(conditional_escape(formatted))


def attributes(attrs):
    """django/forms/widgets/attrs.html (and django/forms/attrs.html)."""
    html = []
    for name, value in (attrs or {}).items():  # the template renders nothing for None
        if value is False:
            continue
        html.append(f" {text(name)}" if value is True else f' {text(name)}="{as_string(value)}"')
    return "".join(html)


def input_tag(widget):
    """django/forms/widgets/input.html, with its closing newline."""
    value = "" if widget["value"] is None else f' value="{as_string(widget["value"])}"'
    return f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{value}{attributes(widget["attrs"])}>\n'


def input_widget(context):
    """text.html, number.html and the others that only include input.html."""
    return input_tag(context["widget"]) + "\n"


def select_option(option):
    """select_option.html."""
    return (
        f'<option value="{as_string(option["value"])}"{attributes(option["attrs"])}>{text(option["label"])}</option>\n'
    )


def input_option(option):
    """input_option.html: the input, wrapped in its label when the widget says so."""
    if not option["wrap_label"]:
        return input_tag(option) + "\n"
    label_id = option["attrs"].get("id")
    label_for = f' for="{text(label_id)}"' if label_id else ""
    return f"<label{label_for}>{input_tag(option)} {text(option['label'])}</label>\n"


def choice_option(option):
    """checkbox_option.html and radio_option.html, which include input_option.html and add a newline."""
    return input_option(option) + "\n"


OPTIONS = {
    WIDGETS + "select_option.html": select_option,
    WIDGETS + "checkbox_option.html": choice_option,
    WIDGETS + "radio_option.html": choice_option,
}


def option_html(option):
    formatter = OPTIONS.get(option["template_name"])
    if formatter is None:
        raise Unexpected
    return formatter(option)


def grouped_options(optgroups, opening, each, closing):
    """The options' HTML in their groups, as select.html and multiple_input.html loop over optgroups:
    `opening` (formatted with the group's name) and `closing` around a named group, `each` per option."""
    for group, options, _index in optgroups:
        if group:
            yield opening.format(text(group))
        for option in options:
            yield each.format(option_html(option))
        if group:
            yield closing


def select(context):
    """select.html: options, in their groups if any."""
    widget = context["widget"]
    options = grouped_options(widget["optgroups"], '\n  <optgroup label="{}">', "\n  {}", "\n  </optgroup>")
    return f'<select name="{text(widget["name"])}"{attributes(widget["attrs"])}>{"".join(options)}\n</select>\n'


def multiple_input(context):
    """checkbox_select.html and radio.html, which include multiple_input.html and add a newline."""
    widget = context["widget"]
    widget_id, widget_class = widget["attrs"].get("id"), widget["attrs"].get("class")
    id_attr = f' id="{text(widget_id)}"' if widget_id else ""
    class_attr = f' class="{text(widget_class)}"' if widget_class else ""
    options = grouped_options(widget["optgroups"], "\n  <div><label>{}</label>", "<div>\n    {}</div>", "\n  </div>")
    return f"<div{id_attr}{class_attr}>{''.join(options)}\n</div>\n"


def label(context):
    """django/forms/label.html."""
    if not context["use_tag"]:
        return f"{text(context['label'])}\n"
    tag = text(context["tag"])
    return f"<{tag}{attributes(context['attrs'])}>{text(context['label'])}</{tag}>\n"


FORMATTERS = {
    **{
        f"{WIDGETS}{name}.html": input_widget
        for name in ("text", "number", "email", "url", "password", "search", "tel", "hidden", "date", "time")
    },
    WIDGETS + "select.html": select,
    WIDGETS + "checkbox_select.html": multiple_input,
    WIDGETS + "radio.html": multiple_input,
    "django/forms/label.html": label,
}


# The templates FORMATTERS' templates include, written out in them too.
INCLUDED = [
    "django/forms/attrs.html",
    *(f"{WIDGETS}{name}.html" for name in ("attrs", "input", "input_option", "multiple_input")),
    *OPTIONS,
]
DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"


class FormRenderer(DjangoTemplates):
    """FORM_RENDERER: the templates in FORMATTERS formatted in Python, every other one by Django."""

    @cached_property
    def formatters(self):
        """FORMATTERS less any template this renderer's engine finds elsewhere than in Django (a
        subclass with other template directories): that version is rendered. If one of the templates
        they include is found elsewhere, every one is left to the engine."""
        if not all(self._is_djangos(name) for name in INCLUDED):
            return {}
        return {name: f for name, f in FORMATTERS.items() if self._is_djangos(name)}

    def _is_djangos(self, template_name):
        origin = Path(self.get_template(template_name).origin.name).resolve()
        return origin.is_relative_to(DJANGO_FORM_TEMPLATES)

    def render(self, template_name, context, request=None):
        formatter = self.formatters.get(template_name)
        if formatter is not None:
            try:
                return SafeString(formatter(context).strip())  # as Django's renderer strips a template's output
            except Unexpected:
                pass
        return super().render(template_name, context, request=request)
