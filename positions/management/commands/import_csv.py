from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from positions.importing import ImportFileError, detect_kind, has_errors, read_csv, report_lines, run_import


class Command(BaseCommand):
    help = (
        "Import meetings or positions from a CSV in the columns of /export/meetings.csv or /export/positions.csv. "
        "All rows or none: any invalid row changes nothing. Exit status 1 on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; change nothing.")
        parser.add_argument("--kind", choices=["meetings", "positions"], help="What the file holds (detected).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            dataset = read_csv(path.read_bytes())
            kind = options["kind"] or detect_kind(dataset.headers or [])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        result = run_import(dataset, kind, dry_run=options["dry_run"])
        for line in report_lines(result):
            self.stdout.write(line)
        if has_errors(result):
            raise CommandError(f"Nothing was imported: the file has errors ({kind}, {path.name}).", returncode=1)
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(dataset)} {kind} row(s) from {path.name}."))
