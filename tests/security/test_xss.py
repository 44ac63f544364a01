"""Stored XSS: markup saved in any text field an editor (or a reader's report) can fill comes out inert.

Every free-text field of every project model gets script, script-breakout, image-onerror and
attribute-breakout payloads. Every public page, every admin page for those records and the chart
data are then parsed: no script runs but the site's own files and json_script data, no element has
an event-handler attribute or a javascript: address, and every payload shows up as text somewhere.
"""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from governance.models import Chair, Group, MembershipEvent, MemberState, WorkingBody
from meetings.models import Meeting, Participant, ParticipantAlias, Person, Source
from positions.models import AgendaItem, Issue, Position, Proposal, ProposalAccount
from reports.models import ErrorReport

from .urls import sample_urls

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
BREAKOUT = "</script><script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
ATTRIBUTE = "\"'><svg onload=alert(1)>"
PAYLOADS = [SCRIPT, BREAKOUT, IMAGE, ATTRIBUTE]
RAW_MARKERS = ["<script>alert", "<img src=x", "<svg onload"]

# Text fields that cannot hold markup: the database refuses it (a CheckConstraint or the slug format
# the admin enforces), or the admin's URL validation does; each is tested as such elsewhere.
NOT_FREE_TEXT = {
    "meetings.participant.code",  # ^[A-Z][A-Z0-9]{1,11}$ in the database
    "meetings.meeting.host_country",  # ISO alpha-3 in the database
    "meetings.meeting.planned_host_country",  # ISO alpha-3 in the database
    "governance.memberstate.iso_code",  # ISO alpha-3 in the database
    "meetings.source.url",  # http(s) only (test_admin_refuses_javascript_urls); a hostile path is tested below
    "reports.errorreport.client",  # a hash the app computes, not editable
    "reports.reportwindow.client",  # the same hash, counted by the report limit; shown nowhere
}
PROJECT_APPS = ("meetings", "governance", "positions", "reports")
NOT_HTML = {"application/atom+xml", "application/json", "text/calendar", "text/plain"}


def payload(label, max_length):
    """`label` then as many payloads as fit: a long field gets all four, a short one fewer."""
    value = f"[{label}]"
    for p in PAYLOADS:
        if max_length is None or len(value) + 1 + len(p) <= max_length:
            value = f"{value} {p}"
    return value


def free_text_fields():
    """app.model.field for every CharField/TextField an editor types into, in the project's models."""
    found = set()
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if isinstance(field, models.CharField | models.TextField) and not isinstance(field, models.SlugField):
                    label = f"{model._meta.label_lower}.{field.name}"
                    if not field.choices and label not in NOT_FREE_TEXT:
                        found.add(label)
    return found


def fill(model, suffix="", **fixed):
    """Create `model` with a payload in each of its free-text fields and `fixed` for the rest."""
    values = {}
    for field in model._meta.get_fields():
        label = f"{model._meta.label_lower}.{field.name}"
        if label in free_text_fields() and field.name not in fixed:
            values[field.name] = payload(label + suffix, field.max_length)
    return model.objects.create(**values, **fixed)


@pytest.fixture
def hostile_world(db):
    blocker = fill(Participant, code="XSA", kind="government", has_veto=True, slug="xsa")
    observer = fill(Participant, "#2", code="XSB", kind="civil_society_observer", has_veto=False, slug="xsb")
    ParticipantAlias.objects.create(participant=blocker, name=payload("meetings.participantalias.name", 200))
    speaker = fill(Person, slug="xss-speaker", affiliation=blocker)
    source = fill(Source, slug="xss-source", url=f"https://example.org/{ATTRIBUTE}{SCRIPT}")
    meeting = fill(
        Meeting,
        slug="xss-meeting",
        kind="plenary",
        start_date=datetime.date(2024, 11, 12),
        host_country="ARE",
        planned_host_country="RUS",
        chair=blocker,
        chair_person=speaker,
    )
    meeting.sources.add(source)
    issue = fill(Issue, slug="xss-issue")
    item = fill(AgendaItem, meeting=meeting, issue=issue, outcome="no_consensus")
    proposal = fill(Proposal, agenda_item=item, stage="agenda")
    account = fill(ProposalAccount, proposal=proposal, decided_by="consensus", result="blocked")
    account.proposed_by.add(blocker)
    account.sources.add(source)
    body = fill(WorkingBody, slug="xss-body", kind="committee")
    fill(
        Position,
        "#act",
        act="boycott",
        working_body=body,
        participant=observer,
        stance="protests",
        attribution="stated",
        reported_by_outlet="",
        source=source,
    )
    chair = fill(Chair, year=2024, participant=blocker, person=speaker)
    chair.sources.add(source)
    event = fill(MembershipEvent, participant=blocker, event="suspended", date=datetime.date(2013, 5, 23))
    event.sources.add(source)
    fill(
        Position,
        proposal=proposal,
        participant=blocker,
        stance="blocks",
        attribution="stated",
        reported_by_outlet="",
        speaker=speaker,
        source=source,
    )
    fill(
        Position,
        "#2",
        proposal=proposal,
        participant=observer,
        stance="opposes",
        attribution="reported",
        source=source,
    )
    group = fill(Group, slug="xss-group", source=source)
    group.members.set([blocker, observer])
    # A state the hostile participant speaks for, drawn on this year's map of standing.
    fill(MemberState, organisation=blocker, iso_code="FRA", joined=datetime.date(2000, 1, 1))
    fill(ErrorReport, status="new")
    return {"participants": [blocker, observer], "meeting": meeting, "source": source}


def _same_origin_path(src):
    return src.startswith("/") and not src.startswith("//")


class PageScan(HTMLParser):
    """What a browser would run from a page (scripts, handlers, javascript: addresses), and its JSON data."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.json_blocks = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("type") == "application/json":
                self._in_json = True
            elif not _same_origin_path(attrs.get("src") or ""):
                self.problems.append(f"inline or foreign script: {attrs}")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction", "data"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in {"img", "svg", "iframe", "object", "embed"} and "x" in (attrs.get("src"), attrs.get("data")):
            self.problems.append(f"injected <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_blocks.append(data)


def scan(response):
    html = response.content.decode()
    parser = PageScan()
    parser.feed(html)
    problems = list(parser.problems)
    problems += [f"raw {marker!r} in the page" for marker in RAW_MARKERS if marker in html]
    decoded = []
    for block in parser.json_blocks:
        if "<" in block:  # json_script writes < > & as \u003C... so no tag can close the element
            problems.append(f"unescaped '<' in json_script data: {block[:80]!r}")
        try:
            decoded.append(json.loads(block))
        except json.JSONDecodeError:
            problems.append(f"json_script data cut short (a tag closed it?): {block[:80]!r}")
    return html, problems, decoded


def admin_urls(world):
    urls = []
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model not in admin.site._registry:
                continue
            info = (model._meta.app_label, model._meta.model_name)
            urls.append(reverse("admin:{}_{}_changelist".format(*info)))
            for obj in model.objects.all():
                urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return urls


def test_every_free_text_field_is_filled(hostile_world):
    """A new text field joins the payload world by itself; this guards the helpers that fill it."""
    filled = set()
    for label in free_text_fields():
        app_label, model_name, field = label.split(".")
        model = apps.get_model(app_label, model_name)
        if model.objects.filter(**{f"{field}__contains": SCRIPT.split("(")[0]}).exists():
            filled.add(label)
    assert filled == free_text_fields()


def test_stored_markup_is_escaped_on_every_page_admin_page_and_in_chart_data(admin_client_logged_in, hostile_world):
    reader = Client()
    pages = [*sample_urls().values(), "/matrix/?by=meeting&stances=blocks_opposes", "/participants/xsb/"]
    pages = [p for p in pages if not p.startswith("/export/")]
    every_page, all_json, problems = [], [], {}
    for path in pages:
        # The API's search needs words (without them it is a 400 saying so): the payload's own.
        response = reader.get(path, {"q": "alert"} if path == reverse("api:search") else {})
        assert response.status_code == 200, path
        if not response["Content-Type"].startswith("text/html"):
            # A feed or the calendar: read by a feed reader or a calendar, never rendered as a page. Its
            # markup stays text by its own escaping (tests/feeds), and no browser sniffs it into HTML.
            assert response["Content-Type"].split(";")[0] in NOT_HTML, path
            assert response["X-Content-Type-Options"] == "nosniff", path
            continue
        html, found, decoded = scan(response)
        every_page.append(html)
        all_json += decoded
        if found:
            problems[path] = found
    for path in admin_urls(hostile_world):
        response = admin_client_logged_in.get(path)
        assert response.status_code == 200, path
        html, found, decoded = scan(response)
        every_page.append(html)
        if found:
            problems[path] = found
    assert problems == {}

    # The payloads were on the pages, as text: each field's label is followed by its escaped payload.
    text = "\n".join(every_page)
    for label in free_text_fields():
        assert re.search(re.escape(f"[{label}") + r"(#2)?\] &lt;/?script&gt;", text), label
    # And inside chart data, intact once decoded: a chart title carries the participant's name.
    chart_titles = [block["title"] for block in all_json if isinstance(block, dict) and "title" in block]
    assert any(SCRIPT in title and BREAKOUT in title for title in chart_titles)


@pytest.mark.parametrize("path", ["/", "/positions/", "/matrix/", "/report/"])
def test_markup_in_the_query_string_is_not_reflected(client, hostile_world, path):
    response = client.get(path, {"q": SCRIPT, "kind": IMAGE, "year_from": ATTRIBUTE, "page": BREAKOUT}, follow=True)
    assert response.status_code in {200, 404}
    # A page redirects away the parameters it does not take; the new address carries the rest encoded.
    assert all("<" not in url and '"' not in url for url, _status in response.redirect_chain)
    html, problems, _ = scan(response)
    assert problems == []


def test_admin_refuses_javascript_urls(admin_client_logged_in):
    response = admin_client_logged_in.post(
        reverse("admin:meetings_source_add"),
        {
            "title": "A source",
            "slug": "a-source",
            "published_precision": "day",
            "kind": "news",
            "url": "javascript:alert(1)",
            "text": "Text.",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Source.objects.filter(slug="a-source").exists()
