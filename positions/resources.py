"""CSV import of positions (django-import-export), in the columns of /export/positions.csv.

A row names its meeting and issue by slug, its participant by code, name or alias, its source by
slug or title. The agenda item is found, or added to the meeting, with the row's outcome. Rows are
matched to existing positions by (meeting, issue, participant, stance, source), so importing an
export changes nothing.
"""

from import_export import fields

from meetings.models import Meeting
from meetings.resources import RowResolvingResource, match_participant, match_person, match_source, resolved

from .models import AgendaItem, Attribution, Issue, Outcome, Position
from .quotes import verify


class PositionResource(RowResolvingResource):
    free_text_columns = frozenset({"quote", "note", "source_location", "reported_by", "reported_by_outlet"})

    agenda_item = resolved("agenda_item")
    participant = resolved("participant")
    stance = fields.Field(attribute="stance", column_name="stance")
    attribution = fields.Field(attribute="attribution", column_name="attribution")
    reported_by = resolved("reported_by")
    reported_by_outlet = resolved("reported_by_outlet")
    speaker = resolved("speaker")
    quote = fields.Field(attribute="quote", column_name="quote")
    source = resolved("source")
    source_location = fields.Field(attribute="source_location", column_name="source_location")
    note = fields.Field(attribute="note", column_name="note")

    class Meta:
        model = Position
        fields = [
            "agenda_item",
            "participant",
            "stance",
            "attribution",
            "reported_by",
            "reported_by_outlet",
            "speaker",
            "quote",
            "source",
            "source_location",
            "note",
        ]
        import_id_fields = []
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

        meeting = attempt("meeting_slug", self._meeting, row.get("meeting_slug", ""))
        issue = attempt("issue_slug", self._issue, row.get("issue_slug", ""))
        outcome = row.get("outcome", "")
        if outcome and outcome not in Outcome.values:
            errors["outcome"] = [f"'{outcome}' is not an outcome: {', '.join(Outcome.values)}."]
        participant_key = row.get("participant_code") or row.get("participant", "")
        if not participant_key:
            errors.setdefault("participant", []).append("Name the participant (participant_code or participant).")
        else:
            values["participant"] = attempt("participant", match_participant, participant_key)
        values["source"] = attempt("source", self._source, row)
        values["speaker"] = (
            attempt("speaker", match_person, row.get("speaker_slug", ""), row.get("speaker", ""))
            if row.get("speaker_slug") or row.get("speaker")
            else None
        )
        self._resolve_reporter(row, values, errors, attempt)
        if meeting and issue and not errors:
            values["agenda_item"] = self._agenda_item(meeting, issue, outcome)
        return values, errors

    @staticmethod
    def _meeting(slug):
        meeting = Meeting.objects.filter(slug=slug).first() if slug else None
        if meeting is None:
            raise ValueError(f"No meeting has the slug '{slug}'. Import or add the meeting first.")
        return meeting

    @staticmethod
    def _issue(slug):
        issue = Issue.objects.filter(slug=slug).first() if slug else None
        if issue is None:
            raise ValueError(f"No issue has the slug '{slug}'. Add the issue first.")
        return issue

    @staticmethod
    def _source(row):
        if not (row.get("source_slug") or row.get("source")):
            raise ValueError("Every position cites a source (source_slug or source title).")
        return match_source(row.get("source_slug", ""), row.get("source", ""))

    @staticmethod
    def _resolve_reporter(row, values, errors, attempt):
        """reported_by_code, or reported_by as a participant's name; otherwise the text is an outlet."""
        if row.get("attribution") != Attribution.REPORTED:
            values.update(reported_by=None, reported_by_outlet="")
            return
        code, text = row.get("reported_by_code", ""), row.get("reported_by", "")
        outlet = row.get("reported_by_outlet", "")
        if code:
            values.update(reported_by=attempt("reported_by", match_participant, code), reported_by_outlet="")
        elif outlet:
            values.update(reported_by=None, reported_by_outlet=outlet)
        elif text:
            try:
                values.update(reported_by=match_participant(text), reported_by_outlet="")
            except ValueError:
                values.update(reported_by=None, reported_by_outlet=text)
        else:
            errors.setdefault("reported_by", []).append("A reported position names who reported it.")

    @staticmethod
    def _agenda_item(meeting, issue, outcome):
        item, created = AgendaItem.objects.get_or_create(meeting=meeting, issue=issue, defaults={"outcome": outcome})
        if outcome and not created and item.outcome != outcome:
            item.outcome = outcome
            item.save(update_fields=["outcome", "updated_at"])
        return item

    def get_instance(self, instance_loader, row):
        if not row.get("_agenda_item") or not row.get("_participant") or not row.get("_source"):
            return None
        return Position.objects.filter(
            agenda_item=row["_agenda_item"],
            participant=row["_participant"],
            stance=row.get("stance", ""),
            source=row["_source"],
        ).first()

    def before_save_instance(self, instance, row, **kwargs):
        verify(instance)
