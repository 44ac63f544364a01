"""Full-page screenshots of the analyst pages at a laptop's and a phone's width.

    python scripts/screenshots.py http://127.0.0.1:8000 [--out docs/screenshots]

Needs a running server with the curated dataset (`make run`) and Debian's Chromium.
Writes <page>-<width>.png, e.g. timeline-laptop.png and matrix-phone.png.
"""

import argparse
import sys
from pathlib import Path
from urllib.parse import urljoin

# Run as a script, scripts/ comes first on sys.path; the shared helpers are imported from the project root.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from scripts.chromium import chromium, draw_charts  # noqa: E402

PAGES = {
    "timeline": "/",
    "matrix": "/matrix/",
    "matrix-by-meeting": "/matrix/?by=meeting",
    "meeting": "/meetings/2024-11-plenary-dubai/",
    # Two accounts of one decision side by side, votes and acts (issue 13).
    "meeting-kasane": "/meetings/2022-06-intersessional-kasane/",
    "issue": "/issues/russia-ukraine/",
    "issues": "/issues/",
    "participant": "/participants/rus/",
    # Membership events, two accounts of each (issue 13).
    "participant-car": "/participants/caf/",
    "participants": "/participants/",
    "positions": "/positions/",
    # The record since 2003 (issue 14).
    "about": "/about/",
    # A position's permalink with its citation, and the passage it leads to, its quote marked (issue 15).
    "position": "/positions/1/",
    "source-marked": ("/positions/1/", "a.passage"),
    "search": "/search/?q=Kasane",
    "compare": "/compare/?participant=RUS&participant=USA",
    "alignment": "/alignment/",
    # The map of a proposal's stances, reached from its meeting, and of standing in a year; a group (issue 15).
    "map": ("/meetings/2022-06-intersessional-kasane/", "a[href^='/map/?proposal=']"),
    "map-standing": "/map/?year=2010",
    "group": "/groups/western-bloc/",
    # What changed, and the API's docs in the site's layout (issue 16).
    "changes": "/changes/",
    "api-docs": "/api/v1/docs",
}
WIDTHS = {
    "laptop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def take(base_url, out):
    out.mkdir(parents=True, exist_ok=True)
    failures = []
    with chromium() as browser:
        for width, options in WIDTHS.items():
            # No animation, so a chart is complete once it is drawn.
            context = browser.new_context(reduced_motion="reduce", **options)
            page = context.new_page()
            for name, path in PAGES.items():
                # A (page, link) pair: the page the link is followed from, so the shot is where it leads.
                path, follow = path if isinstance(path, tuple) else (path, None)
                response = page.goto(urljoin(base_url, path), wait_until="networkidle")
                if follow and response is not None and response.ok:
                    with page.expect_navigation(wait_until="networkidle") as navigation:
                        page.locator(follow).first.click()
                    response = navigation.value
                if response is None or not response.ok:
                    failures.append(f"{path}: {response.status if response else 'no response'}")
                    continue
                undrawn = draw_charts(page)  # charts.js draws a chart as it nears the screen
                if undrawn:
                    failures.append(f"{path}: chart not drawn: {', '.join(undrawn)}")
                target = out / f"{name}-{width}.png"
                page.screenshot(path=target, full_page=True)
                print(target)
            context.close()
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="where the server answers, e.g. http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="folder for the PNG files")
    args = parser.parse_args()
    failures = take(args.base_url, args.out)
    for failure in failures:
        print(f"not captured: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
