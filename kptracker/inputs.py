"""Inputs no view can use are refused before any view sees them.

A NUL character cannot be stored or compared in PostgreSQL: psycopg2 refuses any string that holds
one with a ValueError ("A string literal cannot contain NUL (0x00) characters"), so a NUL in a path
(/participants/%00/), a filter (?kind__exact=%00), a search or an autocomplete term was a 500 there,
while SQLite simply found nothing. No page, export or form of kptracker has a use for one, so a
request carrying a NUL in its path, its query string (names or values) or its form fields is
answered 400 here, on either database, before it reaches a view. Uploaded files are left alone:
their bytes are the view's to judge.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest

NUL = "\x00"
NUL_MESSAGE = "bad request: NUL in the path or a parameter"


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def carries_nul(request):
    if NUL in request.path:
        return True
    fields = [request.GET]
    if request.method == "POST":
        fields.append(request.POST)  # CsrfViewMiddleware reads it for every POST anyway
    return any(NUL in name or any(NUL in value for value in values) for data in fields for name, values in data.lists())


def holds(field, value):
    """Whether a model field can hold a value from a request: "abc" or 2**70 in an id cannot."""
    try:
        field.run_validators(field.to_python(value))  # the validators refuse integers beyond the column's range
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return True
