"""URLs of one pattern for many values, reversed once: a page that links every row to its record (the
matrix's 200 participants and 60 issues) would otherwise spend more time in `reverse` than in its SQL."""

from urllib.parse import quote

from django.urls import reverse

# reverse() quotes a value with these characters left as they are (django.urls.resolvers).
SAFE = "!$&'()*+,;=/~:@"
MARKER = "kptracker0value0marker"


def reverser(viewname, kwarg):
    """A function of one value giving what `reverse(viewname, kwargs={kwarg: value})` gives, for a pattern
    whose converter passes any string through (str or slug: values are the records' own, already valid)."""
    prefix, suffix = reverse(viewname, kwargs={kwarg: MARKER}).split(MARKER)
    return lambda value: prefix + quote(str(value), safe=SAFE) + suffix
