"""Dates known only to a day, a month or a year.

A source may say "last November" or only a year. Such a date is stored as the first day of
its period together with a precision, and shown or exported at that precision
(2024-11-12, 2024-11 or 2024), never with invented digits.
"""

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


def format_partial_date(value, precision):
    """ISO 8601 at the known precision; empty for an unknown date."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%Y-%m}"
    return value.isoformat()


def human_partial_date(value, precision):
    """A reader's form of the date at its precision: 12 Nov 2024, Nov 2024, 2024."""
    if value is None:
        return "date unknown"
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%b %Y}"
    return f"{value.day} {value:%b %Y}"


def period_start_condition(field, precision_field):
    """A CheckConstraint condition: a month-precision date is the 1st, a year one is 1 January."""
    return (
        models.Q(**{precision_field: DatePrecision.DAY})
        | models.Q(**{precision_field: DatePrecision.MONTH, f"{field}__day": 1})
        | models.Q(**{precision_field: DatePrecision.YEAR, f"{field}__day": 1, f"{field}__month": 1})
    )
