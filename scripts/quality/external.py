"""The two checkers that run outside the browser session: the Nu Html Checker and Lighthouse."""

import json
import os
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from server import ROOT

from scripts import chromium

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback URL we built)
        return response.read()


def nu_check(base, pages):
    """Nu Html Checker errors per page name: [(line, message, extract)], plus its warnings.

    The checker refuses loopback addresses, so each page is fetched here and handed over as a file
    (the same as piping it in with `-`), all in one Java run; static/css/site.css is checked too.
    """
    with tempfile.TemporaryDirectory(prefix="kptracker-vnu-") as tmp:
        files = {}
        for name, path in pages.items():
            file = Path(tmp) / f"{name}.html"
            file.write_bytes(fetch(base + path))
            files[str(file)] = name
        files[str(ROOT / "static" / "css" / "site.css")] = "static/css/site.css"
        result = subprocess.run(  # noqa: S603
            ["java", "-jar", str(VNU_JAR), "--stdout", "--format", "json", "--also-check-css", *files],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        raise RuntimeError(f"vnu gave no JSON report (exit {result.returncode}): {result.stderr[-2000:]}") from None
    errors = {name: [] for name in files.values()}
    warnings = {name: [] for name in files.values()}
    for message in messages:
        url = message.get("url", "?")
        name = files.get(url.removeprefix("file:"), url)
        entry = (message.get("lastLine", "?"), message.get("message", ""), (message.get("extract") or "").strip())
        if message.get("type") in ("error", "non-document-error") or message.get("subType") == "fatal":
            errors.setdefault(name, []).append(entry)
        elif message.get("subType") == "warning":
            warnings.setdefault(name, []).append(entry)
    return errors, warnings


def lighthouse(url, report_path):
    """Run Lighthouse (its default: a mobile phone on a throttled connection).

    Returns the category scores 0-100, the audits below 0.9 per category, Lighthouse's version, the browser and
    the host's benchmark index (Lighthouse multiplies this machine's CPU time by 4, so a busy host scores lower).
    """
    env = {**os.environ, "CHROME_PATH": chromium.EXECUTABLE}
    result = subprocess.run(  # noqa: S603
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={report_path}",
            "--quiet",
            f"--chrome-flags={' '.join(chromium.ARGS)}",
            "--only-categories=" + ",".join(LIGHTHOUSE_CATEGORIES),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not Path(report_path).exists():
        raise RuntimeError(f"lighthouse failed on {url} (exit {result.returncode}): {result.stderr[-2000:]}")
    report = json.loads(Path(report_path).read_text())
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not load {url}: {report['runtimeError']}")
    scores = {key: round(100 * (report["categories"][key]["score"] or 0)) for key in LIGHTHOUSE_CATEGORIES}
    failing = {}
    for key in LIGHTHOUSE_CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit.get("score") is not None and audit["score"] < 0.9:
                failing.setdefault(key, []).append(f"{audit['title']} ({audit.get('displayValue') or audit['score']})")
    environment = report["environment"]
    return (
        scores,
        failing,
        report["lighthouseVersion"],
        environment.get("hostUserAgent", ""),
        environment.get("benchmarkIndex"),
    )
