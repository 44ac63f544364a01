from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Chairs, working bodies and membership"

    def ready(self):
        from meetings.version import watch

        # Any change to the record makes everything cached from it stale (meetings/version.py).
        watch(self)
