"""The house by audience: the record at the bottom imports nothing above it, and no app imports a sibling's
internals in a cycle. Read from the source, so a new import that breaks the layering fails here."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each app and the apps it may import (besides Django, libraries and kptracker's plumbing).
MAY_IMPORT = {
    "meetings": set(),
    "governance": {"meetings"},
    "positions": {"meetings", "governance"},
    "pages": {"meetings", "governance", "positions"},
    "exports": {"meetings", "governance", "positions", "pages"},
    "feeds": {"meetings", "governance", "positions", "pages"},
    "api": {"meetings", "governance", "positions", "pages", "exports"},
    "editing": {"meetings", "governance", "positions", "exports"},
    "reports": set(),
    "synthetic": {"meetings", "positions"},
    "kptracker": set(),
}


def imported_apps(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in MAY_IMPORT:
                yield top, node.lineno


def sources_of(app):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_each_app_imports_only_what_lies_below_it(app):
    allowed = MAY_IMPORT[app] | {app, "kptracker"}
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for path in sources_of(app)
        for top, line in imported_apps(path)
        if top not in allowed
    ]
    assert not wrong, "\n".join(wrong)


def test_the_plumbing_imports_no_app():
    """kptracker/ is beneath everything: settings, urls and middleware name apps only as strings."""
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for path in sources_of("kptracker")
        for top, line in imported_apps(path)
        if top != "kptracker"
    ]
    assert not wrong, "\n".join(wrong)


def test_every_app_on_disk_is_placed_in_the_layering():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(MAY_IMPORT), apps - set(MAY_IMPORT)
    assert apps >= set(MAY_IMPORT) - {"kptracker"}
