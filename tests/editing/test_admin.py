"""The admin is where editors enter new meetings: every page answers, bad input is a form error."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from meetings.models import Meeting
from positions.models import AgendaItem, Position
from tests.admin_forms import meeting_change
from tests.factories import IssueFactory, MeetingFactory, ParticipantFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

PROJECT_MODELS = [
    model
    for app in ("meetings", "positions")
    for model in apps.get_app_config(app).get_models()
    # History is shown through each record's History page; the data version is cache bookkeeping.
    if not model._meta.model_name.startswith("historical") and model._meta.model_name != "dataversion"
]


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.model_name)
def test_every_model_is_registered_with_list_display_filters_and_search(model):
    model_admin = admin.site._registry[model]
    assert model_admin.list_display != ("__str__",)
    assert model_admin.search_fields


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("page", ["changelist", "add"])
def test_admin_pages_answer(admin_client_logged_in, kp_data, model, page):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")
    response = admin_client_logged_in.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.model_name)
def test_admin_change_pages_answer(admin_client_logged_in, kp_data, model):
    obj = model.objects.first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    assert admin_client_logged_in.get(url).status_code == 200


def meeting_form(**overrides):
    data = {
        "title": "KP Plenary 2025, Geneva",
        "slug": "2025-11-plenary-geneva",
        "kind": "plenary",
        "status": "held",
        "number": "",
        "start_date": "2025-11-10",
        "end_date": "2025-11-14",
        "date_precision": "day",
        "city": "Geneva",
        "host_country": "CHE",
        "theme": "",
        "participants_count": "",
        "countries_count": "",
        "summary": "",
        "notes": "",
        "agenda_items-TOTAL_FORMS": "0",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def with_agenda_items(data, *issues):
    data["agenda_items-TOTAL_FORMS"] = str(len(issues))
    for i, issue in enumerate(issues):
        data[f"agenda_items-{i}-issue"] = str(issue.pk)
        data[f"agenda_items-{i}-outcome"] = "no_consensus"
        data[f"agenda_items-{i}-outcome_note"] = ""
    return data


def test_meeting_with_agenda_item_and_position_can_be_added_through_the_admin(admin_client_logged_in):
    issue = IssueFactory(title="Russian diamonds", slug="russia-ukraine")
    russia = ParticipantFactory(code="RUS", name="Russian Federation", slug="russian-federation")
    speaker = PersonFactory(affiliation=russia)
    source = SourceFactory(text="Russia said it would not discuss the matter.")

    response = admin_client_logged_in.post(
        reverse("admin:meetings_meeting_add"), with_agenda_items(meeting_form(), issue)
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    meeting = Meeting.objects.get(slug="2025-11-plenary-geneva")
    item = AgendaItem.objects.get(meeting=meeting, issue=issue)

    response = admin_client_logged_in.post(
        reverse("admin:positions_agendaitem_change", args=[item.pk]),
        {
            "meeting": meeting.pk,
            "issue": issue.pk,
            "outcome": "not_discussed",
            "outcome_note": "",
            "positions-TOTAL_FORMS": "1",
            "positions-INITIAL_FORMS": "0",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
            "positions-0-participant": russia.pk,
            "positions-0-stance": "blocks",
            "positions-0-attribution": "stated",
            "positions-0-reported_by": "",
            "positions-0-reported_by_outlet": "",
            "positions-0-speaker": speaker.pk,
            "positions-0-source": source.pk,
            "positions-0-source_location": "paragraph 1",
            "positions-0-quote": "it would not discuss the matter",
            "positions-0-note": "",
        },
    )
    assert response.status_code == 302
    position = Position.objects.get()
    assert (position.participant, position.stance, position.agenda_item) == (russia, "blocks", item)
    item.refresh_from_db()
    assert item.outcome == "not_discussed"


def test_end_before_start_is_a_form_error(admin_client_logged_in):
    response = admin_client_logged_in.post(
        reverse("admin:meetings_meeting_add"), meeting_form(start_date="2025-11-14", end_date="2025-11-10")
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not Meeting.objects.exists()


def test_duplicate_agenda_item_is_a_form_error(admin_client_logged_in):
    issue = IssueFactory()
    response = admin_client_logged_in.post(
        reverse("admin:meetings_meeting_add"), with_agenda_items(meeting_form(), issue, issue)
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.content.decode()
    assert not Meeting.objects.exists()


def test_agenda_item_duplicating_an_existing_one_is_a_form_error(admin_client_logged_in):
    existing = MeetingFactory()
    issue = IssueFactory()
    AgendaItem.objects.create(meeting=existing, issue=issue)
    response = admin_client_logged_in.post(
        reverse("admin:positions_agendaitem_add"), {"meeting": existing.pk, "issue": issue.pk, "outcome": ""}
    )
    assert response.status_code == 200
    assert "already on this meeting" in response.content.decode()
    assert AgendaItem.objects.count() == 1


def test_bad_host_country_is_a_form_error(admin_client_logged_in):
    response = admin_client_logged_in.post(reverse("admin:meetings_meeting_add"), meeting_form(host_country="Dubai"))
    assert response.status_code == 200
    assert "ISO 3166-1 alpha-3" in response.content.decode()


def test_admin_requires_login(client):
    response = client.get(reverse("admin:meetings_meeting_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_meeting_tie_that_would_make_a_loop_is_a_form_error(admin_client_logged_in, kp_data):
    intersessional = Meeting.objects.get(slug="2024-05-intersessional-dubai")
    session = Meeting.objects.get(slug="2024-05-special-session-dubai")
    url, data = meeting_change(admin_client_logged_in, intersessional, part_of=session.pk)
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 200
    assert "That would make a loop" in response.content.decode()
    intersessional.refresh_from_db()
    assert intersessional.part_of is None
