from django.core.management.base import BaseCommand, CommandError

from exports.releases import NothingChanged, make_release, releases_dir


class Command(BaseCommand):
    help = (
        "Write the next numbered release of the data package into RELEASES_DIR/<n>/: the package zip, a SQLite "
        "file of the same tables and release.json. Refuses when nothing changed since the last release."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Make a release even if nothing changed since the last one."
        )
        parser.add_argument(
            "--site-url",
            default="",
            metavar="URL",
            help="The site's address (e.g. https://kptracker.example.org), for the release page's address in "
            "the citation.",
        )

    def handle(self, *args, force, site_url, **options):
        try:
            release = make_release(force=force, site_url=site_url)
        except NothingChanged as error:
            raise CommandError(f"{error} No release made; pass --force to make one anyway.") from error
        except FileExistsError as error:
            raise CommandError(f"A release's folder already exists and is never overwritten: {error}") from error
        except (FileNotFoundError, OSError) as error:
            raise CommandError(f"Cannot write a release into {releases_dir()}: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(f"Release {release.version} ({release.rows} rows) written to {release.directory}:")
        )
        for file in release.files:
            self.stdout.write(f"  {file.name}  {file.size} bytes  sha256 {file.sha256}")
