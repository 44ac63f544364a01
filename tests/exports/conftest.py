import pytest


@pytest.fixture(autouse=True)
def releases_dir(settings, tmp_path):
    """Releases go into each test's own folder, never into the project's releases/."""
    settings.RELEASES_DIR = tmp_path / "releases"
    return settings.RELEASES_DIR
