"""At a phone's width (390 px): no table is cut off without a sign that it scrolls, and filters fold away.

Run them alone with `pytest -m browser`.
"""

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.browser

PHONE_OPTIONS = {"viewport": PHONE, "is_mobile": True, "has_touch": True}

# Every table cell that ends beyond what shows of it (the window, or the box that clips it), and for
# each clipping box whether it says so: focusable, a region with a name, and described by a cue
# that is on screen.
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const visible = el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && box.left >= 0 && box.right <= width + 1
      && style.visibility !== "hidden" && style.opacity !== "0";
  };
  const boxes = new Map();
  const loose = [];
  for (const cell of document.querySelectorAll("main th, main td")) {
    const box = cell.getBoundingClientRect();
    if (!box.width) continue;  // not rendered: in a closed <details>
    let clip = cell.parentElement;
    while (clip && getComputedStyle(clip).overflowX === "visible") clip = clip.parentElement;
    if (clip && clip.getBoundingClientRect().width <= 1) continue;  // visually hidden on purpose
    const edge = clip && clip !== document.documentElement && clip !== document.body
      ? Math.min(clip.getBoundingClientRect().right, width) : width;
    if (box.right <= edge + 1) continue;
    const text = cell.innerText.trim().split("\\n")[0].slice(0, 40);
    if (edge === width && !(clip && clip.contains(cell) && clip.getBoundingClientRect().right < width + 1)) {
      loose.push(text);
      continue;
    }
    if (!boxes.has(clip)) boxes.set(clip, []);
    boxes.get(clip).push(text);
  }
  const regions = Array.from(boxes, ([clip, cells]) => {
    const cues = (clip.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
      .map(id => document.getElementById(id)).filter(Boolean);
    return {
      cells: cells.slice(0, 3),
      focusable: clip.tabIndex === 0,
      region: clip.getAttribute("role") === "region",
      named: Boolean(clip.getAttribute("aria-label") || clip.getAttribute("aria-labelledby")),
      cue: cues.filter(visible).map(el => el.innerText.trim()),
    };
  });
  return {loose, regions};
}"""

TABLE_PAGES = [
    "/participants/",
    "/issues/",
    "/matrix/",
    "/matrix/?by=meeting",
    "/matrix/?stances=blocks_opposes",
    # Pages whose charts have their numbers as a table, opened.
    "/",
    "/issues/russia-ukraine/",
    "/participants/rus/",
]


def test_no_table_is_cut_off_at_a_phone_width_without_a_cue_that_it_scrolls(new_page, problems):
    page = new_page(**PHONE_OPTIONS)
    failures = {}
    for path in TABLE_PAGES:
        page.goto(path)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        found = page.evaluate(CUT_OFF)
        wrong = [f"cut off by the window itself: {found['loose']}"] if found["loose"] else []
        for region in found["regions"]:
            missing = [need for need in ("focusable", "region", "named", "cue") if not region[need]]
            if missing:
                wrong.append(f"cells {region['cells']} are cut off in a box without {', '.join(missing)}")
        if wrong:
            failures[path] = wrong
    assert not failures, "\n".join(f"{path}:\n  " + "\n  ".join(found) for path, found in failures.items())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/participants/", "/issues/"])
def test_participant_and_issue_lists_reflow_into_labelled_rows_on_a_phone(new_page, problems, path):
    page = new_page(**PHONE_OPTIONS)
    page.goto(path)
    tables = page.locator("main table")
    assert tables.count() > 0
    for table in tables.all():
        headers = table.locator("thead th").all_inner_texts()
        for row in table.locator("tbody tr").all():
            cells = row.locator(":scope > td").all()
            assert len(cells) == len(headers) - 1
            for header, cell in zip(headers[1:], cells, strict=True):
                box = cell.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{header} is off screen"
                label = cell.evaluate("td => getComputedStyle(td, '::before').content")
                assert label == f'"{header}"', f"a {header} cell is labelled {label}"
            name = row.locator(":scope > th").bounding_box()
            assert name["x"] + name["width"] <= PHONE["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert not problems, "\n".join(problems)


def test_the_matrix_says_it_scrolls_and_its_total_is_reachable(new_page, problems):
    page = new_page(**PHONE_OPTIONS)
    page.goto("/matrix/")
    region = page.get_by_role("region", name="Blocking matrix, scrolls sideways")
    hint = page.locator(f"#{region.get_attribute('aria-describedby')}")
    assert hint.is_visible() and "scroll" in hint.inner_text().lower()
    assert hint.bounding_box()["y"] < region.bounding_box()["y"], "the cue comes before the table"
    total = page.locator("table.matrix thead th").last
    assert total.inner_text() == "Total"
    # By keyboard: focus the region and press the right arrow until it scrolls no further.
    region.focus()
    end = region.evaluate("el => el.scrollWidth - el.clientWidth")
    for _ in range(50):
        page.keyboard.press("ArrowRight")
        if region.evaluate("el => el.scrollLeft") >= end - 1:
            break
    assert region.evaluate("el => el.scrollLeft") >= end - 1, "the keyboard does not scroll the matrix"
    box, frame = total.bounding_box(), region.bounding_box()
    assert box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
    assert not problems, "\n".join(problems)


def test_positions_filters_fold_away_on_a_phone_and_open_on_request(new_page, problems):
    page = new_page(**PHONE_OPTIONS)
    page.goto("/positions/")
    first = page.locator("article.position").first
    assert first.bounding_box()["y"] < PHONE["height"] * 0.6, "the first position is not on the first screen"
    form = page.get_by_role("search", name="Filter positions")
    assert not form.is_visible()

    page.get_by_text("Filters", exact=True).tap()
    assert form.is_visible()
    form.get_by_label("Participant").select_option("RUS")
    form.get_by_role("button", name="Apply").tap()
    page.wait_for_url("**/positions/?*participant=RUS*")
    assert set(page.locator('article.position header a[href^="/participants/"]').all_inner_texts()) == {"Russia"}
    summary = page.locator("details.filter-panel > summary")
    assert "Participant" in summary.inner_text(), "the folded form does not say which filters apply"
    assert not problems, "\n".join(problems)


def test_filters_stay_open_on_a_phone_when_they_have_an_error(new_page, problems):
    page = new_page(**PHONE_OPTIONS)
    page.goto("/positions/?year_from=frog")
    assert page.locator("#id_year_from_error").is_visible()
    assert page.get_by_role("search", name="Filter positions").is_visible()


@pytest.mark.parametrize(
    "path,name", [("/", "Filter meetings"), ("/positions/", "Filter positions"), ("/matrix/", "Filter the matrix")]
)
def test_filters_are_open_on_a_laptop(page, problems, path, name):
    page.goto(path)
    assert page.get_by_role("search", name=name).get_by_role("button", name="Apply").is_visible()
    assert not problems, "\n".join(problems)
