import math
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from meetings.version import bump_version
from synthetic.generator import (
    BATCH_SIZE,
    DEFAULT_SEED,
    POSITIONS_AT_SCALE_1,
    Plan,
    SyntheticDataset,
)
from synthetic.rows import count_rows, describe_counts, flush_synthetic


def positive_float(value):
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (number > 0 and math.isfinite(number)):
        raise ValueError(f"{value!r} is not a positive number")
    return number


positive_float.__name__ = "positive number"  # how argparse names the type in its error message


class Command(BaseCommand):
    help = (
        "Fill the database with realistic synthetic KP data for benchmarks and demonstrations. "
        f"Scale 1 makes about 200 participants, 60 issues, 150 meetings and {POSITIONS_AT_SCALE_1:,} positions; "
        "positions grow linearly with the scale, the rest sub-linearly. Synthetic rows have slugs starting "
        "'synthetic-'. Refuses a database holding curated data or earlier synthetic data unless told otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=positive_float,
            default=1.0,
            help=f"Size of the dataset: {POSITIONS_AT_SCALE_1:,} × SCALE positions (default 1; 0.01 for tests).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed: the same seed on the same starting data gives the same rows (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--flush-synthetic",
            action="store_true",
            help="Delete earlier synthetic rows first, in the same transaction as the new ones.",
        )
        parser.add_argument(
            "--flush-only",
            action="store_true",
            help="Delete the synthetic rows and stop: curated data is left as it is.",
        )
        parser.add_argument(
            "--force-with-curated",
            action="store_true",
            help="Add synthetic rows to a database that also holds curated data. They mix in every page "
            "and export until flushed.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Positions per bulk_create batch and progress update (default {BATCH_SIZE:,}).",
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.verbosity = options["verbosity"]
        self.started = started = time.monotonic()
        with transaction.atomic():
            # Bulk inserts and raw deletes send no signals: mark cached pages stale by hand (same transaction).
            bump_version()
            if options["flush_only"]:
                self.report_flush(self.flush())
                return
            curated = count_rows(synthetic=False)
            if any(curated.values()) and not options["force_with_curated"]:
                raise CommandError(
                    f"The database holds curated data ({describe_counts(curated)}); synthetic rows would mix "
                    "with it. Use an empty database, or pass --force-with-curated to add them anyway."
                )
            if options["flush_synthetic"]:
                self.report_flush(self.flush())
            else:
                synthetic = count_rows(synthetic=True)
                if any(synthetic.values()):
                    raise CommandError(
                        f"The database already holds synthetic data ({describe_counts(synthetic)}). "
                        "Pass --flush-synthetic to replace it."
                    )
            plan = Plan.for_scale(options["scale"])
            self.progress_line(f"Generating {plan.positions:,} positions at scale {options['scale']:g}", ending="\n")
            dataset = SyntheticDataset(plan, seed=options["seed"], batch_size=options["batch_size"])
            try:
                dataset.create(progress=self.show_progress)
            except ValueError as error:
                raise CommandError(str(error)) from error
        self.progress_line("", ending="\n")
        made = count_rows(synthetic=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {describe_counts(made)}, {len(dataset.items):,} agenda items and {plan.positions:,} "
                f"positions in {time.monotonic() - started:.1f} s (seed {options['seed']})."
            )
        )

    def flush(self):
        try:
            return flush_synthetic()
        except (ProtectedError, RestrictedError) as error:
            raise CommandError(
                f"Curated rows refer to synthetic ones, so the synthetic data cannot be deleted: {error.args[0]}"
            ) from error

    def report_flush(self, deleted):
        if any(deleted.values()):
            self.stdout.write(f"Deleted synthetic data: {describe_counts(deleted)}.")
        else:
            self.stdout.write("There was no synthetic data to delete.")

    def show_progress(self, done, total):
        elapsed = time.monotonic() - self.started
        self.progress_line(f"\rpositions {done:,}/{total:,} ({done / total:.0%}), {elapsed:.1f} s")

    def progress_line(self, text, ending=""):
        if self.verbosity >= 1:
            self.stderr.write(text, ending=ending)
            self.stderr.flush()
