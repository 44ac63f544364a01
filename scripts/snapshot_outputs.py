"""Fingerprint every public answer on the curated data: pages, CSVs and the data package.

A refactoring must not change what readers and researchers receive. Run this before and after and
compare the two files; any URL whose fingerprint differs is a change in behaviour:

    .venv/bin/python scripts/snapshot_outputs.py > before.json
    ... change the code ...
    .venv/bin/python scripts/snapshot_outputs.py > after.json
    diff before.json after.json

It loads the curated data into a throwaway SQLite file (or, with `--database-url`, into an empty
PostgreSQL database you name, to check the COPY path too), crawls every internal link from `/` as
tests/pages/test_crawl.py does, and prints {url: sha256 of the body} as JSON. The per-response CSP nonce
and CSRF token are blanked first; the data package is fingerprinted member by member, its own
timestamps blanked, since a zip's bytes carry the time it was written.
"""

import argparse
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOLATILE = (
    # The data package says when it was made.
    (re.compile(rb'"created": "[^"]*"'), b'"created": ""'),
    (re.compile(rb"Data package made on \S+ \(at [^)]*\)"), b"Data package made on"),
    (re.compile(rb'nonce="[^"]*"'), b'nonce=""'),
    (re.compile(rb"'nonce-[^']*'"), b"'nonce-'"),
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken" value=""'),
)


def fingerprint(body, content_type):
    if "zip" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return {name: fingerprint(archive.read(name), "") for name in sorted(archive.namelist())}
    for pattern, blank in VOLATILE:
        body = pattern.sub(blank, body)
    return hashlib.sha256(body).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database to fill (default: a throwaway SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch}/snapshot.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kptracker.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        call_command("migrate", verbosity=0)
        call_command("loaddata", "kp", verbosity=0)
        from tests.pages.test_crawl import links_of

        client = Client()
        # The data package is linked from the README, not from a page: it is added by hand.
        start = ["/", "/export/kptracker-data.zip"]
        seen, queue, result = set(start), list(start), {}
        while queue:
            url = queue.pop(0)
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            content_type = response.get("Content-Type", "")
            result[url] = {"status": response.status_code, "body": fingerprint(body, content_type)}
            if response.status_code in (301, 302) and response["Location"] not in seen:
                seen.add(response["Location"])
                queue.append(response["Location"])
            if "html" in content_type and not url.startswith("/admin/"):
                for link in links_of(body.decode("utf-8"), url):
                    if link not in seen:
                        seen.add(link)
                        queue.append(link)
        json.dump(dict(sorted(result.items())), sys.stdout, indent=1)
        sys.stdout.write("\n")


if __name__ == "__main__":
    main()
