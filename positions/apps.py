from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = "Issues, agenda items and positions"

    def ready(self):
        from meetings.version import watch

        # Any change to the record makes everything cached from it stale (meetings/version.py).
        watch(self)
