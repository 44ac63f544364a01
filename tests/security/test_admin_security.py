"""The admin: login lockout, session and CSRF protection, passwords, the Editors group, and no inline code."""

import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "a long passphrase for tests"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor_user(django_user_model):
    return django_user_model.objects.create_user(username="editor", password=PASSWORD, is_staff=True)


def attempt_login(client, username, password, address="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


# Brute force: django-axes


def test_login_is_locked_at_the_fifth_failure_with_a_429_even_for_the_right_password(client, editor_user):
    for _ in range(4):
        response = attempt_login(client, "editor", "wrong password")
        assert response.status_code == 200  # the login form again, with its error
    assert attempt_login(client, "editor", "wrong password").status_code == 429
    response = attempt_login(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_username_is_locked_from_any_address(client, editor_user):
    for i in range(5):
        attempt_login(client, "editor", "wrong password", address=f"198.51.100.{i}")
    assert attempt_login(client, "editor", PASSWORD, address="203.0.113.99").status_code == 429


def test_an_address_trying_many_usernames_is_locked(client, editor_user):
    for i in range(5):
        attempt_login(client, f"guess{i}", "wrong password")
    assert attempt_login(client, "editor", PASSWORD).status_code == 429
    # Another client is not locked out by it.
    assert attempt_login(Client(), "editor", PASSWORD, address="203.0.113.7").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, editor_user, settings):
    for _ in range(5):
        attempt_login(client, "editor", "wrong password")
    assert attempt_login(client, "editor", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))
    response = attempt_login(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor_user.pk)


def test_client_address_behind_a_proxy_is_taken_from_x_forwarded_for(client, editor_user, settings):
    """With one trusted proxy, each client keeps its own count; a spoofed left-most entry does not help."""
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        client.post(
            LOGIN,
            {"username": f"guess{i}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 203.0.113.5",
        )
    locked = client.post(
        LOGIN, {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert locked.status_code == 429
    other = Client().post(
        LOGIN, {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert other.status_code == 302


# Sessions, CSRF, passwords


def test_the_session_id_changes_at_login(client, editor_user):
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    assert attempt_login(client, "editor", PASSWORD).status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_posts_without_a_csrf_token_are_refused(editor_user):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(LOGIN, {"username": "editor", "password": PASSWORD}).status_code == 403
    assert browser.post(reverse("reports:report"), {"what": "A wrong date."}).status_code == 403
    browser.force_login(editor_user)
    assert browser.post(reverse("admin:meetings_meeting_add"), {"title": "x"}).status_code == 403


def test_nothing_in_the_project_is_csrf_exempt():
    offenders = [
        str(path.relative_to(BASE_DIR))
        for directory in (BASE_DIR / name for name in ("kptracker", *[a.name for a in apps.get_app_configs()]))
        if directory.is_dir()
        for path in directory.rglob("*.py")
        if "csrf_exempt" in path.read_text()
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "password,error",
    [
        ("Kimberley1", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused_in_the_admin(admin_client_logged_in, password, error):
    response = admin_client_logged_in.post(
        reverse("admin:auth_user_add"),
        {"username": "newcomer", "password1": password, "password2": password, "usable_password": "true"},
    )
    assert response.status_code == 200
    assert error in response.content.decode()


# The Editors group


@pytest.fixture
def editor(client, editor_user):
    call_command("create_editor_group", verbosity=0)
    editor_user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor_user)
    return client


@pytest.mark.parametrize(
    "url_name,status",
    [
        ("admin:meetings_meeting_add", 200),
        ("admin:positions_agendaitem_add", 200),
        ("admin:positions_position_add", 200),
        ("admin:positions_proposal_add", 200),
        ("admin:positions_proposalaccount_add", 200),
        ("admin:governance_chair_add", 200),
        ("admin:governance_membershipevent_add", 200),
        ("admin:governance_workingbody_changelist", 200),
        ("admin:governance_workingbody_add", 403),
        ("admin:meetings_source_add", 200),
        ("admin:meetings_person_add", 200),
        ("admin:meetings_participant_changelist", 200),
        ("admin:positions_issue_changelist", 200),
        ("admin:meetings_participant_add", 403),
        ("admin:positions_issue_add", 403),
        ("admin:auth_user_changelist", 403),
        ("admin:auth_user_add", 403),
        ("admin:auth_group_changelist", 403),
    ],
)
def test_editors_edit_the_record_but_not_users_or_the_lists_of_participants_and_issues(editor, url_name, status):
    assert editor.get(reverse(url_name)).status_code == status


def test_an_editor_can_add_a_meeting_but_not_delete_one(editor):
    response = editor.post(
        reverse("admin:meetings_meeting_add"),
        {
            "title": "KP Intersessional 2025",
            "slug": "2025-06-intersessional",
            "kind": "intersessional",
            "status": "held",
            "start_date": "2025-06-10",
            "date_precision": "day",
            "agenda_items-TOTAL_FORMS": "0",
            "agenda_items-INITIAL_FORMS": "0",
            "agenda_items-MIN_NUM_FORMS": "0",
            "agenda_items-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    meeting = Meeting.objects.get(slug="2025-06-intersessional")
    assert editor.get(reverse("admin:meetings_meeting_delete", args=[meeting.pk])).status_code == 403
    assert editor.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).status_code == 200


def test_the_editor_group_command_is_idempotent(db):
    call_command("create_editor_group", verbosity=0)
    first = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    call_command("create_editor_group", verbosity=0)
    assert Group.objects.filter(name="Editors").count() == 1
    assert set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)) == first
    assert {"add_meeting", "change_position", "view_participant"} <= first
    assert not any(codename.endswith(("_user", "_group", "_permission")) for codename in first)


# Content-Security-Policy: the admin must work with script-src 'self' and no inline style


class InlineCode(HTMLParser):
    """Inline script or style that the policy would block. One known, cosmetic exception: django-simple-history's
    history page gives its paginator style="border-top: 0"; blocked, the paginator keeps a top border."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("inline <style>")
        self.found += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]
        if "style" in attrs and (attrs.get("class"), attrs["style"]) != ("paginator", "border-top: 0"):
            self.found.append(f"<{tag} style={attrs['style']!r}>")


def admin_pages():
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(_superuser_request()):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model.objects.order_by("pk").first()
        if obj is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            pages.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    return pages


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.filter(is_superuser=True).first()
    return request


def test_admin_pages_have_no_inline_script_or_style(admin_client_logged_in, kp_data):
    found = {}
    logged_out = Client().get(reverse("admin:login"))
    for path, response in [("login", logged_out), *((p, admin_client_logged_in.get(p)) for p in admin_pages())]:
        assert response.status_code == 200, path
        parser = InlineCode()
        parser.feed(response.content.decode())
        if parser.found:
            found[path] = sorted(set(parser.found))
    assert found == {}
