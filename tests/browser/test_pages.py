"""The analyst pages in a real browser (Chromium through Playwright) on the curated dataset.

Run them alone with `pytest -m browser`.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from meetings.models import Meeting, Source
from positions.models import Position
from scripts.chromium import draw_charts

from .conftest import PHONE

pytestmark = pytest.mark.browser

RUSSIA_UKRAINE = "Russian diamonds and the war in Ukraine"
SOURCE_SLUG = "2024-11-russia-blocks-ukraine-discussion"
# Russia's cell for that issue in the default matrix (blocks only) links to exactly these filters.
RUSSIA_CELL_QUERY = {"participant": ["RUS"], "issue": ["russia-ukraine"], "stance": ["blocks"]}

PAGES = [
    "/",
    "/meetings/2024-11-plenary-dubai/",
    "/issues/",
    "/issues/russia-ukraine/",
    "/participants/",
    "/participants/rus/",
    "/matrix/",
    "/matrix/?by=meeting",
    "/positions/",
    "/sources/{source}/",
]


def test_every_page_loads_without_console_errors_or_failed_requests(page, problems):
    """One page visits them all (a database reload per page would double the suite's time)."""
    source = Source.objects.get(slug=SOURCE_SLUG).pk
    failures = {}
    for path in PAGES:
        path = path.format(source=source)
        problems.clear()
        response = page.goto(path, wait_until="networkidle")
        if response.status != 200:
            problems.append(f"HTTP {response.status} for the page itself")
        if page.locator("main h1").count() != 1:
            problems.append("no single <h1> in <main>")
        if problems:
            failures[path] = list(problems)
    assert not failures, "\n".join(f"{path}:\n  " + "\n  ".join(found) for path, found in failures.items())


CHART_STATE = """canvas => {
  const chart = canvas.kptrackerChart;
  const table = canvas.closest("figure").querySelector("table");
  const text = cell => cell.textContent.trim();
  return {
    drawn: canvas.dataset.drawn,
    size: [canvas.clientWidth, canvas.clientHeight],
    json: JSON.parse(document.getElementById(canvas.dataset.chart).textContent),
    chart: chart && {
      labels: Array.from(chart.data.labels),
      datasets: chart.data.datasets.map(set => ({label: set.label, data: Array.from(set.data)})),
    },
    head: Array.from(table.tHead.rows[0].cells, text),
    rows: Array.from(table.tBodies[0].rows, row => Array.from(row.cells, text)),
  };
}"""


@pytest.mark.parametrize(
    "path,chart_id,positions",
    [
        # Charts count stances at meetings (an act with no stance, or no meeting, is listed, not
        # charted), each participant once per stance however many statements record it: the timeline
        # participants per stance, an issue participants per stance and stage, a participant meetings.
        ("/", "timeline-chart", ({}, ("meeting", "participant", "stance"))),
        (
            "/issues/russia-ukraine/",
            "issue-chart",
            ({"agenda_item__issue__slug": "russia-ukraine"}, ("meeting", "participant", "stance", "proposal__stage")),
        ),
        ("/participants/rus/", "participant-chart", ({"participant__code": "RUS"}, ("meeting", "stance"))),
    ],
)
def test_chart_is_drawn_with_the_numbers_of_its_data_and_table(page, problems, path, chart_id, positions):
    page.goto(path)
    assert draw_charts(page) == []
    state = page.locator(f"canvas#{chart_id}").evaluate(CHART_STATE)

    assert state["drawn"] == "true", "charts.js did not draw the chart"
    assert min(state["size"]) > 50, "the canvas has no room to draw in"
    json = state["json"]
    assert state["chart"] == {
        "labels": json["labels"],
        "datasets": [{"label": s["label"], "data": s["data"]} for s in json["datasets"]],
    }
    # The table: a label column, one column per stance in the chart's order, then the total.
    assert state["head"][1:] == [s["label"] for s in json["datasets"]] + ["total"]
    assert [row[0] for row in state["rows"]] == json["labels"]
    for i, row in enumerate(state["rows"]):
        values = [int(cell) for cell in row[1:]]
        assert values[:-1] == [s["data"][i] for s in json["datasets"]]
        assert values[-1] == sum(values[:-1])
    # And the numbers are this page's positions, all of them.
    total = sum(sum(s["data"]) for s in json["datasets"])
    where, counted = positions
    stances = Position.objects.filter(meeting__isnull=False, **where).exclude(stance="")
    assert total == len(set(stances.values_list(*counted))) > 0
    assert not problems, "\n".join(problems)


def test_a_chart_far_down_a_phone_screen_costs_nothing_until_it_is_scrolled_to(new_page, problems):
    """charts.js fetches Chart.js and draws a chart only as it nears the screen; one in view draws at load."""
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    fetched = []
    page.on("request", lambda request: "chart.umd" in request.url and fetched.append(request.url))
    page.goto("/participants/rus/", wait_until="networkidle")
    canvas = page.locator("canvas#participant-chart")
    assert canvas.evaluate("c => c.getBoundingClientRect().top") > 2 * PHONE["height"]
    assert canvas.get_attribute("data-drawn") is None and fetched == []
    canvas.scroll_into_view_if_needed()
    page.wait_for_function("c => c.dataset.drawn === 'true'", arg=canvas.element_handle())
    assert len(fetched) == 1
    page.goto("/issues/russia-ukraine/")  # its chart is on the first screen
    page.wait_for_function("document.querySelector('canvas#issue-chart').dataset.drawn === 'true'")
    assert page.evaluate("window.scrollY") == 0
    assert not problems, "\n".join(problems)


def test_matrix_cell_opens_the_positions_it_counts(page, problems):
    page.goto("/matrix/")
    column = page.locator("table.matrix thead th").all_inner_texts().index(RUSSIA_UKRAINE)
    russia = page.locator("table.matrix tbody tr").filter(has=page.locator('th a[href="/participants/rus/"]'))
    link = russia.locator(":scope > *").nth(column).locator("a")
    count = int(link.locator(".n").inner_text())
    # The title names the latest meetings and how many more; readings are counted apart after it.
    title = re.sub(r" \(\d+ of \d+ inferred.*\)$", "", link.get_attribute("title"))
    more = re.search(r" and (\d+) more$", title)
    named_meetings = title[: more.start()].split("; ") if more else title.split("; ")
    unnamed = int(more.group(1)) if more else 0
    assert count == len(named_meetings) + unnamed > 0

    link.click()
    page.wait_for_url("**/positions/?*")
    assert parse_qs(urlsplit(page.url).query) == RUSSIA_CELL_QUERY

    rows = page.locator("article.position")
    listed_meetings = rows.locator('header a[href^="/meetings/"]').all_inner_texts()
    assert len(set(listed_meetings)) == count
    assert set(named_meetings) <= set(listed_meetings)
    for row in rows.all():
        assert row.locator('header a[href="/participants/rus/"]').inner_text() == "Russia"
        assert row.locator(".stance-badge").inner_text() == "blocks"
        assert row.locator('header a[href^="/issues/"]').inner_text() == RUSSIA_UKRAINE
    expected = Position.objects.filter(
        participant__code="RUS", agenda_item__issue__slug="russia-ukraine", stance="blocks"
    ).values_list("pk", flat=True)
    assert {row.get_attribute("id") for row in rows.all()} == {f"position-{pk}" for pk in expected}
    assert not problems, "\n".join(problems)


def assert_only_plenaries_listed(page):
    assert parse_qs(urlsplit(page.url).query)["kind"] == ["plenary"]
    cards = page.locator("li.meeting-card")
    titles = cards.locator("h4").all_inner_texts()
    plenaries = Meeting.objects.filter(kind="plenary").values_list("title", flat=True)
    assert sorted(titles) == sorted(plenaries)
    assert 0 < len(titles) < Meeting.objects.count()
    assert set(cards.locator(".badge.kind").all_inner_texts()) == {"plenary"}
    assert page.get_by_label("Meeting kind").input_value() == "plenary"


def test_timeline_filter_narrows_the_meetings_and_survives_a_reload(page, problems):
    page.goto("/")
    assert page.locator("li.meeting-card").count() == Meeting.objects.count()

    form = page.get_by_role("search", name="Filter meetings")
    form.get_by_label("Meeting kind").select_option("plenary")
    form.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/?*kind=plenary*")
    assert_only_plenaries_listed(page)

    page.reload()
    assert_only_plenaries_listed(page)
    assert not problems, "\n".join(problems)


def test_matrix_is_usable_at_a_phone_width(new_page, problems):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/matrix/")
    # A phone widens its layout viewport (window.innerWidth) to fit content that overflows, so the
    # document is measured against the phone's own width too.
    width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= min(inner_width, PHONE["width"]) + 1, f"the page is {width}px wide on a {PHONE['width']}px phone"

    region = page.get_by_role("region", name="Blocking matrix, scrolls sideways")
    box = region.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the matrix fits, nothing to scroll"

    russia = page.locator("table.matrix tbody tr").filter(has=page.locator('th a[href="/participants/rus/"]'))
    name = russia.locator("th[scope=row]")
    last_cell = russia.locator("td").last
    name.scroll_into_view_if_needed()
    name_before, last_before = name.bounding_box(), last_cell.bounding_box()
    region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    scrolled = region.evaluate("el => el.scrollLeft")
    assert scrolled > 0
    assert last_cell.bounding_box()["x"] == pytest.approx(last_before["x"] - scrolled, abs=1)
    # The name column stays where it was, on top of the cells that scrolled under it.
    name_after = name.bounding_box()
    assert name_after["x"] == pytest.approx(name_before["x"], abs=1)
    assert name_after["x"] >= 0 and name_after["x"] + name_after["width"] <= PHONE["width"]
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th')?.innerText",
        [name_after["x"] + name_after["width"] / 2, name_after["y"] + name_after["height"] / 2],
    )
    assert on_top is not None and "Russia" in on_top

    column = page.locator("table.matrix thead th").all_inner_texts().index(RUSSIA_UKRAINE)
    cell = russia.locator(":scope > *").nth(column).locator("a")
    cell.tap()
    page.wait_for_url("**/positions/?*")
    assert parse_qs(urlsplit(page.url).query) == RUSSIA_CELL_QUERY
    assert page.locator("article.position").count() > 0
    assert not problems, "\n".join(problems)


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(page, problems):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to content"
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert urlsplit(page.url).fragment == "main"
    assert not problems, "\n".join(problems)


def test_a_year_in_a_folded_decade_opens_when_its_link_is_followed(page, problems):
    page.goto("/")
    folded = page.locator("details#decade-2000")
    assert folded.evaluate("el => el.open") is False, "the oldest decade starts folded"
    assert not page.locator("#year-2004").is_visible()

    page.locator('.year-strip a[href="#year-2004"]').click()
    assert folded.evaluate("el => el.open") is True
    heading = page.locator("#year-2004")
    assert heading.is_visible() and heading.evaluate("el => el.getBoundingClientRect().top") < 400
    # Arriving from another page with the year in the address opens it too.
    page.goto("/about/")
    page.locator('table.coverage a[href="/#year-2006"]').click()
    page.wait_for_url("**/#year-2006")
    assert page.locator("details#decade-2000").evaluate("el => el.open") is True
    assert page.locator("#year-2006").is_visible()
    assert not problems, "\n".join(problems)


def test_a_permalink_leads_to_its_quoted_words_marked_in_the_source(page, problems):
    position = Position.objects.filter(evidence="quoted", source_location__startswith="paragraph ").first()
    page.goto(f"/positions/{position.pk}/")
    assert page.get_by_role("heading", name="Cite this").is_visible()
    page.get_by_role("link", name="read the passage, the quoted words marked").click()
    page.wait_for_url(f"**/sources/{position.source_id}/?position={position.pk}#p*")
    mark = page.locator("mark#quoted")
    assert mark.is_visible() and mark.evaluate("el => el.getBoundingClientRect().top") < 900
    number = position.source_location.split()[1]
    assert mark.evaluate("el => el.closest('p').id") == f"p{number}"
    assert not problems, "\n".join(problems)


def test_a_search_from_the_header_lands_on_kasane(page, problems):
    page.goto("/participants/")
    header = page.get_by_role("search", name="Search the record")
    header.get_by_role("searchbox").fill("Kasane")
    header.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=Kasane")
    meetings = page.locator("section.search-group").filter(has=page.locator("h2#meetings"))
    meetings.get_by_role("link", name="KP Intersessional 2022, Kasane").click()
    page.wait_for_url("**/meetings/2022-06-intersessional-kasane/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("KP Intersessional 2022, Kasane")
    assert not problems, "\n".join(problems)


def test_comparing_russia_and_the_united_states(page, problems):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare").click()
    page.get_by_role("link", name="Russia and the United States").click()
    page.wait_for_url("**/compare/?participant=RUS&participant=USA")
    table = page.locator("table.compare")
    assert table.locator("thead th").all_inner_texts()[1:3] == ["Russia", "United States"]
    differ = table.locator("tr.verdict-differ")
    assert differ.count() >= 1
    assert "Kasane" in differ.first.inner_text()
    assert not problems, "\n".join(problems)


def test_the_alignment_heat_map_is_drawn_with_its_table(page, problems):
    page.goto("/alignment/")
    heat = page.locator("table.heat-map")
    assert heat.is_visible()
    names = heat.locator("tbody th").all_inner_texts()
    assert len(names) == heat.locator("thead th").count() >= 10
    shaded = heat.locator("td[class^=share-]")
    assert shaded.count() > 0
    colour = shaded.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), "the cells are not shaded"
    pairs = page.locator("table.pairs").first
    assert pairs.locator("tbody tr").count() > 0
    assert not problems, "\n".join(problems)


MAP_STATE = """svg => {
  const fill = id => {
    const use = svg.querySelector(`use[data-id="${id}"]`);
    return use && getComputedStyle(use).fill;
  };
  const box = svg.getBoundingClientRect();
  return {places: Number(svg.dataset.places), size: [box.width, box.height],
          russia: fill("643"), ukraine: fill("804"), france: fill("250"), brazil: fill("076")};
}"""


# A custom property's colour as the browser computes a fill: rgb(…).
COMPUTED_COLOUR = """name => {
  const probe = document.createElement("i");
  probe.style.color = `var(--${name})`;
  document.body.append(probe);
  const colour = getComputedStyle(probe).color;
  probe.remove();
  return colour;
}"""


def test_the_map_is_drawn_for_the_russia_ukraine_proposal_at_kasane(page, problems):
    page.goto("/meetings/2022-06-intersessional-kasane/")
    proposal = page.locator(".proposal").filter(has_text="Put Russia's diamonds and the war in Ukraine on the agenda")
    proposal.get_by_role("link", name="These stances on a world map").click()
    page.wait_for_url("**/map/?proposal=*")
    svg = page.locator("figure.world-map svg[role=img]")
    # The shapes come from countries.svg, which the browser loads after the page: wait for France's.
    page.wait_for_function("document.querySelector('use[data-id=\"250\"]').getBBox().width > 10", timeout=15000)
    state = svg.evaluate(MAP_STATE)
    assert state["size"][0] > 300 and state["size"][1] > 150
    css = lambda name: page.evaluate(COMPUTED_COLOUR, name)  # noqa: E731
    assert state["ukraine"] == css("supports")
    assert state["france"] == css("supports"), "the EU's stance is drawn on its member states"
    assert state["russia"] not in (css("supports"), css("cat-none"))
    assert state["brazil"] == css("cat-none"), "a participant with no stance here is drawn as nothing on record"
    assert page.locator('use[data-id="804"] title').text_content() == "Ukraine: supports"
    table = page.locator("table.map-table")
    assert table.locator("tbody tr").count() == state["places"] - 26, "the EU's 27 member states are one row"
    assert "on its member states" in table.locator("tr", has_text="European Union").inner_text()
    assert not problems, "\n".join(problems)


def test_the_api_docs_page_draws_from_our_static_files_under_the_csp(page, problems):
    """Swagger UI from django-ninja's own static files: every operation drawn, no CSP violation, no request
    leaving the site (the problems fixture records console errors and failed requests)."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs", wait_until="networkidle")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 14
    assert page.locator(".opblock-summary-path").first.inner_text() == "/api/v1/meetings"
    base = page.url.split("/api/")[0]
    assert all(url.startswith(base) for url in requests), [u for u in requests if not u.startswith(base)]
    assert not problems, "\n".join(problems)


def test_the_api_docs_page_is_in_the_site_layout_and_its_controls_are_named(page, problems):
    """The docs page keeps the site's language, heading and skip link (Swagger UI cancels in-page links, so
    static/js/layout.js moves focus itself), groups the endpoints under named headings, and names each
    parameter's control as Swagger UI draws it (static/js/api-docs.js)."""
    page.goto("/api/v1/docs", wait_until="networkidle")
    page.locator(".opblock").first.wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1:visible").all_inner_texts() == ["The kptracker API"]  # Swagger UI's own is hidden
    assert page.locator("h3.opblock-tag").all_inner_texts()[:2] == [
        "The records",
        "Analysis: the matrix, the alignment and the search",
    ]
    page.locator("a.skip-link").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.locator('[id$="-positionList"] .opblock-summary-control').click()
    stance = page.locator('tr[data-param-name="stance"] select')
    stance.wait_for()
    assert stance.get_attribute("aria-label") == "stance (query)"
    example = page.locator('[id$="-positionList"] .highlight-code > .microlight').first
    assert example.get_attribute("tabindex") == "0"
    assert example.get_attribute("aria-label").startswith("Example for /api/v1/positions")

    # "Try it out" calls the API from the page, under the same CSP.
    endpoint = page.locator('[id$="-positionList"]')
    endpoint.locator("button.try-out__btn").click()
    endpoint.locator('tr[data-param-name="page_size"] input').fill("5")
    endpoint.locator("button.execute").click()
    status = endpoint.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert "page_size=5" in endpoint.locator(".request-url").inner_text()
    assert not problems, "\n".join(problems)
