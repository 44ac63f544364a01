"""The odd inputs of issue 11, item 8, each once: a NUL anywhere is a 400; the admin answers an impossible
date or id as Django answers its own (a redirect with ?e=1, a redirect with a message, a 404).

Each was a 500 on e410cec: the NUL ones on PostgreSQL (psycopg2 refuses a NUL in a string literal with
a ValueError), the others on both databases. The fuzzing in test_fuzz_admin_requests.py and
test_fuzz_urls.py looks for more of the same kind.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "bad request: NUL in the path or a parameter"

NUL_REQUESTS = [
    "/participants/%00/",
    "/participants/R%00S/",
    "/meetings/%00/",
    "/admin/meetings/participant/?kind__exact=%00",
    "/admin/meetings/meeting/?status__exact=%00",
    "/admin/reports/errorreport/?status__exact=%00",
    "/admin/meetings/meeting/?q=%00",
    "/admin/autocomplete/?app_label=positions&model_name=position&field_name=participant&term=%00",
    "/admin/autocomplete/?app_label=meetings&model_name=meeting&field_name=chair&term=R%00",
    "/admin/meetings/meeting/%00/change/",
    "/positions/?participant=RUS&q=a%00b",
    "/export/positions.csv?%00=1",
]


@pytest.mark.parametrize("path", NUL_REQUESTS)
def test_a_nul_in_the_path_or_the_query_string_is_a_400(admin_client_logged_in, kp_data, path):
    response = admin_client_logged_in.get(path)
    assert response.status_code == 400
    assert response.content.decode() == NUL_MESSAGE


def test_a_nul_in_a_posted_form_field_is_a_400(admin_client_logged_in, kp_data):
    response = admin_client_logged_in.post(
        reverse("admin:meetings_source_changelist"), {"action": "delete_selected", "_selected_action": ["1\x00"]}
    )
    assert response.status_code == 400
    assert response.content.decode() == NUL_MESSAGE


def test_a_nul_in_an_uploaded_file_is_left_to_the_view(admin_client_logged_in, kp_data):
    """A file's bytes are the view's to judge (the import reads them); only the form's fields are checked."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("positions.csv", b"participant\x00\n", content_type="text/csv")
    response = admin_client_logged_in.post(
        reverse("admin:positions_position_import"), {"import_file": upload, "format": "0"}
    )
    assert response.status_code != 400


@pytest.mark.parametrize(
    "query",
    [
        {"start_date__year": "99999999999999999999"},
        {"start_date__year": "9999"},
        {"start_date__year": "9999", "start_date__month": "12", "start_date__day": "31"},
        {"start_date__year": "2024", "start_date__month": "99999999999999999999"},
        {"start_date__year": "-5"},
    ],
)
def test_an_impossible_date_in_the_date_hierarchy_redirects_with_e1(admin_client_logged_in, kp_data, query):
    url = reverse("admin:meetings_meeting_changelist")
    response = admin_client_logged_in.get(url, query)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_a_real_year_in_the_date_hierarchy_still_filters(admin_client_logged_in, kp_data):
    url = reverse("admin:meetings_meeting_changelist")
    response = admin_client_logged_in.get(url, {"start_date__year": "2025"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == Meeting.objects.filter(start_date__year=2025).count()


@pytest.mark.parametrize(
    "query",
    [
        {"end_date__year": "10000"},  # fails only as the query is built
        {"end_date__year": "99999999999999999999"},
        {"number__in": "1,abc"},
        {"start_date__gte": "99999-01-01"},
    ],
)
def test_a_value_no_field_can_hold_redirects_with_e1(admin_client_logged_in, kp_data, query):
    url = reverse("admin:meetings_meeting_changelist")
    response = admin_client_logged_in.get(url, query)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_an_address_that_is_not_one_redirects_with_e1(admin_client_logged_in):
    """PostgreSQL's inet column refused ?ip_address=abc with a DataError (a 500 there); SQLite found nothing."""
    url = reverse("admin:axes_accessattempt_changelist")
    response = admin_client_logged_in.get(url, {"ip_address": "abc"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"
    assert admin_client_logged_in.get(url, {"ip_address": "192.0.2.1"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"title__regex": "["},  # SQLite: an error in its regexp function (a 503 by DatabaseUnavailableMiddleware)
        {"title__iregex": "(a+)+$"},
        {"title__range": "ab,c"},  # a string, not a pair: the wrong number of parameters
        {"title__unaccent": "a"},  # django.contrib.postgres: needs an extension, and SQLite has none
        {"title__trigram_similar": "a"},
        {"title__search": "a"},
        {"start_date__year__regex": "1"},
    ],
)
def test_a_lookup_outside_the_plain_comparisons_is_a_400(admin_client_logged_in, kp_data, query):
    response = admin_client_logged_in.get(reverse("admin:meetings_meeting_changelist"), query)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"title__icontains": "kimberley"},
        {"start_date__year": "2024", "start_date__month": "11"},
        {"start_date__gte": "2020-01-01"},
        {"number__in": "1,2"},
        {"chair__id__exact": "1"},
        {"kind__exact": "plenary"},
    ],
)
def test_plain_comparisons_still_filter(admin_client_logged_in, kp_data, query):
    assert admin_client_logged_in.get(reverse("admin:meetings_meeting_changelist"), query).status_code == 200


@pytest.mark.parametrize("object_id", ["abc", "1.5", "-", str(2**70), "_2F"])
def test_an_impossible_id_in_a_history_url_redirects_like_the_change_view(admin_client_logged_in, kp_data, object_id):
    response = admin_client_logged_in.get(f"/admin/meetings/meeting/{object_id}/history/", follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert "doesn’t exist" in [str(message) for message in response.context["messages"]][0]


@pytest.mark.parametrize("version_id", ["abc", str(2**70), "1e3"])
def test_an_impossible_version_in_a_history_url_is_a_404(admin_client_logged_in, kp_data, version_id):
    meeting = Meeting.objects.order_by("pk").first()
    for object_id in [str(meeting.pk), "abc"]:
        response = admin_client_logged_in.get(f"/admin/meetings/meeting/{object_id}/history/{version_id}/")
        assert response.status_code == 404


def test_the_history_of_a_real_object_and_version_still_answers(admin_client_logged_in, kp_data):
    meeting = Meeting.objects.order_by("pk").first()
    meeting.title += " (renamed)"
    meeting.save()
    version = meeting.history.latest()
    assert admin_client_logged_in.get(f"/admin/meetings/meeting/{meeting.pk}/history/").status_code == 200
    response = admin_client_logged_in.get(f"/admin/meetings/meeting/{meeting.pk}/history/{version.history_id}/")
    assert response.status_code == 200


def test_the_history_of_a_deleted_object_still_answers(admin_client_logged_in, kp_data):
    """simple_history lists a deleted object's history from its records: a valid id that is gone is not refused."""
    meeting = Meeting.objects.order_by("pk").first()
    pk = meeting.pk
    meeting.delete()
    assert admin_client_logged_in.get(f"/admin/meetings/meeting/{pk}/history/").status_code == 200


@pytest.mark.parametrize("selected", [["abc"], ["1.5", "-"], [str(2**70), "abc"]])
def test_impossible_selected_ids_are_no_rows_for_an_admin_action(admin_client_logged_in, kp_data, selected):
    """As test_fuzz_admin's id beyond 64 bits: what cannot be an id selects nothing ("Items must be selected")."""
    url = reverse("admin:meetings_source_changelist")
    response = admin_client_logged_in.post(url, {"action": "delete_selected", "_selected_action": selected})
    assert response.status_code == 302
    assert response["Location"] == url


def test_an_impossible_selected_id_beside_a_real_one_is_left_out(admin_client_logged_in, kp_data):
    source = SourceFactory()
    response = admin_client_logged_in.post(
        reverse("admin:meetings_source_changelist"),
        {"action": "delete_selected", "_selected_action": ["abc", str(source.pk)]},
    )
    assert response.status_code == 200
    assert list(response.context["queryset"]) == [source]


def test_a_third_party_admin_judges_its_dates_too(admin_client_logged_in):
    """django-axes' admin has a date hierarchy of its own: the site gives every ModelAdmin the same answers."""
    url = reverse("admin:axes_accessattempt_changelist")
    response = admin_client_logged_in.get(url, {"attempt_time__year": "99999999999999999999"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_every_registered_model_admin_judges_its_inputs():
    """The site adds the mixin to every ModelAdmin, ours and third-party ones alike."""
    from kptracker.admin_site import AdminInputsMixin

    assert {"meetings", "positions", "reports", "auth", "axes"} <= {
        model._meta.app_label for model in admin.site._registry
    }
    assert [
        str(model_admin)
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, AdminInputsMixin)
    ] == []
