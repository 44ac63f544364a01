"""One policy for every query parameter of every page and export.

A FilterSet declares the parameters a view takes; `StrictFilterSet` judges the rest:
- a parameter the view does not take is an error naming it (an export answers 400; a page
  redirects to its URL without it, see `pages.cache.cached_page`), never silently ignored;
- a single-valued parameter given twice is an error, never "the last one wins";
- codes, slugs and choices match whatever their case (`participant=rus` is RUS).

The same declaration gives the page cache its key (`canonical_items`), so parameters a view does
not read cannot multiply cached copies of one page.
"""

from functools import wraps

import django_filters
from django.http import HttpResponseRedirect, QueryDict
from django.utils.encoding import escape_uri_path

UPPER = "upper"
LOWER = "lower"


def fold_case(filter_, how):
    """Mark a filter's values to match in one case: participant codes are upper case, slugs lower."""
    filter_.fold = how
    return filter_


def _fold_of(filter_):
    how = getattr(filter_, "fold", None)
    if how is None and isinstance(filter_, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter):
        how = LOWER  # stored choice codes are lower case: plenary, blocks, no_consensus
    return how


def _folded(value, how):
    value = value.strip()
    if how == UPPER:
        return value.upper()
    if how == LOWER:
        return value.lower()
    return value


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet that judges every parameter it is given, not only the ones it knows.

    `also` names parameters the view itself reads (`page`): they are allowed but not filters.
    """

    def __init__(self, data=None, *args, also=(), **kwargs):
        self.also = tuple(also)
        self.parameter_errors = {}
        if data is not None:
            self.parameter_errors = self.judge(data, also=self.also)
            data = self.fold(data)
        super().__init__(data, *args, **kwargs)

    @classmethod
    def multiple(cls):
        """Names of the parameters that may be given several times (meaning: any of them)."""
        return [name for name, f in cls.base_filters.items() if isinstance(f, django_filters.MultipleChoiceFilter)]

    @classmethod
    def judge(cls, data, also=()):
        """{name: [message]} for parameters this view does not take and single values given twice."""
        errors = {}
        known = list(cls.base_filters) + list(also)
        multiple = set(cls.multiple())
        for name in data:
            if name not in known:
                errors[name] = [f"This view has no parameter '{name[:40]}'. It takes: {', '.join(known)}."]
            elif name not in multiple and len(data.getlist(name)) > 1:
                several = ", ".join(sorted(multiple)) or "none"
                errors[name] = [
                    f"Given {len(data.getlist(name))} times; give it once "
                    f"(parameters that take several values: {several})."
                ]
        return errors

    @classmethod
    def fold(cls, data):
        """A copy of `data` with codes, slugs and choices in the case they are stored in."""
        folded = QueryDict(mutable=True)
        for name, values in data.lists():
            filter_ = cls.base_filters.get(name)
            how = _fold_of(filter_) if filter_ is not None else None
            folded.setlist(name, [_folded(value, how) if how else value for value in values])
        folded._mutable = False
        return folded

    @classmethod
    def canonical_items(cls, data, also=()):
        """What identifies the rendered page: known parameters, folded, empty ones left out, in a fixed order."""
        known = set(cls.base_filters) | set(also)
        multiple = set(cls.multiple())
        folded = cls.fold(data)
        items = []
        for name in sorted(known):
            values = [value for value in folded.getlist(name) if value != ""]
            if name in multiple:
                values = sorted(set(values))
            if values:
                items.append((name, tuple(values)))
        return tuple(items)

    def chosen(self, name):
        """The values chosen for a filter (a list, empty for any), once the filters are valid."""
        return list(self.choice(name) or [])

    def choice(self, name):
        """The cleaned value of a filter (None when not given), once the filters are valid."""
        return (getattr(self.form, "cleaned_data", None) or {}).get(name)

    def get_form_class(self):
        """The FilterSet's form, which also reports the parameters judged wrong (at their field, if any)."""
        base = super().get_form_class()
        judged = self.parameter_errors
        if not judged:
            return base

        class JudgedForm(base):
            def clean(self):
                data = super().clean()
                for name, messages in judged.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
                return data

        return JudgedForm


class Parameters:
    """The parameters a page takes: a FilterSet's, and/or names the view reads itself (`page`)."""

    def __init__(self, filterset_class=None, also=()):
        self.filterset_class = filterset_class
        self.also = tuple(also)

    @property
    def known(self):
        names = list(self.filterset_class.base_filters) if self.filterset_class else []
        return names + list(self.also)

    def unknown(self, query):
        known = set(self.known)
        return [name for name in query if name not in known]

    def without_unknown(self, query):
        """The query string with only the parameters the page takes, in the order given."""
        known = set(self.known)
        kept = QueryDict(mutable=True)
        for name, values in query.lists():
            if name in known:
                kept.setlist(name, values)
        return kept.urlencode()

    def redirect_without_unknown(self, request):
        """For a GET with parameters the page does not take: a redirect to its URL without them."""
        if request.method not in ("GET", "HEAD") or not self.unknown(request.GET):
            return None
        query = self.without_unknown(request.GET)
        return HttpResponseRedirect(escape_uri_path(request.path) + (f"?{query}" if query else ""))

    def canonical_items(self, query):
        if self.filterset_class is not None:
            return self.filterset_class.canonical_items(query, also=self.also)
        items = ((name, tuple(value for value in query.getlist(name) if value != "")) for name in sorted(self.also))
        return tuple((name, values) for name, values in items if values)


def page_parameters(filterset_class=None, *, also=()):
    """Declare a page's parameters: any other (a tracking tag, a typo) is redirected away, so a shared
    link keeps working and says only what the page reads. Cached pages declare theirs through
    `pages.cache.cached_page`, which does the same."""
    parameters = Parameters(filterset_class, also)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return parameters.redirect_without_unknown(request) or view(request, *args, **kwargs)

        return wrapper

    return decorate
