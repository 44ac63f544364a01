from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = "Issues, proposals and positions"

    def ready(self):
        from meetings.version import watch

        from . import legacy

        # Any change to the record makes everything cached from it stale (meetings/version.py).
        watch(self)
        # An old-format fixture (positions on agenda items, no proposals) still loads (positions/legacy.py).
        legacy.connect()
