from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings, participants and sources"

    def ready(self):
        from kptracker.lookups import register as register_lookups
        from positions.models import AgendaItem, Issue, Position

        from .caching import connect_signals
        from .models import Meeting, Participant, ParticipantAlias, Person, Source

        # Any change to the record makes every cached page stale (see meetings/caching.py).
        connect_signals([Meeting, Participant, ParticipantAlias, Person, Source, Issue, AgendaItem, Position])
        # An id beyond the column's range in an `in` list matches nothing instead of failing (kptracker/lookups.py).
        register_lookups()
