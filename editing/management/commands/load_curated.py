from django.core.management import call_command
from django.core.management.base import BaseCommand

from meetings.models import Meeting


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
        call_command("loaddata", "kp", verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Loaded the curated KP dataset."))
