from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exports.package import PACKAGE_FILENAMES, write_package


class Command(BaseCommand):
    help = (
        "Write the whole dataset into DIR as a Frictionless Data Package: a CSV per table, "
        "datapackage.json and README.md. DIR is created if needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write into DIR even if it is not empty, replacing the package's files (other files are kept).",
        )

    def handle(self, *args, directory, force, **options):
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} exists and is not a directory.")
        if directory.is_dir() and any(directory.iterdir()) and not force:
            raise CommandError(
                f"{directory} is not empty. Choose an empty or new directory, or pass --force to "
                f"overwrite the package files in it ({', '.join(PACKAGE_FILENAMES)})."
            )
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create {directory}: {error}") from error
        written = write_package(directory)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files to {directory}."))
