"""Dates known only to a day, a month or a year.

A source may say "last November" or only a year. Such a date is stored as the first day of
its period together with a precision, and shown or exported at that precision
(2024-11-12, 2024-11 or 2024), never with invented digits.

The rule in all its forms is here: the text is the ISO 8601 date cut to its precision's length
(`format_partial_date`, and in SQL `partial_date_sql`), the pattern such a text matches (the data
package's Table Schema), `parse_partial_date` (the imports), and the database constraint
(`period_start_condition`).
"""

import datetime
import re

from django.db import connection, models
from django.db.models.functions import Substr


class DatePrecision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


# How much of YYYY-MM-DD each precision keeps.
ISO_LENGTH = {DatePrecision.YEAR: 4, DatePrecision.MONTH: 7, DatePrecision.DAY: 10}
# A partial date's text: 2024-11-12, 2024-11 or 2024.
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_PARTIAL_DATE = re.compile(PARTIAL_DATE_PATTERN)
_PRECISION_OF_PARTS = {1: DatePrecision.YEAR, 2: DatePrecision.MONTH, 3: DatePrecision.DAY}


def format_partial_date(value, precision):
    """ISO 8601 at the known precision; empty for an unknown date."""
    if value is None:
        return ""
    return value.isoformat()[: ISO_LENGTH.get(precision, 10)]


def parse_partial_date(text):
    """'2024-11-12', '2024-11' or '2024' → (date, precision); '' → (None, None)."""
    if not text:
        return None, None
    if not _PARTIAL_DATE.match(text):
        raise ValueError(f"'{text}' is not a date as YYYY-MM-DD, YYYY-MM or YYYY.")
    parts = [int(part) for part in text.split("-")]
    try:
        date = datetime.date(*parts, *[1] * (3 - len(parts)))
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a real date.") from exc
    return date, _PRECISION_OF_PARTS[len(parts)]


def partial_date_sql(date_field, precision_field):
    """`format_partial_date` as an ORM expression: the date's ISO text, cut to its precision's length."""
    length = models.Case(
        *(
            models.When(**{precision_field: precision}, then=models.Value(n))
            for precision, n in ISO_LENGTH.items()
            if precision != DatePrecision.DAY
        ),
        default=models.Value(ISO_LENGTH[DatePrecision.DAY]),
    )
    iso = models.F(date_field)  # SQLite stores dates as ISO 8601 text
    if connection.vendor == "postgresql":
        iso = models.Func(iso, models.Value("YYYY-MM-DD"), function="to_char", output_field=models.CharField())
    return Substr(iso, 1, length, output_field=models.CharField())


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
