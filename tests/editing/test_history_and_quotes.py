"""Quotes checked against their sources, and every change kept with who, when and what."""

import pytest
from django.urls import reverse

from meetings.quotes import quote_in_source
from positions.models import Position
from tests.factories import PositionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def position_form(position, **overrides):
    data = {
        "proposal": position.proposal_id,
        "act": "",
        "meeting": "",
        "working_body": "",
        "participant": position.participant_id,
        "stance": position.stance,
        "evidence": position.evidence,
        "attribution": position.attribution,
        "reported_by": "",
        "reported_by_person": "",
        "reported_by_outlet": "",
        "speaker": "",
        "source": position.source_id,
        "source_location": "",
        "quote": position.quote,
        "note": "",
    }
    data.update(overrides)
    return data


def test_quote_check_ignores_spacing_and_typographic_quotes():
    text = "He said: \u201cwe will  not\ndiscuss it\u201d and left."
    assert quote_in_source('"we will not discuss it"', text)
    assert quote_in_source("we   will not discuss", text)
    assert not quote_in_source("we will discuss it", text)
    assert not quote_in_source("", text)


def test_curated_quotes_are_all_verified(kp_data):
    # Every quote is verified; a position only cited (a public page, no text stored) has no quote to check.
    positions = Position.objects.select_related("source").exclude(evidence="cited")
    assert positions.exists()
    assert not positions.filter(quote_verified=False).exists()
    assert all(quote_in_source(p.quote, p.source.text) for p in positions)
    assert not Position.objects.filter(evidence="cited").exclude(quote="").exists()


def test_admin_save_marks_an_unfound_quote_unverified_and_says_so(admin_client_logged_in, client):
    position = PositionFactory(source=SourceFactory(text="Russia said it would not discuss the matter."))
    url = reverse("admin:positions_position_change", args=[position.pk])

    response = admin_client_logged_in.post(
        url, position_form(position, quote="Russia agreed to everything"), follow=True
    )
    position.refresh_from_db()
    assert not position.quote_verified
    messages = [str(m) for m in response.context["messages"]]
    assert any("does not appear in the text of its source" in m for m in messages)
    html = client.get(position.agenda_item.meeting.get_absolute_url()).content.decode()
    assert "Unverified quote" in html

    admin_client_logged_in.post(url, position_form(position, quote="it would not  discuss the matter"))
    position.refresh_from_db()
    assert position.quote_verified
    assert "Unverified quote" not in client.get(position.agenda_item.meeting.get_absolute_url()).content.decode()


def test_inline_positions_are_checked_too(admin_client_logged_in):
    position = PositionFactory(source=SourceFactory(text="Plain text."))
    proposal = position.proposal
    inline = {
        k: v
        for k, v in position_form(position, quote="Plain text").items()
        if k not in ("act", "meeting", "working_body")
    }
    response = admin_client_logged_in.post(
        reverse("admin:positions_proposal_change", args=[proposal.pk]),
        {
            "agenda_item": proposal.agenda_item_id,
            "text": proposal.text,
            "stage": proposal.stage,
            "accounts-TOTAL_FORMS": "0",
            "accounts-INITIAL_FORMS": "0",
            "accounts-MIN_NUM_FORMS": "0",
            "accounts-MAX_NUM_FORMS": "1000",
            "positions-TOTAL_FORMS": "1",
            "positions-INITIAL_FORMS": "1",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
            "positions-0-id": position.pk,
            **{f"positions-0-{k}": v for k, v in inline.items()},
        },
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.quote_verified


def test_editing_a_source_text_rechecks_its_positions(admin_client_logged_in):
    source = SourceFactory(text="The delegate said: we will not discuss this.")
    position = PositionFactory(source=source, quote="we will not discuss this", quote_verified=True)
    data = {
        "title": source.title,
        "slug": source.slug,
        "publisher": "",
        "published_date": "",
        "published_precision": "day",
        "url": "",
        "kind": "news",
        "text": "A corrected text without that sentence.",
        "notes": "",
    }
    response = admin_client_logged_in.post(reverse("admin:meetings_source_change", args=[source.pk]), data)
    assert response.status_code == 302
    position.refresh_from_db()
    assert not position.quote_verified


def test_an_admin_edit_is_kept_in_the_history_with_who_and_what(admin_client_logged_in):
    position = PositionFactory(source=SourceFactory(text="we will not discuss this"))
    url = reverse("admin:positions_position_change", args=[position.pk])
    admin_client_logged_in.post(url, position_form(position, stance="opposes"))
    history = position.history.order_by("history_date")
    latest = history.last()
    assert latest.history_type == "~"
    assert latest.history_user.username == "editor-in-chief"
    assert latest.stance == "opposes"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "stance"] == [("stance", "blocks", "opposes")]
    page = admin_client_logged_in.get(reverse("admin:positions_position_history", args=[position.pk]))
    assert page.status_code == 200 and "editor-in-chief" in page.content.decode()


@pytest.mark.parametrize(
    "model",
    [
        "meetings_meeting",
        "positions_agendaitem",
        "positions_proposal",
        "positions_proposalaccount",
        "positions_position",
        "meetings_participant",
        "meetings_source",
    ],
)
def test_every_record_kind_has_a_history_page(admin_client_logged_in, kp_data, model):
    from django.apps import apps

    app_label, model_name = model.split("_")
    obj = apps.get_model(app_label, model_name).objects.first()
    response = admin_client_logged_in.get(reverse(f"admin:{model}_history", args=[obj.pk]))
    assert response.status_code == 200


def test_public_pages_show_when_a_record_was_last_updated(client, kp_data):
    for path in ["/meetings/2024-11-plenary-dubai/", "/participants/rus/", "/issues/russia-ukraine/"]:
        assert "Last updated" in client.get(path).content.decode(), path
