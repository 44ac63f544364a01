import pytest


@pytest.fixture(autouse=True)
def import_previews_in_tmp_path(tmp_path, monkeypatch):
    """Files previewed in the admin's import wait in the test's own directory, removed with it."""
    monkeypatch.setattr("editing.admin_import.PREVIEW_DIR", str(tmp_path))
