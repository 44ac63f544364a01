"""The admin is where editors enter new meetings: every page answers, bad input is a form error."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from meetings.models import Meeting
from positions.models import AgendaItem, Position, Proposal
from tests.admin_forms import meeting_change
from tests.factories import (
    AgendaItemFactory,
    IssueFactory,
    MeetingFactory,
    ParticipantFactory,
    PersonFactory,
    SourceFactory,
)

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
            **inline("proposals", text="Put Russia's diamonds on the agenda", stage="agenda"),
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    proposal = Proposal.objects.get(agenda_item=item)
    response = admin_client_logged_in.post(
        reverse("admin:positions_proposal_change", args=[proposal.pk]),
        {
            "agenda_item": item.pk,
            "text": proposal.text,
            "stage": "agenda",
            **inline("accounts", decided_by="consensus", result="blocked", proposed_by=[], sources=[source.pk]),
            **inline(
                "positions",
                participant=russia.pk,
                stance="blocks",
                evidence="quoted",
                attribution="stated",
                speaker=speaker.pk,
                source=source.pk,
                source_location="paragraph 1",
                quote="it would not discuss the matter",
            ),
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    position = Position.objects.get()
    assert (position.participant, position.stance, position.proposal) == (russia, "blocks", proposal)
    # The meeting and agenda item follow from the proposal.
    assert (position.meeting, position.agenda_item) == (meeting, item)
    assert proposal.accounts.get().sources.get() == source
    item.refresh_from_db()
    assert item.outcome == "not_discussed"


def inline(prefix, **row):
    """One new row of an inline formset, as the admin posts it."""
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    data.update({f"{prefix}-0-{name}": value for name, value in row.items()})
    return data


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


def position_form(on, **changes):
    """The position add form's fields, for a stance on the proposal `on` unless changed."""
    data = {
        "proposal": on.pk if on else "",
        "participant": ParticipantFactory().pk,
        "stance": "blocks",
        "act": "",
        "meeting": "",
        "working_body": "",
        "evidence": "quoted",
        "source": SourceFactory(text="they said no").pk,
        "source_location": "",
        "quote": "they said no",
        "note": "",
        "attribution": "stated",
        "speaker": "",
        "reported_by": "",
        "reported_by_person": "",
        "reported_by_outlet": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"evidence": "inferred"}, "An inferred position says in the note how it is read from the quote."),
        ({"evidence": "cited"}, "Quote the source, unless the evidence is &#x27;cited&#x27;"),
        ({"act": "walk_out"}, "A position answers a proposal, or else it is an act"),
        ({"proposal": "", "act": "boycott"}, "An act happens at a meeting or is aimed at a working body"),
        ({"proposal": "", "act": ""}, "A position answers a proposal, or else it is an act"),
        ({"stance": ""}, "Choose a stance on the proposal."),
    ],
    ids=["inferred-without-note", "cited-with-quote", "act-on-proposal", "act-nowhere", "neither", "no-stance"],
)
def test_the_position_rules_are_form_errors(admin_client_logged_in, changes, message):
    proposal = Proposal.objects.create(agenda_item=AgendaItemFactory(), text="Discuss it", stage="agenda")
    response = admin_client_logged_in.post(reverse("admin:positions_position_add"), position_form(proposal, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Position.objects.exists()


def test_a_position_at_another_meeting_than_its_proposal_is_a_form_error(admin_client_logged_in):
    proposal = Proposal.objects.create(agenda_item=AgendaItemFactory(), text="Discuss it", stage="agenda")
    response = admin_client_logged_in.post(
        reverse("admin:positions_position_add"), position_form(proposal, meeting=MeetingFactory().pk)
    )
    assert "A position on a proposal is at the proposal&#x27;s meeting" in response.content.decode()
    assert not Position.objects.exists()


def test_a_walk_out_is_entered_as_an_act_on_the_meeting(admin_client_logged_in):
    meeting = MeetingFactory()
    response = admin_client_logged_in.post(
        reverse("admin:positions_position_add"),
        position_form(None, act="walk_out", stance="protests", meeting=meeting.pk),
    )
    assert response.status_code == 302, response.context["errors"]
    act = Position.objects.get()
    assert (act.act, act.meeting, act.proposal, act.agenda_item) == ("walk_out", meeting, None, None)


@pytest.mark.parametrize(
    "account, message",
    [
        ({"decided_by": "consensus", "votes_for": "8"}, "A tally is given only for a proposal decided by a vote."),
        ({"result": "rejected", "decided_by": "consensus"}, "&#x27;Rejected&#x27; means a vote was lost"),
        ({"result": "blocked", "decided_by": "vote"}, "A vote is lost, not blocked"),
        ({"inferred": "on"}, "A reading says in the note how it is read from the sources."),
    ],
    ids=["tally-without-vote", "rejected-without-vote", "blocked-by-vote", "reading-without-note"],
)
def test_the_account_rules_are_form_errors(admin_client_logged_in, account, message):
    proposal = Proposal.objects.create(agenda_item=AgendaItemFactory(), text="Discuss it", stage="agenda")
    row = {"decided_by": "", "result": "", "votes_for": "", "votes_against": "", "abstentions": "", "result_note": ""}
    row.update(account)
    response = admin_client_logged_in.post(
        reverse("admin:positions_proposal_change", args=[proposal.pk]),
        {
            "agenda_item": proposal.agenda_item_id,
            "text": proposal.text,
            "stage": "agenda",
            **inline("accounts", **row),
            **inline("positions"),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not proposal.accounts.exists()


def test_a_second_identical_chair_account_is_a_form_error(admin_client_logged_in):
    participant, source = ParticipantFactory(), SourceFactory()
    form = {"year": "2021", "role": "chair", "body": "", "participant": participant.pk, "person": "", "note": "",
            "sources": [source.pk]}  # fmt: skip
    first = admin_client_logged_in.post(reverse("admin:governance_chair_add"), form)
    assert first.status_code == 302
    second = admin_client_logged_in.post(reverse("admin:governance_chair_add"), form)
    assert "This chair is already recorded for this year with this person." in second.content.decode()


def test_a_cited_source_needs_its_address_and_a_note(admin_client_logged_in):
    form = {"title": "A public page", "slug": "a-public-page", "publisher": "", "published_date": "",
            "published_precision": "day", "url": "", "kind": "news", "text": "", "notes": ""}  # fmt: skip
    response = admin_client_logged_in.post(reverse("admin:meetings_source_add"), form)
    assert "A source whose text is not stored is cited by its address" in response.content.decode()


def test_a_proposals_inline_position_without_a_stance_is_a_form_error(admin_client_logged_in):
    """The inline has no `act` field, so Django skips the constraints that name it: the model says it."""
    proposal = Proposal.objects.create(agenda_item=AgendaItemFactory(), text="Discuss it", stage="agenda")
    source = SourceFactory()
    row = {"participant": ParticipantFactory().pk, "stance": "", "evidence": "quoted", "attribution": "stated",
           "source": source.pk, "quote": "we will not discuss this"}  # fmt: skip
    response = admin_client_logged_in.post(
        reverse("admin:positions_proposal_change", args=[proposal.pk]),
        {
            "agenda_item": proposal.agenda_item_id,
            "text": proposal.text,
            "stage": "agenda",
            **inline("accounts"),
            **inline("positions", **row),
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "Choose a stance on the proposal." in response.content.decode()
    assert not proposal.positions.exists()
