"""The form renderer (kptracker/formrender.py) writes out Django's widget templates in Python: every
form of the site, filter forms and admin forms, bound and unbound, valid and in error, must come out
exactly as Django's own renderer writes it."""

import pytest
from django.contrib import admin
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.test import RequestFactory
from django.utils.safestring import mark_safe

import api.v1
import exports.filters
import pages.filters
from kptracker.formrender import DJANGO_FORM_TEMPLATES, FORMATTERS, FormRenderer
from kptracker.params import StrictFilterSet

# Values a visitor could put in a URL: valid ones, and ones that need escaping or fail validation.
QUERIES = [
    "",
    "year_from=2010&year_to=2020&kind=plenary&stage=agenda&stage=decision&evidence=quoted&group=eu",
    "year_from=2020&year_to=2010",  # an error on the form
    'year_from=<b>&kind="><script>&group=a&b&participant=RUS&participant=<x>&q=a"b<c>&issue=\'x',
    "stances=blocks_opposes&by=meeting&show=veto&order=new&page=2",
]


def filtersets():
    """Every StrictFilterSet the site defines (its pages, exports and API), found by subclassing."""
    assert pages.filters and exports.filters and api.v1  # imported so that their classes exist
    found, todo = [], [StrictFilterSet]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        concrete = cls._meta.model is not None
        if concrete and cls.__module__.split(".")[0] in {"pages", "exports", "api"}:
            found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def every_part(form):
    """The form as a page shows it: each field's widget, label tag and errors, and the whole form."""
    parts = [str(form)]
    for field in form:
        parts += [str(field), str(field.label_tag()), str(field.errors)]
    return "\n".join(parts)


def both_ways(form):
    """(our renderer's HTML, Django's renderer's HTML) of the same form."""
    form.renderer = FormRenderer()
    ours = every_part(form)
    form.renderer = DjangoTemplates()
    return ours, every_part(form)


def test_every_filterset_is_found():
    names = {cls.__name__ for cls in filtersets()}
    assert {"MatrixFilter", "PositionFilter", "AnalysisFilter", "MeetingFilter", "MapFilter"} <= names
    assert len(names) >= 10


@pytest.mark.parametrize("filterset", filtersets(), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_filter_forms_match_djangos_renderer(kp_data, filterset, query):
    form = filterset(QueryDict(query) if query else None).form
    form.is_valid()
    ours, djangos = both_ways(form)
    assert ours == djangos


def test_the_site_uses_it_and_pages_are_unchanged(kp_data, client, settings, monkeypatch):
    """A filtered page's form comes through the Python formatters, and reads as with Django's renderer."""
    from django.core.cache import caches
    from django.forms.renderers import BaseRenderer

    rendered = []
    monkeypatch.setattr(BaseRenderer, "render", spy(BaseRenderer.render, rendered))
    path = "/matrix/?kind=plenary&stage=agenda"
    page = client.get(path).content.decode()
    by_django = {args[1] for args in rendered}
    assert not by_django & set(FORMATTERS), f"Django's templates rendered: {by_django & set(FORMATTERS)}"
    assert '<option value="plenary" selected>plenary</option>' in page
    assert '<input type="checkbox" name="stage" value="agenda" id="id_stage_0" checked>' in page
    caches["pages"].clear()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    again = client.get(path).content.decode()
    start, end = '<form class="filters"', "</form>"
    assert again[again.index(start) : again.index(end)] == page[page.index(start) : page.index(end)]


def spy(function, calls):
    def wrapper(*args):
        calls.append(args)
        return function(*args)

    return wrapper


@pytest.mark.parametrize("model_admin", admin.site._registry.values(), ids=lambda a: a.model._meta.label)
def test_admin_forms_match_djangos_renderer(kp_data, admin_user, model_admin):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    form_class = model_admin.get_form(request)
    for form in (form_class(), form_class(data=dict.fromkeys(form_class.base_fields, "<b>'\"&"))):
        form.is_valid()
        ours, djangos = both_ways(form)
        assert ours == djangos


def test_labels_options_and_values_are_escaped_unless_safe():
    from django import forms

    class Form(forms.Form):
        pick = forms.ChoiceField(label="A <b>", choices=[("<x>", "x & y"), ("safe", mark_safe("<i>safe</i>"))])
        many = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, choices=[('a"', "'a'")])
        text = forms.CharField(widget=forms.TextInput(attrs={"data-x": "<&>", "hidden": True, "disabled": False}))

    form = Form(data={"pick": "<x>", "many": ['a"'], "text": '"><script>'})
    form.is_valid()
    ours, djangos = both_ways(form)
    assert ours == djangos
    assert "&lt;x&gt;" in ours and "<i>safe</i>" in ours and "&quot;&gt;&lt;script&gt;" in ours
    assert " hidden " in ours or " hidden>" in ours
    assert "disabled" not in ours


def test_a_value_it_does_not_expect_goes_to_django():
    """An option label that is not text (a number, localised by Django's templates) is Django's to render."""
    from django import forms

    class Form(forms.Form):
        year = forms.TypedChoiceField(choices=[(2003, 2003), (2004, 2004)], coerce=int)

    form = Form()
    ours, djangos = both_ways(form)
    assert ours == djangos and '<option value="2003">2003</option>' in ours


def renderer_finding(tmp_path, widget_template, source):
    """Our renderer with an engine that finds its own `widget_template` (in tmp_path) before Django's."""
    from django.template.backends.django import DjangoTemplates as Backend

    override = tmp_path / "django" / "forms" / "widgets" / widget_template
    override.parent.mkdir(parents=True)
    override.write_text(source)
    renderer = FormRenderer()
    dirs = [tmp_path, DJANGO_FORM_TEMPLATES]
    renderer.engine = Backend({"APP_DIRS": True, "DIRS": dirs, "NAME": "test", "OPTIONS": {}})
    return renderer


def test_a_template_an_app_overrides_is_left_to_django(tmp_path):
    """Where an installed app (or the project) ships its own select.html, that template is rendered."""
    renderer = renderer_finding(tmp_path, "select.html", "<select-of-our-own>{{ widget.name }}</select-of-our-own>")
    assert "django/forms/widgets/select.html" not in renderer.formatters
    assert "django/forms/widgets/number.html" in renderer.formatters
    from django import forms

    assert str(forms.Select().render("kind", None, renderer=renderer)) == "<select-of-our-own>kind</select-of-our-own>"
    assert set(FORMATTERS) - set(renderer.formatters) == {"django/forms/widgets/select.html"}


def test_an_included_template_found_elsewhere_leaves_every_template_to_django(tmp_path):
    """The formatters write out attrs.html too: an engine with its own attrs.html renders everything."""
    from django import forms

    attrs = "{% for name, value in widget.attrs.items %} data-{{ name }}{% endfor %}"
    renderer = renderer_finding(tmp_path, "attrs.html", attrs)
    assert renderer.formatters == {}
    html = forms.NumberInput(attrs={"min": 1}).render("n", None, renderer=renderer)
    assert html == '<input type="number" name="n" data-min>'


def test_a_tuple_is_one_value_as_in_djangos_stringformat():
    from django import forms

    class Form(forms.Form):
        text = forms.CharField(widget=forms.TextInput(attrs={"data-one": ("a",), "data-two": ("a", "b")}))

    ours, djangos = both_ways(Form())
    assert ours == djangos and 'data-two="(&#x27;a&#x27;, &#x27;b&#x27;)"' in ours
