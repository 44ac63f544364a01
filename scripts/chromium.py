"""The one way every browser check launches Debian's Chromium (Playwright cannot download its own here).

Used by tests/browser/conftest.py, scripts/quality/ (Playwright and Lighthouse) and scripts/screenshots.py;
`draw_charts` by each of them before it looks at a page with charts.
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


def draw_charts(page, timeout_ms=10_000):
    """Bring every chart of the page into view and wait until charts.js has drawn it (it draws a chart as it
    nears the screen), then scroll back to the top. Returns the ids of the charts not drawn in time."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    undrawn = []
    for canvas in page.locator("canvas[data-chart]").all():
        canvas.scroll_into_view_if_needed()
        try:
            page.wait_for_function("c => c.dataset.drawn === 'true'", arg=canvas.element_handle(), timeout=timeout_ms)
        except PlaywrightTimeout:
            undrawn.append(canvas.get_attribute("id"))
    page.evaluate("window.scrollTo(0, 0)")
    return undrawn
