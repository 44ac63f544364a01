"""manage.py import_csv rows/s (issue 11), through bench/probes.py import: rolled back, the data left as it was."""

from bench.outcome import ImportSpeed


def import_speed(setup, rows):
    imported = setup.probe("import", import_rows=rows)
    return ImportSpeed(
        import_rows=imported["import_rows"],
        import_rows_per_s=imported["import_rows_per_s"],
        import_dry_run_rows_per_s=imported["import_dry_run_rows_per_s"],
    )
