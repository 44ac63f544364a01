"""`make quality`: check every page of kptracker with the tools practitioners trust; exit 1 on any failure.

    .venv/bin/python scripts/quality/run.py [--only axe,nu,keyboard,structure,motion,colour,print,lighthouse]
                                            [--port 8020] [--out /tmp/kptracker-quality]

It serves the app itself as production would (DEBUG off, gunicorn, WhiteNoise, the curated dataset in a
scratch SQLite database) on 127.0.0.1 and stops it at the end, then runs:

  axe        axe-core (node_modules/axe-core) in Chromium on every page at laptop and phone widths,
             with every <details> closed and open: zero violations
  nu         the Nu Html Checker (node_modules/vnu-jar, run with java) on every page and site.css: zero errors
  keyboard   Tab through every page: the skip link comes first and works, every control is reached,
             focus is always visible and never hidden under something else, <summary> works with keys
  structure  one <main>, a skip link target, charts with role="img", a name and a table of the same
             numbers, the matrix a real table with caption, column and row headers
  motion     with prefers-reduced-motion: charts do not animate and no CSS animation or transition runs
  colour     stance colours stay apart under protanopia, deuteranopia and tritanopia (CIEDE2000);
             every badge, outcome chip and matrix shade the stylesheet defines has 4.5:1 text contrast
  print      every page prints without navigation, forms or buttons; a meeting prints as a brief with
             its sources and their addresses (PDF and a screenshot in --out)
  lighthouse Lighthouse (mobile, throttled) on every public page: at least 95 in performance,
             accessibility, best practices and SEO (a page that misses on its first run is run twice
             more and its median counts); scores to docs/quality/lighthouse.json

Screenshots of every page at 1280 and 390 pixels wide go to --out/screens/ for a person to look at.
"""

import argparse
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from server import ROOT, serve

CHECKS = ("axe", "nu", "keyboard", "structure", "motion", "colour", "print", "lighthouse")
LIGHTHOUSE_MIN = 95
# Lighthouse's performance score scales this machine's CPU time by 4, so other work on a shared host moves
# it by ten points from run to run: a page the minimum holds in CI needs headroom (charts drawn only as they
# near the screen gave the chart pages theirs). QUALITY_PERFORMANCE_SOFT=1 reports a performance miss loudly
# without failing, for a machine known to be overloaded; accessibility, best practices and SEO always fail.
PERFORMANCE_SOFT = os.environ.get("QUALITY_PERFORMANCE_SOFT", "") not in ("", "0", "false")
SCORES_FILE = ROOT / "docs" / "quality" / "lighthouse.json"
FIXED_PAGES = {
    "timeline": "/",
    "meeting": None,  # found on the timeline: the meeting with the most positions
    "issues": "/issues/",
    "issue": "/issues/russia-ukraine/",
    "participants": "/participants/",
    "participant": "/participants/rus/",
    "matrix": "/matrix/",
    "matrix-by-meeting": "/matrix/?by=meeting",
    "positions": "/positions/",
    "source": None,  # found on the meeting page: its first source
    "about": "/about/",
    "search": "/search/?q=Kasane",
    "compare": "/compare/?participant=RUS&participant=USA",
    "alignment": "/alignment/",
    "map": "/map/?meeting=2022-06-intersessional-kasane&issue=russia-ukraine",
    "map-standing": "/map/?year=2010",
    "group": "/groups/western-bloc/",
    "changes": "/changes/",
    "position": "/positions/1/",
    "admin-login": "/admin/login/",
    "api-docs": "/api/v1/docs",  # Swagger UI in the site's own template (templates/ninja/swagger.html)
}
# Every public page is held to the minimum (issue 17); the admin's login asks search engines not to index
# it, so its SEO score is low by design, and it is not a reader's page.
LIGHTHOUSE_PAGES = tuple(name for name in FIXED_PAGES if name != "admin-login")
# What a page is not held to, and why: measured and reported all the same.
LIGHTHOUSE_EXEMPT = {
    "api-docs": {
        "performance": "Swagger UI draws the whole page from a 1.4 MB script (total blocking time about 3.9 s under "
        "the 4x slowdown); a server-rendered reference from the OpenAPI description would not",
        "seo": "Swagger UI's links are script handlers without an address",
    },
}


def find_pages(base):
    from external import fetch

    pages = dict(FIXED_PAGES)
    timeline = fetch(base + "/").decode()
    cards = re.findall(r'<h4><a href="(/meetings/[^"]+/)">.*?(\d+) positions?', timeline, flags=re.S)
    if not cards:
        raise RuntimeError("no meeting on the timeline: did the curated data load?")
    pages["meeting"] = max(cards, key=lambda card: int(card[1]))[0]
    meeting = fetch(base + pages["meeting"]).decode()
    source = re.search(r'href="(/sources/\d+/)"', meeting)
    if not source:
        raise RuntimeError(f"no source linked from {pages['meeting']}")
    pages["source"] = source.group(1)
    return pages


class Report:
    def __init__(self):
        self.sections = []  # (check, page, problems, notes)
        self.started = time.monotonic()
        self.timings = []  # (title, seconds)
        self._phase = None

    def phase(self, title):
        """Start a titled part of the run; the previous one's duration is kept for the summary."""
        now = time.monotonic()
        if self._phase:
            self.timings.append((self._phase[0], now - self._phase[1]))
        self._phase = (title, now) if title else None
        if title:
            print(f"\n== {title}")

    def add(self, check, page, problems, notes=()):
        self.sections.append((check, page, list(problems), list(notes)))
        mark = "ok  " if not problems else "FAIL"
        count = f"  ({len(problems)} problem{'s' * (len(problems) != 1)})" if problems else ""
        print(f"  {mark} {check:<10} {page}{count}")
        for note in notes:
            print(f"         {note}")
        for problem in problems:
            print("       - " + problem.replace("\n", "\n         "))
        sys.stdout.flush()

    def failures(self):
        return [(check, page, problems) for check, page, problems, _ in self.sections if problems]


def summarise_warnings(warnings):
    """The checker's warnings (not failures), one line per message with the lines it was seen on."""
    lines = {}
    for line, message, _ in warnings:
        lines.setdefault(message, []).append(str(line))
    return [
        f"warning: {message} (line{'s' * (len(at) > 1)} {', '.join(at[:5])}{', …' if len(at) > 5 else ''}; {len(at)}×)"
        for message, at in lines.items()
    ]


def lighthouse_table(results):
    header = "| Page | Performance | Accessibility | Best practices | SEO |\n|---|---:|---:|---:|---:|"
    rows = [
        f"| {name} (`{r['path']}`) | "
        + " | ".join(str(r["scores"][k]) for k in ("performance", "accessibility", "best-practices", "seo"))
        + " |"
        for name, r in results.items()
    ]
    return "\n".join([header, *rows])


def run_lighthouse(base, pages, out, report, runs):
    """Lighthouse on every public page; the run with the median performance score of up to `runs` counts
    (Lighthouse's own advice for variable hosts). A first run that meets the minimum in every category
    counts alone: the further runs only settle a page that missed, so that a busy moment on a shared host
    cannot fail a page that passes, and twenty pages take minutes, not a quarter of an hour. Up to two runs
    that fail to load the page are run again."""
    from external import lighthouse

    results, versions = {}, {}
    for name in (name for name in LIGHTHOUSE_PAGES if name in pages):
        path = pages[name]
        exempt = LIGHTHOUSE_EXEMPT.get(name, {})
        samples, errors = [], []
        while len(samples) < runs and len(errors) < 2:
            try:
                samples.append(lighthouse(base + path, out / f"lighthouse-{name}-{len(samples) + 1}.json"))
            except RuntimeError as error:
                errors.append(str(error))
                continue
            if len(samples) == 1 and all(
                score >= LIGHTHOUSE_MIN or category in exempt for category, score in samples[0][0].items()
            ):
                break
        if not samples:
            report.add("lighthouse", f"{name} {path}", errors)
            continue
        samples.sort(key=lambda sample: sample[0]["performance"])
        scores, failing, version, agent, benchmark = samples[len(samples) // 2]
        versions = {"lighthouse": version, "browser": agent}
        results[name] = {"path": path, "scores": scores, "performance_runs": [s[0]["performance"] for s in samples]}
        if exempt:
            results[name]["not_held_to_the_minimum"] = exempt
        problems = [
            f"{category} {score} < {LIGHTHOUSE_MIN}: " + "; ".join(failing.get(category, [])[:6])
            for category, score in scores.items()
            if score < LIGHTHOUSE_MIN
            and category not in exempt
            and not (category == "performance" and PERFORMANCE_SOFT)
        ]
        notes = [
            " · ".join(f"{k} {v}" for k, v in scores.items())
            + f"  (performance over {len(samples)} run{'s' * (len(samples) > 1)}: "
            + ", ".join(str(s[0]["performance"]) for s in samples)
            + ")"
        ]
        notes += [f"below 0.9: {k}: {'; '.join(v)}" for k, v in failing.items() if v and scores[k] >= LIGHTHOUSE_MIN]
        notes += [f"not held to {LIGHTHOUSE_MIN} in {k} ({scores[k]}): {why}" for k, why in exempt.items()]
        if scores["performance"] < LIGHTHOUSE_MIN and PERFORMANCE_SOFT and "performance" not in exempt:
            notes.append(
                f"MISSED: performance {scores['performance']} < {LIGHTHOUSE_MIN} (QUALITY_PERFORMANCE_SOFT: not failed)"
            )
        if scores["performance"] < LIGHTHOUSE_MIN:
            notes.append(
                f"host: benchmark index {benchmark:.0f}, "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
                "(Lighthouse scales this machine's CPU time by 4: other work on the host lowers performance)"
            )
        report.add("lighthouse", f"{name} {path}", problems, notes)
    if results and len(results) == len(LIGHTHOUSE_PAGES):
        SCORES_FILE.parent.mkdir(parents=True, exist_ok=True)
        chromium = re.search(r"Chrome/([\d.]+)", versions.get("browser", ""))
        SCORES_FILE.write_text(
            json.dumps(
                {
                    "about": "Lighthouse scores from `make quality`: default mobile emulation (Moto G Power, "
                    "simulated slow 4G and 4x CPU slowdown), Debian's Chromium, the app served with DEBUG off by "
                    "gunicorn; per page, the first run when it meets the minimum in every category, else the "
                    f"run with the median performance score of {runs}",
                    "lighthouse": versions.get("lighthouse"),
                    "chromium": chromium.group(1) if chromium else None,
                    "pages": results,
                },
                indent=2,
            )
            + "\n"
        )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(CHECKS), help="comma-separated checks to run")
    parser.add_argument("--port", type=int, default=8020)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "kptracker-quality")
    parser.add_argument("--pages", default="", help="comma-separated page names to check (default: every page)")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=3, help="most runs per page; the median counts when the first misses"
    )
    args = parser.parse_args()
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = set(only) - set(CHECKS)
    if unknown:
        parser.error(f"unknown check(s): {', '.join(sorted(unknown))}; choose from {', '.join(CHECKS)}")
    for tool, hint in (("java", "Java 11+ for the Nu Html Checker"), ("/usr/bin/chromium", "Debian's chromium")):
        if not shutil.which(tool):
            sys.exit(f"make quality needs {hint}: {tool} not found")
    for needed in (
        "node_modules/axe-core/axe.min.js",
        "node_modules/vnu-jar/build/dist/vnu.jar",
        "node_modules/.bin/lighthouse",
    ):
        if not (ROOT / needed).exists():
            sys.exit(f"{needed} is missing: run `npm ci` (make quality does)")

    # A terminated run still stops the server: SIGTERM unwinds like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    shutil.rmtree(args.out, ignore_errors=True)
    (args.out / "screens").mkdir(parents=True)
    report = Report()
    lighthouse_results = {}
    report.phase("Serve the app")
    with serve(args.port) as base:
        pages = find_pages(base)
        chosen = [p.strip() for p in args.pages.split(",") if p.strip()]
        unknown_pages = sorted(set(chosen) - set(pages))
        if unknown_pages:
            parser.error(f"unknown page(s): {', '.join(unknown_pages)}; choose from {', '.join(pages)}")
        if chosen:
            pages = {name: path for name, path in pages.items() if name in chosen}
        print("Pages: " + ", ".join(f"{name} {path}" for name, path in pages.items()))

        if "nu" in only:
            from external import nu_check

            report.phase("Nu Html Checker (vnu-jar)")
            errors, warnings = nu_check(base, pages)
            for name, found in errors.items():
                report.add(
                    "nu",
                    name,
                    [f"line {line}: {message}  «{extract[:100]}»" for line, message, extract in found],
                    summarise_warnings(warnings.get(name, [])),
                )

        browser_checks = [c for c in only if c not in ("nu", "lighthouse")]
        if browser_checks:
            from browser import Session

            with Session(base, args.out) as session:
                if "axe" in only:
                    report.phase("axe-core, laptop (1280) and phone (390); screenshots in " + str(args.out / "screens"))
                    for name, path in pages.items():
                        report.add("axe", f"{name} {path}", session.axe_and_screenshots(name, path))
                if "structure" in only:
                    report.phase("Structure: skip link, landmarks, charts' text alternatives, the matrix as a table")
                    for name, path in pages.items():
                        report.add("structure", f"{name} {path}", session.structure(path))
                if "keyboard" in only:
                    report.phase("Keyboard: Tab through every page")
                    for name, path in pages.items():
                        report.add("keyboard", f"{name} {path}", session.keyboard(path))
                if "motion" in only:
                    report.phase("prefers-reduced-motion")
                    for name, path in pages.items():
                        report.add("motion", f"{name} {path}", session.motion(path))
                if "colour" in only and "matrix" in pages:
                    report.phase("Colour: palettes under colour-vision deficiencies, contrast of every variant")
                    problems, notes = session.colour(pages["matrix"])
                    report.add("colour", "static/css/site.css", problems, notes)
                if "print" in only:
                    report.phase("Print")
                    for name, path in pages.items():
                        if name == "admin-login":
                            continue
                        problems, notes = session.print_brief(
                            name, path, pdf=name in ("meeting", "issue", "participant"), brief=name == "meeting"
                        )
                        report.add("print", f"{name} {path}", problems, notes)

        if "lighthouse" in only:
            report.phase(f"Lighthouse (at least {LIGHTHOUSE_MIN} in every category)")
            lighthouse_results = run_lighthouse(base, pages, args.out, report, max(1, args.lighthouse_runs))

    report.phase(None)
    elapsed = time.monotonic() - report.started
    failures = report.failures()
    if lighthouse_results:
        print("\nLighthouse scores (" + str(SCORES_FILE.relative_to(ROOT)) + "):\n")
        print(lighthouse_table(lighthouse_results))
    spent = (f"{title.split(':')[0].split(' (')[0].split(',')[0]} {seconds:.0f}s" for title, seconds in report.timings)
    print("\nTime: " + ", ".join(spent))
    print(f"Checked in {elapsed:.0f}s. Artefacts (screenshots, PDFs, Lighthouse reports): {args.out}")
    if failures:
        count = sum(len(problems) for _, _, problems in failures)
        print(f"make quality: FAILED, {count} problem{'s' * (count != 1)} in {len(failures)} check(s):")
        for check, page, problems in failures:
            print(f"  {check:<10} {page}: {len(problems)}")
        return 1
    print("make quality: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
