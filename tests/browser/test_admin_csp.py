"""The admin in Chromium under the Content-Security-Policy: logging in, the prepopulated slug, the calendar
and the autocomplete all work, with no CSP violation or console error. Run with `pytest -m browser`."""

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "a long passphrase for tests"


@pytest.fixture
def editor_in_chief(django_user_model, site):
    return django_user_model.objects.create_superuser("chief", "chief@example.org", PASSWORD)


def test_the_admin_works_under_the_content_security_policy(page, problems, editor_in_chief):
    response = page.goto("/admin/login/?next=/admin/meetings/meeting/add/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/meetings/meeting/add/")

    # prepopulate.js fills the slug from the title: the admin's own scripts run.
    page.locator("#id_title").press_sequentially("KP Plenary 2031 Gaborone")
    assert page.input_value("#id_slug") == "kp-plenary-2031-gaborone"
    # calendar.js: the "Today" shortcut fills the date.
    page.click("#id_start_date + .datetimeshortcuts a")
    assert page.input_value("#id_start_date")
    # select2 autocomplete for the chair: opens and lists participants from the autocomplete view.
    page.click("#id_chair + .select2")
    page.wait_for_selector(".select2-results__option:not(.loading-results)")
    assert page.locator(".select2-results__option").count() > 1

    assert problems == []
