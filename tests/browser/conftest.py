"""Playwright on Debian's Chromium against pytest-django's live server, with the curated dataset.

One browser per session; every test gets a fresh context (no shared cookies or cache) and a page
whose console errors, uncaught exceptions, CSP violations and failed requests are collected in
`problems`, so a test can assert that the page loaded cleanly.
"""

import pytest

from scripts.chromium import chromium

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Report every CSP violation, enforced or report-only, even one Chromium would not log as an error.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.warn(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture(scope="session")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def site(live_server, transactional_db, kp_data):
    """The live server's base URL, serving the curated dataset (committed, so its thread sees it)."""
    return live_server.url


@pytest.fixture
def problems():
    """What went wrong while pages loaded: each entry says what and where."""
    return []


def watch(page, problems):
    def on_console(message):
        text = message.text
        if message.type == "error" or "Content Security Policy" in text or "Refused to" in text:
            problems.append(f"console {message.type}: {text} ({message.location.get('url', '')})")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def on_request_failed(request):
        # A navigation (a click, a reload) cancels what the old page still had in flight: not a fault.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"request failed ({request.failure}): {request.method} {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)


@pytest.fixture
def new_page(browser, site, problems):
    """Open a watched page in a fresh context: `new_page(viewport=PHONE, is_mobile=True, has_touch=True)`."""
    contexts = []

    def open_page(**options):
        # No animation: a chart is complete as soon as charts.js has drawn it.
        context = browser.new_context(base_url=site, reduced_motion="reduce", **{"viewport": LAPTOP, **options})
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch(page, problems)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
