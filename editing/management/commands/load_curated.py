from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from meetings.models import Meeting


@contextmanager
def without_history():
    """Writes that are not changes to the record: loading the curated dataset (its provenance is
    fixtures/SOURCES.md) would otherwise leave a history row per record and per many-to-many set,
    and /changes/ would list every chair and meeting as 'changed' on the day it was loaded."""
    enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = enabled


class Command(BaseCommand):
    help = "Load the curated KP dataset (fixtures/kp.json). With --if-empty, only into a database with no meetings."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already holds meetings."
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Meeting.objects.exists():
            self.stdout.write("The database already holds meetings; the curated dataset was not loaded.")
            return
        with without_history():
            call_command("loaddata", "kp", verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Loaded the curated KP dataset."))
