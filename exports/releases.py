"""Numbered releases of the data package, which a paper can cite and a reader download again unchanged.

A release is a folder RELEASES_DIR/<n>/ written once by `manage.py release` and never changed after:
the data package zip (its datapackage.json carrying the number), a SQLite file of the same tables
(exports.sqlitefile) and release.json (number, date, rows per table, what changed, each file's size
and SHA-256, licence, citation). release.json is written last, so a folder without one is no release.

Releases are numbered 1, 2, 3: a release is a state of the record, not software with an interface to
keep compatible, so a semantic version would have nothing to say; the date is carried beside the
number everywhere, and a plain integer sorts, fits a URL converter and a SQLite user_version.
"""

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .package import LICENCE, about_files, bibtex, citation, table_files, write_files, zip_package
from .sqlitefile import differences, nothing_changed, write_sqlite

RELEASE_JSON = "release.json"
# The files of release <version>, by kind: /export/releases/latest/<kind> leads to the newest one's.
FILE_KINDS = {"data.zip": "kptracker-data-{version}.zip", "data.sqlite3": "kptracker-{version}.sqlite3"}
CONTENT_TYPES = {"data.zip": "application/zip", "data.sqlite3": "application/vnd.sqlite3"}


def releases_dir():
    """Where releases are written: settings.RELEASES_DIR, else $RELEASES_DIR, else BASE_DIR/releases."""
    default = os.environ.get("RELEASES_DIR") or Path(settings.BASE_DIR) / "releases"
    return Path(getattr(settings, "RELEASES_DIR", default))


class NothingChanged(Exception):
    """The record holds the same rows as the latest release."""


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    kind: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Release:
    version: str
    created: datetime
    counts: dict  # {table: rows}, in the package's order
    changes: dict | None  # exports.sqlitefile.differences and "since"; None for the first release
    files: tuple = ()
    directory: Path | None = None
    licence: dict = field(default_factory=lambda: dict(LICENCE))  # as release.json says: a licence may change

    @property
    def number(self):
        return int(self.version)

    @property
    def date(self):
        return self.created.date()

    @property
    def rows(self):
        return sum(self.counts.values())

    @property
    def totals(self):
        """Rows added, removed and changed since the release before, over every table; None for the first."""
        if self.changes is None:
            return None
        tables = self.changes["tables"].values()
        return {key: sum(t[key] for t in tables) for key in ("added", "removed", "changed")}

    def table_rows(self):
        """Each table's name, rows and, but for the first release, rows added, removed and changed."""
        changed = (self.changes or {}).get("tables", {})
        return [{"name": name, "rows": rows, **changed.get(name, {})} for name, rows in self.counts.items()]

    def get_absolute_url(self):
        return reverse("exports:release", kwargs={"version": self.number})

    def file(self, name):
        """The release's file called `name`, or None: only the files release.json lists are served."""
        return next((f for f in self.files if f.name == name), None)

    def file_of_kind(self, kind):
        return next((f for f in self.files if f.kind == kind), None)

    def path(self, release_file):
        return self.directory / Path(release_file.name).name

    def citation(self, url=""):
        return citation(self.created, self.version, url)

    def bibtex(self, url=""):
        return bibtex(self.created, self.version, url)

    def as_json(self, url=""):
        return {
            "version": self.version,
            "date": self.date.isoformat(),
            "created": self.created.isoformat(timespec="seconds"),
            "counts": self.counts,
            "changes": self.changes,
            "files": [asdict(f) for f in self.files],
            "licence": self.licence,
            "citation": self.citation(url),
            "bibtex": self.bibtex(url),
        }

    @classmethod
    def from_json(cls, data, directory):
        return cls(
            version=str(int(data["version"])),
            created=datetime.fromisoformat(data["created"]),
            counts=dict(data["counts"]),
            changes=data["changes"],
            files=tuple(ReleaseFile(**f) for f in data["files"]),
            directory=Path(directory),
            licence=dict(data["licence"]),
        )


def _read(directory):
    try:
        return Release.from_json(json.loads((directory / RELEASE_JSON).read_text(encoding="utf-8")), directory)
    except (OSError, ValueError, KeyError, TypeError):  # no release.json (yet), or not one we wrote
        return None


def _numbered_folders(root):
    if not root.is_dir():
        return []
    return [path for path in root.iterdir() if path.name.isdecimal() and path.name == str(int(path.name))]


def published_releases():
    """Every release, newest first."""
    found = (_read(folder) for folder in _numbered_folders(releases_dir()))
    return sorted((r for r in found if r is not None), key=lambda r: r.number, reverse=True)


def find_release(number):
    """Release `number` (an int: no path can be smuggled in), or None."""
    return _read(releases_dir() / str(int(number)))


def latest_release():
    releases = published_releases()
    return releases[0] if releases else None


def _sha256(path):
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _changes_since(previous, database):
    """What changed from release `previous` to the SQLite file `database`, compared with its SQLite file."""
    listed = previous.file_of_kind("data.sqlite3")
    if listed is None or not previous.path(listed).is_file():
        raise FileNotFoundError(f"release {previous.version}'s SQLite file is missing from {previous.directory}")
    return {"since": previous.version, **differences(database, previous.path(listed))}


def make_release(*, force=False, site_url="", created=None):
    """Write the next release and return it.

    Raises NothingChanged when the record holds the same rows as the latest release (unless `force`),
    FileExistsError rather than write into an existing release's folder. `site_url` (the site's
    address) puts the release page's address in the citation.
    """
    root = releases_dir()
    root.mkdir(parents=True, exist_ok=True)
    published = published_releases()
    previous = published[0] if published else None
    number = max((int(p.name) for p in _numbered_folders(root)), default=0) + 1
    version = str(number)
    created = created or timezone.now()
    names = {kind: pattern.format(version=version) for kind, pattern in FILE_KINDS.items()}
    url = site_url.rstrip("/") + reverse("exports:release", kwargs={"version": number}) if site_url else ""

    with tempfile.TemporaryDirectory(dir=root, prefix=".making-") as work:
        work = Path(work)
        row_counts = {}
        write_files(work, table_files(row_counts))
        write_sqlite(work / names["data.sqlite3"], work, user_version=number)
        changes = _changes_since(previous, work / names["data.sqlite3"]) if previous else None
        if changes is not None and nothing_changed(changes) and not force:
            raise NothingChanged(
                f"Nothing changed since release {previous.version} of {previous.date.isoformat()}: "
                "the record holds the same rows."
            )
        release = Release(version, created, row_counts, changes)
        write_files(work, about_files(created, row_counts, url=url, version=version, releases=(release, *published)))
        zip_package(work, work / names["data.zip"], created)

        folder = root / version
        folder.mkdir()  # FileExistsError: a release is never overwritten
        try:
            files = []
            for kind, name in names.items():
                (work / name).rename(folder / name)
                files.append(ReleaseFile(name, kind, (folder / name).stat().st_size, _sha256(folder / name)))
            release = Release(version, created, row_counts, changes, tuple(files), folder)
            partial = folder / f".{RELEASE_JSON}"
            partial.write_text(json.dumps(release.as_json(url), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            partial.rename(folder / RELEASE_JSON)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    return release
