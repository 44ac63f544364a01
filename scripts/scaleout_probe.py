"""The scale-out test's eyes, on two servers A and B over one database and one Redis:

    shared   A page rendered by A is a cache hit on B (the same bytes, one more page in Redis).
    edit     An editor changes a meeting's title through A's admin; B's next answer shows it.
    limits   The error-report limit and the admin login lockout count requests to A and B together.
    probe    Asks A and B for pages every 0.05 s (a thread each) and logs each answer, until stopped.
    seen     Whether that log shows, since a time, enough answers from each server ("down") or a cache
             hit on each ("hits"): the test keeps Redis down, then the load running, until it does.
    outage   Reads that log with the outage's timestamps and the load's summary; fails unless every answer
             was a 200, uncached while Redis was down, and both servers served from the cache again after.

Each prints its figures and exits non-zero on a failed check. Standard library and redis-py (for
counting the keys in Redis); run by scripts/scaleout_test.sh.
"""

import contextlib
import hashlib
import html
import http.client
import json
import os
import secrets
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import redis

# Both servers are asked under one name, as behind a load balancer: the page cache's key holds the host.
HOST = "localhost"
REPORT_LIMIT = 5  # reports/ratelimit.py REPORTS_PER_WINDOW
LOGIN_FAILURES = 5  # AXES_FAILURE_LIMIT, set by the test
DOWN_ANSWERS = 3  # answers from each server while Redis is down
RESUME_LIMIT_SECONDS = 10.0  # caching must be back this soon after Redis is


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def cache(self):
        return self.headers.get("X-Page-Cache", "")

    @property
    def text(self):
        return html.unescape(self.body.decode("utf-8", "replace"))


@dataclass
class Browser:
    """A client with its own cookies, sent to whichever server it asks. Django marks its session and CSRF
    cookies Secure (DEBUG off); a browser would keep them off plain HTTP, this loopback client does not."""

    cookies: dict = field(default_factory=dict)

    def request(self, base, path, form=None, timeout=15):
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=timeout)
        try:
            connection.request("GET" if form is None else "POST", path, body, headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer

    get = request

    def post(self, base, path, form):
        return self.request(base, path, form)


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with the given id or class: (name, value) pairs."""

    def __init__(self, form):
        super().__init__(convert_charrefs=True)
        self.form, self.inside, self.fields = form, False, []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = self.form in {a.get("id"), *(a.get("class") or "").split()}
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "multiple": "multiple" in a, "options": [], "chosen": []}
        elif tag == "option" and self.select is not None:
            self.select["options"].append(a.get("value", ""))
            if "selected" in a:
                self.select["chosen"].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            s = self.select
            chosen = s["chosen"] or ([] if s["multiple"] or not s["options"] else s["options"][:1])
            self.fields += [(s["name"], value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, value = self.textarea
            self.fields.append((name, value.removeprefix("\n")))
            self.textarea = None


def form_fields(answer, form):
    parser = FormFields(form)
    parser.feed(answer.body.decode("utf-8", "replace"))
    return parser.fields


def csrf_token(answer, form):
    return dict(form_fields(answer, form))["csrfmiddlewaretoken"]


def login(browser, base, username, password):
    page = browser.get(base, "/admin/login/?next=/admin/")
    form = {"csrfmiddlewaretoken": csrf_token(page, "login-form"), "username": username, "password": password}
    return browser.post(base, "/admin/login/?next=/admin/", {**form, "next": "/admin/"})


def page_keys(redis_url):
    client = redis.Redis.from_url(redis_url)
    try:
        return sum(1 for _ in client.scan_iter(match="kptracker-pages:*:page:*", count=1000))
    finally:
        client.close()


def shared(a, b, redis_url, path):
    """A renders a page nobody asked for yet; B answers it from Redis."""
    browser = Browser()
    keys_before = page_keys(redis_url)
    first = browser.get(a, path)
    keys_after = page_keys(redis_url)
    second = browser.get(b, path)
    check(first.status == 200 and first.cache == "miss", f"A: {path} answered {first.status} {first.cache!r}")
    check(second.status == 200, f"B: {path} answered {second.status}")
    check(second.cache == "hit", f"B rendered {path} again ({second.cache!r}) instead of reading A's copy")
    check(second.body == first.body, f"B's copy of {path} differs from A's")
    check(keys_after == keys_before + 1, f"Redis held {keys_before} pages, then {keys_after} (one more expected)")
    digest = hashlib.sha256(first.body).hexdigest()[:12]
    print(
        f"shared page cache: {path} rendered by A (miss), served by B from Redis (hit), the same "
        f"{len(first.body):,} bytes (sha256 {digest}); pages in Redis {keys_before} -> {keys_after}"
    )


def edit(a, b, meeting_id, slug, username):
    """A title changed through A's admin is on B's very next answer, which replaces B's cached copy."""
    page = f"/meetings/{slug}/"
    editor = Browser()
    password = os.environ["SCALEOUT_EDITOR_PASSWORD"]
    check(login(editor, a, username, password).status == 302, "the editor could not log in to A's admin")
    change = f"/admin/meetings/meeting/{meeting_id}/change/"
    form = form_fields(editor.get(a, change), "meeting_form")
    title = dict(form)["title"]
    reader = Browser()
    reader.get(b, page)
    before = reader.get(b, page)
    check(before.cache == "hit" and title in before.text, f"B did not serve its cached {page} ({before.cache!r})")

    new_title = f"{title} (edited on A {secrets.token_hex(3)})"
    form = [(name, new_title if name == "title" else value) for name, value in form] + [("_save", "Save")]
    saved = editor.post(a, change, form)
    started = time.monotonic()
    after_b = reader.get(b, page)
    seconds = time.monotonic() - started
    after_a = reader.get(a, page)
    errors = saved.text.split('class="errorlist', 1)[-1][:300] if saved.status == 200 else ""
    check(saved.status == 302, f"A's admin did not save the meeting ({saved.status}): {errors}")
    check(after_b.status == 200 and new_title in after_b.text, f"B still served the old title of {page}")
    check(after_b.cache == "miss", f"B's answer after the edit was {after_b.cache!r}, not a fresh page")
    check(after_a.cache == "hit" and new_title in after_a.text, "A did not serve B's new copy from Redis")
    print(
        f"edit through A, served at once by B: the title changed in A's admin (302); B's next answer "
        f"({seconds * 1000:.0f} ms) had it (miss: its cached copy was stale), then A served B's copy (hit)"
    )


def wait_clear_of_window_edge(window=3600, margin=10):
    """The report limit counts in fixed hourly windows: do not start a count that would straddle two."""
    left = window - time.time() % window
    if left < margin:
        time.sleep(left + 1)


def limits(a, b, username):
    """Both limits live in PostgreSQL, so one server's count holds on the other."""
    wait_clear_of_window_edge()
    reader = Browser()
    token = csrf_token(reader.get(a, "/report/"), "report-form")
    report = {"csrfmiddlewaretoken": token, "page": "/", "what": "scale-out check", "source": "", "contact": ""}
    report["website"] = ""  # the honeypot, empty as a person leaves it
    servers = [a, b, a, b, a]  # the limit's worth, on both
    statuses = [reader.post(server, "/report/", report).status for server in servers]
    over = [reader.post(server, "/report/", report).status for server in (b, a)]
    check(statuses == [302] * REPORT_LIMIT, f"error reports within the limit answered {statuses}")
    check(over == [429, 429], f"error reports over the limit (B then A) answered {over}, not 429s")
    print(f"error reports: {REPORT_LIMIT} accepted alternately by A and B, the next refused (429) by B and by A")

    intruder = Browser()
    wrong = [login(intruder, server, username, "not the password").status for server in [a, b] * 2]
    locked = login(intruder, a, username, "not the password").status
    right = login(Browser(), b, username, os.environ["SCALEOUT_EDITOR_PASSWORD"]).status
    check(wrong == [200] * (LOGIN_FAILURES - 1), f"failed logins before the limit answered {wrong}")
    check(locked == 429, f"the {LOGIN_FAILURES}th failed login (on A) answered {locked}, not 429")
    check(right == 429, f"the right password on B after A's lockout answered {right}, not 429")
    print(
        f"admin logins: {LOGIN_FAILURES - 1} failed alternately on A and B, the {LOGIN_FAILURES}th locked "
        "(429 on A), then B refused even the right password (429)"
    )
    print(
        f"shared rate limits (both in PostgreSQL): error reports {REPORT_LIMIT} per hour and the admin login "
        f"lockout after {LOGIN_FAILURES} failures counted across A and B together"
    )


def probe(a, b, seconds, log_path, paths):
    """One thread per server, each asking for the pages in turn every 0.05 s (or as fast as they answer)."""
    end = time.time() + seconds
    lock = threading.Lock()

    def ask(name, base, log):
        i = 0
        while time.time() < end:
            path = paths[i % len(paths)]
            i += 1
            started = time.time()
            try:
                answer = Browser().get(base, path, timeout=10)
                status, cache = answer.status, answer.cache
            except OSError as error:
                status, cache = 0, str(error)
            record = {"t": started, "server": name, "path": path, "status": status, "cache": cache}
            with lock:
                log.write(json.dumps({**record, "seconds": round(time.time() - started, 4)}) + "\n")
                log.flush()
            time.sleep(max(0.0, 0.05 - (time.time() - started)))

    with open(log_path, "w") as log:
        threads = [threading.Thread(target=ask, args=(name, base, log)) for name, base in (("A", a), ("B", b))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def read_log(log_path):
    """The probe's records; a line it is still writing is left for the next reading."""
    records = []
    for line in Path(log_path).read_text().splitlines():
        with contextlib.suppress(ValueError):
            records.append(json.loads(line))
    return records


def answered_while_down(records, stopped, started=float("inf")):
    """Asked after Redis stopped and answered before it was started again."""
    return [r for r in records if r["t"] >= stopped and r["t"] + r["seconds"] < started]


def seen(log_path, what, since):
    records = [r for r in read_log(log_path) if r["t"] >= float(since)]
    by_server = [[r for r in records if r["server"] == name] for name in "AB"]
    if what == "down":
        return all(len(answered_while_down(rows, float(since))) >= DOWN_ANSWERS for rows in by_server)
    return all(any(r["cache"] == "hit" for r in rows) for rows in by_server)


def outage(log_path, events_path, load_path):
    records = read_log(log_path)
    events = dict(line.split() for line in Path(events_path).read_text().splitlines())
    stopped, start, ready = float(events["stopped"]), float(events["start"]), float(events["ready"])
    summary = [line for line in Path(load_path).read_text().splitlines() if line.startswith(("RESULT", "STATUSES"))]
    load = dict(part.split("=") for part in summary[0].split()[1:]) if summary else {}
    down = answered_while_down(records, stopped, start)
    before = [r for r in records if r["t"] < stopped]
    bad = [r for r in records if r["status"] != 200]
    cached_while_down = [r for r in down if r["cache"] != "miss"]
    resumed = {}
    for name in "AB":
        hit = next((r for r in records if r["server"] == name and r["t"] >= ready and r["cache"] == "hit"), None)
        resumed[name] = hit and hit["t"] - ready

    def median_ms(rows):
        return statistics.median(r["seconds"] for r in rows) * 1000 if rows else float("nan")

    print(f"Redis down {start - stopped:.1f} s; the probe's requests: {len(records)}, {len(down)} while down")
    print(f"  median answer {median_ms(before):.0f} ms before, {median_ms(down):.0f} ms while down (uncached)")
    print("  load:", *summary, sep="\n    ")
    check(summary and load.get("non2xx") == "0" and load.get("socket_errors") == "0", f"errors under load: {summary}")
    check(int(load.get("requests", 0)) > 0, "the load made no requests")
    for name in "AB":
        asked = sum(1 for r in down if r["server"] == name)
        check(asked >= DOWN_ANSWERS, f"only {asked} probe requests to {name} were answered while Redis was down")
    check(not bad, f"{len(bad)} answers other than 200, e.g. {bad[:3]}")
    check(not cached_while_down, f"answers from a cache while Redis was down: {cached_while_down[:3]}")
    for name, after in resumed.items():
        check(after is not None and after <= RESUME_LIMIT_SECONDS, f"{name} did not serve from the cache again")
    print(
        f"Redis stopped for {start - stopped:.1f} s under load: {int(load['requests']):,} requests over the run, "
        f"{len(down)} probes while down, all 200; uncached while down (median {median_ms(down):.0f} ms against "
        f"{median_ms(before):.0f} ms); cache hits again {resumed['A']:.1f} s (A) and {resumed['B']:.1f} s (B) "
        "after Redis was back"
    )


COMMANDS = {"shared": shared, "edit": edit, "limits": limits, "outage": outage}

if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "probe":
        probe(args[0], args[1], float(args[2]), args[3], args[4].split())
        sys.exit(0)
    if command == "seen":
        sys.exit(0 if seen(*args) else 1)
    try:
        COMMANDS[command](*args)
    except CheckFailed as failure:
        sys.stdout.flush()
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
