from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings, participants and sources"

    def ready(self):
        from kptracker.lookups import register as register_lookups

        from .version import watch

        # Any change to the record makes everything cached from it stale (meetings/version.py).
        watch(self)
        # An id beyond the column's range in an `in` list matches nothing instead of failing (kptracker/lookups.py).
        register_lookups()
