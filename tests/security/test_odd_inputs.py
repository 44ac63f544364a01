"""The odd inputs of issue 11, item 8, each once: a NUL anywhere is a 400; the admin answers an impossible
date or id as Django answers its own (a redirect with ?e=1, a redirect with a message, a 404).

Each was a 500 on e410cec: the NUL ones on PostgreSQL (psycopg2 refuses a NUL in a string literal with
a ValueError), the others on both databases. The fuzzing in test_fuzz_admin_requests.py and
test_fuzz_urls.py looks for more of the same kind.
"""

import pytest
from django.urls import reverse

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
