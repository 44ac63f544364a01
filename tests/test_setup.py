"""The quick start as a new user meets it: `make run` says what it does, the README says what it needs."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_says_what_it_is_doing_before_each_step(tmp_path):
    """A dry run from nothing (a virtualenv that does not exist yet) lists every step's message, then its command."""
    venv = tmp_path / "venv"
    make = shutil.which("make")
    lines = subprocess.run(  # noqa: S603 (make from the PATH, on the project's own Makefile, printing only)
        [make, "--dry-run", "run", f"VENV={venv}", "HOST=127.0.0.9", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    steps = [
        ("== creating the virtualenv in", " -m venv "),
        ("== installing requirements (about 30 s the first time)", "pip install --quiet -r requirements.txt"),
        ("== migrating", "manage.py migrate"),
        ("== loading the curated dataset", "manage.py load_curated --if-empty"),
        ("== serving on http://127.0.0.9:8123", "manage.py runserver 127.0.0.9:8123"),
    ]
    at = -1
    for message, command in steps:
        said = next((i for i, line in enumerate(lines) if line.startswith("echo") and message in line), None)
        done = next((i for i, line in enumerate(lines) if command in line and not line.startswith("echo")), None)
        assert said is not None, f"make run does not say {message!r}:\n" + "\n".join(lines)
        assert done is not None, f"make run does not run {command!r}"
        assert at < said < done, f"{message!r} is not said just before {command!r}:\n" + "\n".join(lines)
        at = done


def quick_start():
    """The README from its top to the section after the quick start, and its Development section."""
    readme = (ROOT / "README.md").read_text()
    top = readme.split("\n## What is in it", 1)[0]
    development = readme.split("\n## Development", 1)[1].split("\n## ", 1)[0]
    return top, development


def test_readme_quick_start_names_its_prerequisites_and_variables():
    top, _ = quick_start()
    for needed in ("Python 3.11", "venv", "make", "python3-venv"):
        assert needed in top, f"the quick start does not name {needed!r}"
    for variable in ("HOST", "PORT", "DATABASE_URL"):
        assert re.search(rf"`{variable}`", top), f"the quick start does not say `make run` takes {variable}"


def test_readme_quick_start_and_development_run_manage_py_from_the_virtualenv():
    for section in quick_start():
        assert ".venv/bin/python manage.py" in section
        bare = re.findall(r"(?<![/\w])python3? manage\.py", section)
        assert not bare, f"a bare `python manage.py` where the virtualenv's is meant: {bare}"
