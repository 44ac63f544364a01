from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from editing.importing import IMPORTS, ImportFileError, report_lines, run_import


class Command(BaseCommand):
    help = (
        "Import meetings, positions, proposals, chairs or membership events from a CSV in the columns of the "
        "matching export (/export/meetings.csv, positions.csv, proposals.csv, chairs.csv, memberships.csv). "
        "All rows or none: any invalid row changes nothing. Every error is reported, with its file line "
        "(the header is line 1). Exit status 1 on any error. The file is read in chunks: any size will do."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; change nothing.")
        parser.add_argument("--kind", choices=list(IMPORTS), help="What the file holds (detected).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        verbose = options["verbosity"] >= 2

        def on_row(result):
            for line in report_lines(result, verbose=verbose):
                self.stdout.write(line)

        try:
            with path.open("rb") as binary_file:
                summary = run_import(binary_file, kind=options["kind"], dry_run=options["dry_run"], on_row=on_row)
        except ImportFileError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        for warning in summary.file_warnings:
            self.stdout.write(f"WARNING: {warning}")
        for error in summary.file_errors:
            self.stdout.write(f"ERROR: {error}")
        self.stdout.write(summary.totals())
        if summary.has_errors:
            raise CommandError(f"{summary.message()} ({path.name})", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"{summary.message()} ({path.name})"))
