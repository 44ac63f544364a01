"""CSV import of meetings (django-import-export), in the columns of /export/meetings.csv.

An export can be edited in a spreadsheet and imported back. Names are matched, never invented:
an unknown participant, person or source is an error naming its row and column. Shared helpers
for the positions import live here too.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from kptracker.csvguard import unguard

from .dates import DatePrecision
from .models import Meeting, Participant, Person, Source

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
CHAIR_WITH_PERSON = re.compile(r"^(?P<chair>.+?)\s*\((?P<person>[^()]+)\)\s*$")
TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n", ""}


def restore_cell(value, *, free_text=False):
    """A cell's value as the export had it: the formula guard undone (kptracker.csvguard.unguard).

    Free text (a quote, a note, a title) is then kept exactly, leading and trailing white space
    included, so an export imports back unchanged. Codes, slugs, dates, numbers and names to look up
    are also stripped of surrounding white space, which a spreadsheet easily adds and which none can hold.
    """
    if value is None:
        return ""
    text = unguard(str(value))
    return text if free_text else text.strip()


def parse_partial_date(text):
    """'2024-11-12', '2024-11' or '2024' → (date, precision); '' → (None, None)."""
    if not text:
        return None, None
    match = PARTIAL_DATE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a date as YYYY-MM-DD, YYYY-MM or YYYY.")
    year, month, day = match.groups()
    try:
        date = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a real date.") from exc
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    return date, precision


def match_participant(text):
    """The one participant whose code, name or alias is `text`, or a ValueError saying why not."""
    found = list(Participant.objects.matching(text)[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(f"No participant has the code, name or alias '{text}'. Add it (or an alias) first.")
    raise ValueError(f"'{text}' matches more than one participant: use the code.")


def match_person(slug, name):
    if slug:
        person = Person.objects.filter(slug=slug).first()
        if person is None:
            raise ValueError(f"No person has the slug '{slug}'.")
        return person
    found = list(Person.objects.filter(name__iexact=name)[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(f"No person is named '{name}'. Add them in the admin first.")
    raise ValueError(f"More than one person is named '{name}': give speaker_slug.")


def match_source(slug, title):
    if slug:
        source = Source.objects.filter(slug=slug).first()
        if source is None:
            raise ValueError(f"No source has the slug '{slug}'.")
        return source
    found = list(Source.objects.filter(title=title)[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(f"No source has the title '{title}'. Add the source first.")
    raise ValueError(f"More than one source has the title '{title}': give source_slug.")


def parse_boolean(text):
    lowered = text.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError(f"'{text}' is not true or false.")


class Resolved(widgets.Widget):
    """The value a row resolver already put in the row: a model instance, a date, a boolean, None."""

    def clean(self, value, row=None, **kwargs):
        return value

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ResolvedMany(widgets.ManyToManyWidget):
    """A list of records a row resolver already found (import-export saves it after the instance)."""

    def __init__(self, model):
        super().__init__(model)

    def clean(self, value, row=None, **kwargs):
        return value or []


def resolved(attribute, many=None):
    widget = ResolvedMany(many) if many else Resolved()
    return fields.Field(attribute=attribute, column_name=f"_{attribute}", widget=widget)


class RowResolvingResource(resources.ModelResource):
    """Cleans every cell (undoing the formula guard), then lets `resolve_row` turn names into records.

    `resolve_row(row)` returns ({attribute: value}, {column: [errors]}); values go to hidden `_attribute`
    columns read by `resolved()` fields, errors make the row invalid with the column named.
    """

    # Columns kept exactly as written (after the guard is undone); every other cell is also stripped.
    free_text_columns = frozenset()

    def before_import_row(self, row, **kwargs):
        for key in list(row.keys()):
            row[key] = restore_cell(row[key], free_text=key in self.free_text_columns)
        values, errors = self.resolve_row(row)
        if errors:
            raise ValidationError(errors)
        for attribute, value in values.items():
            row[f"_{attribute}"] = value

    def resolve_row(self, row):
        return {}, {}

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All rows or none, from the admin and the command alike: one invalid row rolls the file back.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run, raise_errors, True, **kwargs)


class MeetingResource(RowResolvingResource):
    free_text_columns = frozenset({"title", "city", "theme", "summary", "notes"})

    slug = fields.Field(attribute="slug", column_name="slug")
    title = fields.Field(attribute="title", column_name="title")
    kind = fields.Field(attribute="kind", column_name="kind")
    status = fields.Field(attribute="status", column_name="status")
    number = fields.Field(attribute="number", column_name="number", widget=widgets.IntegerWidget())
    start_date = resolved("start_date")
    end_date = resolved("end_date")
    date_precision = resolved("date_precision")
    city = fields.Field(attribute="city", column_name="city")
    host_country = fields.Field(attribute="host_country", column_name="host_country")
    is_virtual = resolved("is_virtual")
    chair = resolved("chair")
    chair_person = resolved("chair_person")
    theme = fields.Field(attribute="theme", column_name="theme")
    participants_count = fields.Field(
        attribute="participants_count", column_name="participants_count", widget=widgets.IntegerWidget()
    )
    countries_count = fields.Field(
        attribute="countries_count", column_name="countries_count", widget=widgets.IntegerWidget()
    )
    sources = resolved("sources", many=Source)
    summary = fields.Field(attribute="summary", column_name="summary")
    notes = fields.Field(attribute="notes", column_name="notes")

    class Meta:
        model = Meeting
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "kind",
            "status",
            "number",
            "start_date",
            "end_date",
            "date_precision",
            "city",
            "host_country",
            "is_virtual",
            "chair",
            "chair_person",
            "theme",
            "participants_count",
            "countries_count",
            "sources",
            "summary",
            "notes",
        ]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def resolve_row(self, row):
        values, errors = {}, {}

        def attempt(column, function, *args):
            try:
                return function(*args)
            except ValueError as exc:
                errors.setdefault(column, []).append(str(exc))
                return None

        if not row.get("slug"):
            errors["slug"] = ["Every meeting needs a slug."]
        if "start_date" in row:
            start = attempt("start_date", parse_partial_date, row["start_date"]) or (None, None)
            if start[0] is None and "start_date" not in errors:
                errors["start_date"] = ["Every meeting needs a start date (YYYY-MM-DD, YYYY-MM or YYYY)."]
            precision = row.get("date_precision") or start[1]
            values.update(start_date=start[0], date_precision=precision)
        if "end_date" in row:
            end = attempt("end_date", parse_partial_date, row["end_date"]) or (None, None)
            values["end_date"] = end[0]
        if "is_virtual" in row:
            values["is_virtual"] = attempt("is_virtual", parse_boolean, row["is_virtual"])
        if "chair" in row or "chair_code" in row:
            chair_text, person_text = row.get("chair", ""), ""
            match = CHAIR_WITH_PERSON.match(chair_text)
            if match:
                chair_text, person_text = match["chair"], match["person"]
            chair_key = row.get("chair_code") or chair_text
            values["chair"] = attempt("chair", match_participant, chair_key) if chair_key else None
            person_slug = row.get("chair_person_slug", "")
            values["chair_person"] = (
                attempt("chair", match_person, person_slug, person_text) if person_slug or person_text else None
            )
        if "sources" in row:
            slugs = [slug.strip() for slug in row["sources"].split(";") if slug.strip()]
            found = {source.slug: source for source in Source.objects.filter(slug__in=slugs)}
            missing = [slug for slug in slugs if slug not in found]
            if missing:
                errors["sources"] = [f"No source has the slug {', '.join(repr(m) for m in missing)}."]
            values["sources"] = [found[slug] for slug in slugs if slug in found]
        if row.get("host_country"):
            row["host_country"] = row["host_country"].upper()
        for column in ("number", "participants_count", "countries_count"):
            if row.get(column) and not row[column].isdigit():
                errors.setdefault(column, []).append(f"'{row[column]}' is not a whole number.")
        return values, errors
