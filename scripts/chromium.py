"""The one way every browser check launches Debian's Chromium (Playwright cannot download its own here).

Used by tests/browser/conftest.py, scripts/quality/ (Playwright and Lighthouse) and scripts/screenshots.py.
"""

import contextlib

EXECUTABLE = "/usr/bin/chromium"
# Headless in a container: no sandbox, no GPU, and nothing that reaches outside loopback on its own.
ARGS = (
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


def launch(playwright):
    """A Chromium browser from a started Playwright (sync API)."""
    return playwright.chromium.launch(executable_path=EXECUTABLE, args=list(ARGS))


@contextlib.contextmanager
def chromium():
    """Playwright and a launched Chromium for the length of a `with`; both closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
