"""The checks that need a real browser: axe-core, keyboard, structure, motion, colour, print, screenshots.

Playwright drives Debian's Chromium. Every check returns a list of problems (strings); empty means pass.
"""

import re

from colour import VISIONS, closest_pairs, contrast, lab, parse, simulate
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright
from server import ROOT

from scripts.chromium import draw_charts, launch

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {
    "laptop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
# Stance colours must stay apart (CIEDE2000) for every kind of colour vision: 10 is "clearly different".
MIN_PALETTE_DELTA = 10
# Neighbouring steps of the matrix's shading scale must be told apart too.
MIN_SHADE_STEP = 5

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))
  }));
}"""

DESCRIBE = """function describe(el) {
  if (!el || el === document.body) return "body";
  let text = (el.getAttribute("aria-label") || el.textContent || el.value || "").replace(/\\s+/g, " ").trim();
  if (text.length > 40) text = text.slice(0, 39) + "…";
  const id = el.id ? "#" + el.id : "";
  const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
  const href = el.getAttribute("href") ? `[href=${el.getAttribute("href").slice(0, 50)}]` : "";
  return `${el.tagName.toLowerCase()}${id}${cls}${href} "${text}"`;
}"""

# Everything a keyboard user should be able to reach, in document order, with its resting style.
MARK_FOCUSABLES = (
    """() => {
  """
    + DESCRIBE
    + """
  const selector = 'a[href], area[href], button, input, select, textarea, summary, iframe, '
    + '[tabindex], [contenteditable]:not([contenteditable="false"])';
  const list = [];
  // Resting styles are read with nothing focused: an autofocused field is blurred meanwhile.
  const active = document.activeElement !== document.body ? document.activeElement : null;
  if (active) active.blur();
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.closest("[inert]") || el.matches("input[type=hidden]")) continue;
    const tabindex = el.getAttribute("tabindex");
    if (tabindex !== null && Number(tabindex) < 0) continue;
    if (el.matches("summary") && el.parentElement.tagName !== "DETAILS") continue;
    // Not rendered: display none, visibility hidden, or inside a closed <details>.
    if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) continue;
    const cs = getComputedStyle(el);
    el.dataset.qaFocus = String(list.length);
    el.dataset.qaRest = JSON.stringify([cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.boxShadow,
                                        cs.backgroundColor, cs.borderColor, cs.color, cs.textDecorationLine]);
    list.push({index: list.length, group: el.type === "radio" ? "radio:" + el.name : null, label: describe(el),
               isSkip: el.matches('a[href^="#"]') && /skip/i.test(el.textContent)});
  }
  if (active) active.focus();
  return list;
}"""
)

# Where focus is now, and whether a sighted keyboard user can see it.
FOCUS_STATE = (
    """() => {
  """
    + DESCRIBE
    + """
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {index: null, label: "body"};
  const cs = getComputedStyle(el);
  const rest = JSON.parse(el.dataset.qaRest || "null");
  const now = [cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.boxShadow,
               cs.backgroundColor, cs.borderColor, cs.color, cs.textDecorationLine];
  // "auto" is the browser's own focus ring; otherwise an outline at least 2px wide that is not transparent.
  const outline = cs.outlineStyle === "auto"
                  || (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2
                      && cs.outlineColor !== "rgba(0, 0, 0, 0)");
  const shadow = cs.boxShadow !== "none";
  const changed = rest === null || now.some((v, i) => v !== rest[i]);
  const indicator = changed && (outline || shadow || now[4] !== rest[4] || now[5] !== rest[5]);
  const rect = [...el.getClientRects()].find(r => r.width > 0 && r.height > 0) || el.getBoundingClientRect();
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  const inView = rect.bottom > 0 && rect.right > 0 && rect.top < vh && rect.left < vw;
  let obscuredBy = null;
  if (inView) {
    const x = Math.min(Math.max(rect.left + rect.width / 2, 1), vw - 1);
    const y = Math.min(Math.max(rect.top + rect.height / 2, 1), vh - 1);
    const hit = document.elementFromPoint(x, y);
    if (hit && hit !== el && !el.contains(hit) && !(hit.tagName === "LABEL" && hit.control === el)) {
      obscuredBy = describe(hit);
    }
  }
  return {index: el.dataset.qaFocus === undefined ? null : Number(el.dataset.qaFocus), label: describe(el),
          indicator, inView, obscuredBy, isSkip: el.matches('a[href^="#"]') && /skip/i.test(el.textContent)};
}"""
)

STRUCTURE = """() => {
  const problems = [];
  const skip = [...document.querySelectorAll('a[href^="#"]')].find(a => /skip/i.test(a.textContent));
  if (!skip) problems.push("no skip link (a link to #… that says Skip)");
  else {
    const target = document.getElementById((skip.getAttribute("href") || "").replace(/^#/, ""));
    if (!target) problems.push(`skip link points at ${skip.getAttribute("href")}, which is not on the page`);
  }
  if (document.querySelectorAll("main").length !== 1) problems.push("the page needs exactly one <main>");
  // A chart is a canvas drawn by charts.js, or an SVG drawn by the server (the world map).
  for (const canvas of document.querySelectorAll("canvas, figure svg")) {
    const name = canvas.id || canvas.getAttribute("class");
    const label = (canvas.getAttribute("aria-label") || (canvas.getAttribute("aria-labelledby") || "")
      .split(/\\s+/).map(id => (document.getElementById(id) || {}).textContent || "").join(" ")).trim();
    if (canvas.getAttribute("role") !== "img" || !label)
      problems.push(`chart ${name}: needs role="img" and a name (aria-label or aria-labelledby)`);
    const figure = canvas.closest("figure");
    const table = figure && figure.querySelector("table");
    if (!table || !table.querySelector("th[scope=col]") || !table.querySelector("th[scope=row]"))
      problems.push(`chart ${name}: no table of the same numbers, with row and column headers, beside it`);
    if (canvas.tagName === "CANVAS" && canvas.dataset.drawn !== "true")
      problems.push(`chart ${name}: was not drawn (JavaScript blocked?)`);
  }
  for (const table of document.querySelectorAll("table.matrix")) {
    const cols = table.querySelectorAll("thead th[scope=col]").length;
    if (cols < 2) problems.push("matrix: needs column headers (th scope=col) in a thead");
    if (!table.querySelector("caption") || !table.querySelector("caption").textContent.trim())
      problems.push("matrix: needs a caption saying what rows, columns and cells are");
    for (const row of table.querySelectorAll("tbody tr:not(.section)")) {
      if (!row.querySelector("th[scope=row]")) { problems.push("matrix: a row has no row header"); break; }
      if (row.children.length !== cols) { problems.push("matrix: a row has a different number of cells"); break; }
    }
  }
  return problems;
}"""

# Motion is movement: keyframe animations and transitions of position, size or transform. A colour fading
# (the admin's links and buttons) is not motion.
REDUCED_MOTION = """() => {
  const charts = [...document.querySelectorAll("canvas[data-chart]")].map(c => c.kptrackerChart).filter(Boolean);
  const motion = new RegExp("^(all|transform|translate|rotate|scale|top|left|right|bottom|inset"
                            + "|width|height|max-height|margin.*|padding.*|scroll.*)$");
  const moving = [...document.querySelectorAll("*")].filter(el => {
    const cs = getComputedStyle(el);
    const durations = cs.transitionDuration.split(",").map(parseFloat);
    const props = cs.transitionProperty.split(",").map(p => p.trim());
    const moves = props.some((p, i) => motion.test(p) && (durations[i % durations.length] + parseFloat(
      cs.transitionDelay.split(",")[i % cs.transitionDelay.split(",").length])) > 0);
    const animates = cs.animationName !== "none" && cs.animationDuration.split(",").some(d => parseFloat(d) > 0);
    return moves || animates;
  }).length;
  return {charts: charts.length, animated: charts.filter(c => c.options.animation !== false).length, moving,
          smooth: getComputedStyle(document.documentElement).scrollBehavior === "smooth"};
}"""

# Every colour variant the stylesheet defines, whether or not this page happens to show it.
VARIANTS = """() => {
  const found = {stances: new Set(), outcomes: new Set(), shades: new Set()};
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      const s = rule.selectorText || "";
      for (const m of s.matchAll(/\\.stance-badge\\.stance-([a-z_]+)/g)) found.stances.add(m[1]);
      for (const m of s.matchAll(/\\.outcome-([a-z_]+)/g)) found.outcomes.add(m[1]);
      for (const m of s.matchAll(/\\.shade-(\\d+)/g)) found.shades.add(m[1]);
    }
  }
  const root = getComputedStyle(document.documentElement);
  const box = document.createElement("div");
  box.setAttribute("aria-hidden", "true");
  document.querySelector("main").append(box);
  const measure = html => {
    box.innerHTML = html;
    const cs = getComputedStyle(box.querySelector("[data-m]"));
    return {color: cs.color, background: cs.backgroundColor};
  };
  const out = {palette: {}, badges: {}, outcomes: {}, shades: {}};
  for (const s of found.stances) {
    out.palette[s] = root.getPropertyValue("--" + s).trim();
    out.badges[s] = measure(`<span data-m class="badge stance-badge stance-${s}">x</span>`);
  }
  for (const o of found.outcomes) out.outcomes[o] = measure(`<span data-m class="chip outcome-${o}">x</span>`);
  for (const n of [...found.shades].sort())
    out.shades[n] = measure(`<table class="matrix"><tr><td data-m class="cell shade-${n}">1</td></tr></table>`);
  box.remove();
  return out;
}"""

PRINT_STATE = """() => {
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const leaks = [...document.querySelectorAll("nav, .site-header, .site-footer, form, .skip-link, a.download, button")]
    .filter(shown).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
  const sources = [...document.querySelectorAll("ul.sources > li")].map(li => ({
    shown: shown(li), text: li.innerText.trim().slice(0, 80),
    url: li.querySelector(".print-url") ? {shown: shown(li.querySelector(".print-url")),
                                           text: li.querySelector(".print-url").innerText.trim()} : null,
  }));
  const charts = document.querySelectorAll("figure.chart").length;
  const hiddenTables = [...document.querySelectorAll("figure.chart table")].filter(t => !t.checkVisibility()).length;
  return {leaks, sources, charts, hiddenTables, title: shown(document.querySelector("h1"))};
}"""


class Session:
    """One Chromium for every browser check."""

    def __init__(self, base, out):
        self.base = base
        self.out = out
        self._playwright = None
        self.browser = None

    def __enter__(self):
        self._playwright = sync_playwright().start()
        self.browser = launch(self._playwright)
        return self

    def __exit__(self, *exc):
        if self.browser:
            self.browser.close()
        self._playwright.stop()

    def open(self, path, viewport="laptop", axe=False, **context_options):
        """A fresh context and page at `path`; returns (context, page, problems seen while loading)."""
        context = self.browser.new_context(**VIEWPORTS[viewport], **context_options)
        if axe:
            # An init script runs outside the page's Content-Security-Policy, which would refuse an inline tag.
            context.add_init_script(path=str(AXE))
        page = context.new_page()
        seen = []
        page.on("console", lambda m: m.type == "error" and seen.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: seen.append(f"uncaught exception: {e}"))
        page.on("requestfailed", lambda r: seen.append(f"request failed: {r.url} ({r.failure})"))
        page.on(
            "response",
            lambda r: r.status >= 400 and seen.append(f"HTTP {r.status} for {r.url.removeprefix(self.base)}"),
        )
        response = page.goto(self.base + path, wait_until="load")
        if response is None or response.status != 200:
            seen.append(f"{path} answered {response.status if response else 'nothing'}")
        # charts.js draws a chart as it nears the screen: every check sees every chart drawn (STRUCTURE
        # reports one that was not).
        draw_charts(page)
        # The API's docs page draws its endpoints after loading the OpenAPI description: check them drawn.
        if page.locator("#swagger-ui").count():
            try:
                page.wait_for_selector("#swagger-ui .opblock", timeout=20000)
            except PlaywrightTimeout:
                seen.append("the API docs drew no endpoint within 20 s")
        return context, page, seen

    # -- axe-core and screenshots, at both widths ------------------------------------------------------

    def axe_and_screenshots(self, name, path):
        """axe-core violations at laptop and phone widths (with every <details> closed, then open)."""
        problems = []
        for viewport in VIEWPORTS:
            context, page, seen = self.open(path, viewport, axe=True, reduced_motion="reduce")
            try:
                problems += [f"[{viewport}] {p}" for p in seen]
                page.screenshot(path=str(self.out / "screens" / f"{name}-{viewport}.png"), full_page=True)
                # Reflow (WCAG 1.4.10): the page itself never scrolls sideways; wide tables scroll in their own box.
                width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                if width[0] > width[1] + 1:
                    problems.append(
                        f"[{viewport}] the page is {width[0]}px wide in a {width[1]}px window (scrolls sideways)"
                    )
                found = {}
                for state in ("as loaded", "details open", "an endpoint open"):
                    if state == "details open":
                        if not page.evaluate("document.querySelectorAll('details:not([open])').length"):
                            continue
                        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                    if state == "an endpoint open":
                        # The API docs: the position list's parameters, answer and schema, as a reader opens it.
                        endpoint = page.locator('[id$="-positionList"] .opblock-summary-control')
                        if not endpoint.count():
                            continue
                        endpoint.click()
                        page.wait_for_selector('[id$="-positionList"] .opblock-body table')
                    for v in page.evaluate(RUN_AXE):
                        key = v["id"]
                        if key not in found:
                            found[key] = v
                        else:
                            known = {n["target"] for n in found[key]["nodes"]}
                            found[key]["nodes"] += [n for n in v["nodes"] if n["target"] not in known]
                for v in found.values():
                    lines = [f"[{viewport}] axe {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}"]
                    for node in v["nodes"][:8]:
                        summary = " ".join(node["summary"].split())[:300]
                        lines.append(f"      at {node['target']}: {summary}")
                    if len(v["nodes"]) > 8:
                        lines.append(f"      … and {len(v['nodes']) - 8} more")
                    problems.append("\n".join(lines))
            finally:
                context.close()
        return problems

    # -- keyboard -----------------------------------------------------------------------------------------

    def keyboard(self, path):
        """Tab through the page: skip link first and working, every control reached, focus visible and unobscured."""
        problems = []
        context, page, _ = self.open(path)
        try:
            expected = page.evaluate(MARK_FOCUSABLES)
            state = page.evaluate(FOCUS_STATE)
            if state["index"] is None:
                page.keyboard.press("Tab")
                state = page.evaluate(FOCUS_STATE)
                if not state.get("isSkip"):
                    problems.append(f"the first Tab lands on {state['label']}, not the skip link")
                elif not state["inView"]:
                    problems.append("the skip link stays off screen when focused")
            elif not (expected and expected[0]["isSkip"]):
                # The page puts focus in a field itself (autofocus); the skip link must still come first.
                problems.append("the skip link is not the first control on the page")
            reached, order, wrapped = set(), [], False
            for _ in range(len(expected) + 30):
                if state["index"] is None:
                    if state["label"] != "body":
                        problems.append(f"focus reaches {state['label']}, which the page does not count as a control")
                    if wrapped:
                        break
                    wrapped = True  # past the last control focus leaves the page; one more Tab starts again at the top
                elif state["index"] in reached:
                    break
                else:
                    reached.add(state["index"])
                    order.append(state["index"])
                    if not state["indicator"]:
                        problems.append(f"no visible focus indicator on {state['label']}")
                    if not state["inView"]:
                        problems.append(f"focused but off screen: {state['label']}")
                    elif state["obscuredBy"]:
                        problems.append(f"focused {state['label']} is hidden under {state['obscuredBy']}")
                page.keyboard.press("Tab")
                state = page.evaluate(FOCUS_STATE)
            radio_groups = {e["group"] for e in expected if e["group"] and e["index"] in reached}
            missed = [
                e for e in expected if e["index"] not in reached and not (e["group"] and e["group"] in radio_groups)
            ]
            for e in missed[:10]:
                problems.append(f"never reached with Tab: {e['label']}")
            if len(missed) > 10:
                problems.append(f"… and {len(missed) - 10} more controls never reached with Tab")
            # Document order, allowing one wrap round from an autofocused field back to the top.
            if sum(b < a for a, b in zip(order, order[1:], strict=False)) > (1 if wrapped else 0):
                problems.append("Tab order differs from reading order (positive tabindex?)")

            # The skip link works: Enter moves focus into <main>, and the next Tab stays there.
            skip = page.locator('a[href^="#"]').filter(has_text=re.compile("skip", re.I))
            if skip.count():
                page.goto(self.base + path, wait_until="load")
                page.evaluate("document.activeElement && document.activeElement.blur()")
                skip.first.focus()
                page.keyboard.press("Enter")
                if not page.evaluate("!!document.activeElement.closest('main')"):
                    problems.append("Enter on the skip link does not move focus to the main content")
                page.keyboard.press("Tab")
                if not page.evaluate("!!document.activeElement.closest('main')"):
                    problems.append("after the skip link, Tab leaves the main content")
            else:
                problems.append("no skip link")

            # A <details> (the chart's table, the filter form) opens and closes from the keyboard: Enter
            # turns it from how it was served (the filter form is served open), Space turns it back.
            if page.locator("summary").count():
                summary = page.locator("summary").first
                summary.focus()
                served_open = summary.evaluate("s => s.parentElement.open")
                page.keyboard.press("Enter")
                toggled = summary.evaluate("s => s.parentElement.open") != served_open
                page.keyboard.press("Space")
                restored = summary.evaluate("s => s.parentElement.open") == served_open
                if not (toggled and restored):
                    problems.append("a <summary> does not open and close with Enter and Space")
        finally:
            context.close()
        return problems

    # -- structure: skip link, landmarks, charts with text alternatives, the matrix as a real table ------

    def structure(self, path):
        context, page, _ = self.open(path)
        try:
            return page.evaluate(STRUCTURE)
        finally:
            context.close()

    # -- motion ----------------------------------------------------------------------------------------------

    def motion(self, path):
        """With prefers-reduced-motion the charts do not animate and nothing moves; without it they do."""
        problems = []
        context, page, _ = self.open(path, reduced_motion="reduce")
        try:
            reduced = page.evaluate(REDUCED_MOTION)
        finally:
            context.close()
        if reduced["animated"]:
            problems.append(f"{reduced['animated']} chart(s) animate although the reader asked for reduced motion")
        if reduced["moving"]:
            problems.append(f"{reduced['moving']} element(s) still animate or move (CSS) under reduced motion")
        if reduced["smooth"]:
            problems.append("smooth scrolling stays on under reduced motion")
        if reduced["charts"]:
            context, page, _ = self.open(path, reduced_motion="no-preference")
            try:
                normal = page.evaluate(REDUCED_MOTION)
            finally:
                context.close()
            if normal["animated"] != normal["charts"]:
                problems.append("charts do not animate even without reduced motion: is the motion check measuring?")
        return problems

    # -- colour --------------------------------------------------------------------------------------------

    def colour(self, path):
        """Stance palette apart for every colour vision; every badge, chip and matrix shade at WCAG AA."""
        context, page, _ = self.open(path)
        try:
            found = page.evaluate(VARIANTS)
        finally:
            context.close()
        problems, notes = [], []
        palette = {name: value for name, value in found["palette"].items() if value}
        if len(palette) >= 2:
            for vision, (delta, a, b) in closest_pairs(palette).items():
                notes.append(f"stance palette, {vision}: closest pair {a}/{b}, ΔE2000 {delta:.1f}")
                if delta < MIN_PALETTE_DELTA:
                    problems.append(
                        f"stance colours {a} and {b} look alike with {vision}: "
                        f"ΔE2000 {delta:.1f}, under {MIN_PALETTE_DELTA}"
                    )
        for group in ("badges", "outcomes", "shades"):
            for name, style in found[group].items():
                ratio = contrast(parse(style["color"]), parse(style["background"]))
                if ratio < 4.5:
                    problems.append(f"{group[:-1]} {name}: text contrast {ratio:.2f}:1 is below 4.5:1")
        shades = [parse(found["shades"][n]["background"]) for n in sorted(found["shades"], key=int)]
        for vision in VISIONS:
            seen = [simulate(s, vision) for s in shades]
            lightness = [lab(s)[0] for s in seen]
            for i in range(1, len(seen)):
                if lightness[i] >= lightness[i - 1] - MIN_SHADE_STEP:
                    problems.append(
                        f"matrix shade-{i + 1} is not clearly darker than shade-{i} with {vision} "
                        f"(L* {lightness[i - 1]:.0f} → {lightness[i]:.0f})"
                    )
        return problems, notes

    # -- print -----------------------------------------------------------------------------------------------

    def print_brief(self, name, path, pdf=False, brief=False):
        """Printed, the page is a clean brief: no navigation or controls; sources with their addresses."""
        problems = []
        context, page, _ = self.open(path, viewport="laptop")
        try:
            page.emulate_media(media="print")
            state = page.evaluate(PRINT_STATE)
            if state["leaks"]:
                problems.append("printed but should not be: " + ", ".join(sorted(set(state["leaks"]))))
            if not state["title"]:
                problems.append("the page title (h1) does not print")
            if state["charts"] and state["hiddenTables"]:
                problems.append("the chart does not print, and neither does its table of numbers")
            for source in state["sources"]:
                if not source["shown"]:
                    problems.append(f"source not printed: {source['text']}")
                elif brief and not (source["url"] and source["url"]["shown"] and "http" in source["url"]["text"]):
                    problems.append(f"source printed without an address: {source['text']}")
            if brief and not state["sources"]:
                problems.append("no sources list on the printed brief")
            if pdf:
                page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi, for the screenshot
                page.screenshot(path=str(self.out / "screens" / f"{name}-print.png"), full_page=True)
                data = page.pdf(path=str(self.out / f"{name}-print.pdf"), format="A4", print_background=True)
                pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
                return problems, [f"{name}: printed to {self.out / f'{name}-print.pdf'} ({pages} A4 pages)"]
        finally:
            context.close()
        return problems, []
