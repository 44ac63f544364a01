"""Numbered releases: `manage.py release` writes them, /export/releases/ lists and serves them."""

import csv
import datetime
import hashlib
import io
import json
import sqlite3
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from exports import releases
from exports.package import PACKAGE_FILENAMES
from exports.tables import PACKAGE_TABLES
from meetings.models import Meeting
from positions.models import Position
from tests.factories import MeetingFactory

from .records import build_record
from .test_package import FIXED_NOW, assert_valid, make_meeting_with_positions

pytestmark = pytest.mark.django_db


def release(*options):
    out = io.StringIO()
    call_command("release", *options, stdout=out)
    return out.getvalue()


def release_json(folder):
    return json.loads((folder / "release.json").read_text(encoding="utf-8"))


def zipped(folder, version):
    return zipfile.ZipFile(folder / f"kptracker-data-{version}.zip")


def csv_rows(archive, filename):
    return list(csv.reader(io.TextIOWrapper(archive.open(filename), encoding="utf-8", newline="")))


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def first(releases_dir, monkeypatch):
    """Release 1 of a small record, made at FIXED_NOW."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: FIXED_NOW)
    build_record()
    release()
    return releases_dir / "1"


# --- the command ----------------------------------------------------------------------------------


def test_the_first_release_holds_the_zip_the_sqlite_file_and_release_json(first):
    assert sorted(p.name for p in first.iterdir()) == ["kptracker-1.sqlite3", "kptracker-data-1.zip", "release.json"]
    meta = release_json(first)
    assert (meta["version"], meta["date"], meta["created"]) == ("1", "2024-11-16", "2024-11-16T09:30:00+00:00")
    assert meta["changes"] is None
    assert meta["licence"] == {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 International",
    }
    assert "release 1" in meta["citation"] and "2024-11-16" in meta["citation"]
    assert meta["bibtex"].startswith("@misc{kptracker-data-1,")
    for file in meta["files"]:
        path = first / file["name"]
        assert (file["size"], file["sha256"]) == (path.stat().st_size, sha256(path))
    assert {f["kind"] for f in meta["files"]} == {"data.zip", "data.sqlite3"}
    archive = zipped(first, 1)
    assert sorted(archive.namelist()) == sorted(PACKAGE_FILENAMES)
    assert meta["counts"] == {t.name: len(csv_rows(archive, t.filename)) - 1 for t in PACKAGE_TABLES}
    assert meta["counts"]["positions"] == Position.objects.count() > 0


def test_the_release_zip_validates_and_carries_licence_version_and_date(first, tmp_path):
    archive = zipped(first, 1)
    archive.extractall(tmp_path / "unzipped")
    assert_valid(tmp_path / "unzipped" / "datapackage.json")
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["version"] == "1"
    assert descriptor["created"] == "2024-11-16T09:30:00+00:00"
    assert descriptor["licenses"] == [release_json(first)["licence"]]
    readme = archive.read("README.md").decode("utf-8")
    assert "Release 1 of the data package, made on 2024-11-16" in readme
    assert "CC BY 4.0" in readme and "remain their publishers'" in readme
    assert release_json(first)["citation"] in readme
    changelog = archive.read("CHANGELOG.md").decode("utf-8")
    assert "## Release 1 (2024-11-16)" in changelog and "The first release." in changelog
    assert f"| `positions.csv` | {Position.objects.count()} |" in changelog


def test_the_site_url_goes_into_the_citation(releases_dir):
    make_meeting_with_positions()
    release("--site-url", "https://kp.example.org/")
    meta = release_json(releases_dir / "1")
    assert meta["citation"].endswith(" https://kp.example.org/export/releases/1/")
    assert "url = {https://kp.example.org/export/releases/1/}" in meta["bibtex"]


def test_a_second_release_with_nothing_changed_is_refused(first, releases_dir):
    with pytest.raises(CommandError, match="Nothing changed since release 1 of 2024-11-16.*--force"):
        release()
    assert sorted(p.name for p in releases_dir.iterdir()) == ["1"]  # nor any work folder left behind
    assert "Release 2" in release("--force")
    assert release_json(releases_dir / "2")["changes"]["tables"]["positions"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
    }


def test_a_change_makes_release_2_whose_changelog_says_what_changed(first, releases_dir):
    positions_before = Position.objects.count()
    MeetingFactory(slug="2025-06-new")
    Position.objects.order_by("pk").first().delete()
    changed = Position.objects.order_by("pk").last()
    changed.note = "Corrected."
    changed.save()
    release()
    meta = release_json(releases_dir / "2")
    assert meta["changes"]["since"] == "1"
    assert meta["changes"]["tables"]["meetings"] == {"added": 1, "removed": 0, "changed": 0}
    assert meta["changes"]["tables"]["positions"] == {"added": 0, "removed": 1, "changed": 1}
    assert meta["changes"]["tables"]["sources"] == {"added": 0, "removed": 0, "changed": 0}
    assert meta["counts"]["positions"] == positions_before - 1
    changelog = zipped(releases_dir / "2", 2).read("CHANGELOG.md").decode("utf-8")
    assert changelog.index("## Release 2 (") < changelog.index("## Release 1 (2024-11-16)")
    assert "Compared with release 1: 1 row added, 1 removed, 1 changed." in changelog
    assert f"| `positions.csv` | {positions_before - 1} | 0 | 1 | 1 |" in changelog
    assert f"| `positions.csv` | {positions_before} |" in changelog  # release 1's count, kept
    # Release 1 is untouched.
    assert release_json(first)["counts"]["positions"] == positions_before
    assert zipped(first, 1).read("CHANGELOG.md").decode("utf-8").count("## Release") == 1


def test_a_folder_in_the_way_is_never_written_into(first, releases_dir):
    stray = releases_dir / "2"
    stray.mkdir()
    (stray / "notes.txt").write_text("half-copied")
    MeetingFactory()
    assert "Release 3" in release()
    assert [p.name for p in stray.iterdir()] == ["notes.txt"]
    assert release_json(releases_dir / "3")["changes"]["since"] == "1"


def test_an_existing_release_is_never_overwritten(first, monkeypatch):
    before = {p.name: sha256(p) for p in first.iterdir()}
    monkeypatch.setattr(releases, "_numbered_folders", lambda root: [])  # as if it counted wrong: "1" again
    monkeypatch.setattr(releases, "published_releases", lambda: [])
    with pytest.raises(CommandError, match="never overwritten"):
        release()
    assert {p.name: sha256(p) for p in first.iterdir()} == before


def test_the_sqlite_file_holds_the_rows_of_the_csvs(first):
    archive = zipped(first, 1)
    db = sqlite3.connect(first / "kptracker-1.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone() == (1,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in PACKAGE_TABLES:
        header, *rows = csv_rows(archive, table.filename)
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table.name}")')]
        assert columns == header, table.name
        assert db.execute(f'SELECT COUNT(*) FROM "{table.name}"').fetchone() == (len(rows),), table.name  # noqa: S608
    keys = [row[1] for row in sorted(db.execute('PRAGMA table_info("proposals")'), key=lambda r: r[5]) if row[5]]
    assert keys == ["meeting_slug", "issue_slug", "proposal", "account"]
    # Typed, NULL where the CSV cell is empty, and the original text where the CSV guards it.
    wording = db.execute("SELECT stage, account FROM proposals WHERE proposal = '-Thank the monitors'").fetchall()
    assert wording == [("communique", None)]
    assert db.execute("SELECT COUNT(*) FROM meetings WHERE is_virtual = 0").fetchone() == (Meeting.objects.count(),)
    assert db.execute("SELECT id FROM positions ORDER BY id").fetchall() == [
        (pk,) for pk in Position.objects.order_by("pk").values_list("pk", flat=True)
    ]


def test_a_missing_previous_file_is_a_clear_error(first):
    (first / "kptracker-1.sqlite3").unlink()
    MeetingFactory()
    with pytest.raises(CommandError, match="release 1's SQLite file is missing"):
        release()


# --- the pages -------------------------------------------------------------------------------------


@pytest.fixture
def two(first, releases_dir, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: FIXED_NOW + datetime.timedelta(days=30))
    MeetingFactory()
    release()
    return releases_dir


def test_with_no_release_the_list_says_how_to_make_one(client):
    response = client.get(reverse("exports:releases"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No release has been made yet" in html and "python manage.py release" in html
    assert client.get(reverse("exports:latest-release")).status_code == 404
    assert client.get(reverse("exports:latest-release-file", kwargs={"kind": "data.zip"})).status_code == 404


def test_the_list_shows_every_release_newest_first_with_files_and_citation(client, two):
    url = reverse("exports:releases")
    assert url == "/export/releases/"
    html = client.get(url).content.decode()
    assert html.index("Release 2</a>") < html.index("Release 1</a>")
    for version in ("1", "2"):
        meta = release_json(two / version)
        for file in meta["files"]:
            assert file["sha256"] in html and f"{file['size']} bytes" in html
            assert reverse("exports:release-file", kwargs={"version": version, "filename": file["name"]}) in html
        assert f"@misc{{kptracker-data-{version}," in html
        assert f"release {version} [Data set]. Made on {meta['date']}" in html
        assert f"http://testserver/export/releases/{version}/" in html
    assert "Since release 1: 1 row added, 0 removed, 0 changed." in html
    assert "16 December 2024" in html and "16 November 2024" in html


def test_a_release_page(client, two):
    response = client.get("/export/releases/1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Release 1 of the data" in html and "The first release." in html
    assert "kptracker-data-1.zip" in html and "kptracker-data-2.zip" not in html
    assert client.get("/export/releases/3/").status_code == 404


def test_a_file_is_streamed_from_disk(client, two):
    response = client.get("/export/releases/2/kptracker-2.sqlite3")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/vnd.sqlite3"
    assert response["Content-Disposition"] == 'attachment; filename="kptracker-2.sqlite3"'
    assert b"".join(response.streaming_content) == (two / "2" / "kptracker-2.sqlite3").read_bytes()
    response = client.get("/export/releases/1/kptracker-data-1.zip")
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content) == (two / "1" / "kptracker-data-1.zip").read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/export/releases/1/release.json",  # on disk, but not a file release.json lists
        "/export/releases/1/kptracker-data-2.zip",  # another release's file
        "/export/releases/2/unknown.zip",
        "/export/releases/1/..",
        "/export/releases/1/%2e%2e",
        "/export/releases/1/../2/kptracker-data-2.zip",
        "/export/releases/1/..%2F2%2Fkptracker-data-2.zip",
        "/export/releases/1/..%2F..%2F..%2Fsettings.py",
        "/export/releases/1//etc/passwd",
        "/export/releases/1/%2Fetc%2Fpasswd",
        "/export/releases/..%2F1/kptracker-data-1.zip",
        "/export/releases/-1/kptracker-data-1.zip",
        "/export/releases/latest/..%2F1%2Fkptracker-data-1.zip",
        "/export/releases/latest/release.json",
    ],
)
def test_only_listed_files_are_served(client, two, path):
    assert client.get(path).status_code == 404


def test_latest_points_at_the_newest(client, two):
    response = client.get("/export/releases/latest/")
    assert (response.status_code, response["Location"]) == (302, "/export/releases/2/")
    response = client.get("/export/releases/latest/data.zip")
    assert (response.status_code, response["Location"]) == (302, "/export/releases/2/kptracker-data-2.zip")
    response = client.get("/export/releases/latest/data.sqlite3")
    assert (response.status_code, response["Location"]) == (302, "/export/releases/2/kptracker-2.sqlite3")
    assert client.get(response["Location"]).status_code == 200


def test_the_release_pages_refuse_post(client, two):
    for path in ("/export/releases/", "/export/releases/1/", "/export/releases/1/kptracker-data-1.zip"):
        assert client.post(path).status_code == 405


def test_about_the_data_links_to_the_releases(client):
    assert 'href="/export/releases/"' in client.get(reverse("pages:about-data")).content.decode()


# --- the package made on the fly -------------------------------------------------------------------


def test_the_live_download_has_the_licence_no_version_and_lists_the_releases(client, first):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(reverse("exports:data-package")).streaming_content)))
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "version" not in descriptor
    changelog = archive.read("CHANGELOG.md").decode("utf-8")
    assert "it is not a numbered release" in changelog and "## Release 1 (2024-11-16)" in changelog
    readme = archive.read("README.md").decode("utf-8")
    assert "The newest is release 1, made on 2024-11-16." in readme


@pytest.mark.parametrize(
    "path",
    [
        "/export/releases/",
        "/export/releases/1/",
        "/export/releases/1/kptracker-data-1.zip",
        "/export/releases/latest/",
        "/export/releases/latest/data.zip",
    ],
)
def test_the_release_pages_take_no_parameter(client, first, path):
    assert client.get(path).status_code in (200, 302)
    response = client.get(path, {"utm_source": "mail"})
    assert response.status_code == 400
    assert "parameter 'utm_source'" in response.content.decode()
