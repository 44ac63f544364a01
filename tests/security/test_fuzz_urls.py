"""No query string, however odd, makes a public page or an export answer 5xx; a foreign Host is a 400."""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .urls import public_url_names, sample_urls, takes_arguments

pytestmark = pytest.mark.django_db

KNOWN_PARAMETERS = [
    "page",
    "q",
    "year_from",
    "year_to",
    "kind",
    "stance",
    "stances",
    "by",
    "show",
    "meeting",
    "issue",
    "participant",
    "attribution",
    "format",
    "download",
]
ODD_VALUES = [
    "",
    "\x00",
    "R\x00S",
    "0",
    "-1",
    "1e9999",
    "NaN",
    "inf",
    "9" * 400,
    "2024-02-30",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "%00",
    "%zz",
    "plenary",
    "blocks",
    "rus",
    "RUS",
    "russia-ukraine",
    "meeting",
]
RAW_TAILS = ["", "&", "%ff%fe", "%c3%28", "a=%", "=&=", "&&&", "x[]=1&x[]=2", ";;", "%E2%82"]

values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(ODD_VALUES),
    # Very long values: a few characters repeated up to 6,000 times.
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(min_value=200, max_value=2000)),
)
names = st.one_of(st.sampled_from(KNOWN_PARAMETERS), st.text(max_size=20))


@st.composite
def query_strings(draw):
    """A QUERY_STRING as a WSGI server hands it over: percent-encoded, or raw bytes read as Latin-1."""
    pairs = draw(st.lists(st.tuples(names, values), max_size=6))
    # Repeat a parameter now and then: ?kind=a&kind=b.
    if pairs and draw(st.booleans()):
        pairs.append((pairs[0][0], draw(values)))
    if draw(st.booleans()):
        query = urlencode(pairs)
    else:
        query = "&".join(f"{quote(k, safe='')}={v}" for k, v in pairs)
        query = query.encode("utf-8").decode("latin-1")
    return query + draw(st.sampled_from(RAW_TAILS))


def fetch(client, path, **extra):
    response = client.get(path, **extra)
    if response.streaming:
        # An export streams: an error while writing a row would only show when it is read.
        b"".join(response.streaming_content)
    return response


@pytest.fixture
def urls(kp_data):
    return sample_urls()


def test_every_public_url_has_a_sample(kp_data):
    """A new page with arguments needs an object whose get_absolute_url reaches it, or it goes unfuzzed."""
    assert set(sample_urls()) == set(public_url_names())


def test_the_exports_are_among_the_fuzzed_urls():
    names = public_url_names()
    assert "pages:timeline" in names and "pages:matrix" in names
    assert any(name.startswith("exports:") for name in names)


@pytest.mark.parametrize("name", public_url_names())
def test_arbitrary_query_strings_never_give_a_server_error(client, urls, name):
    path = urls[name]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(query=query_strings())
    def check(query):
        response = fetch(client, path, QUERY_STRING=query)
        assert response.status_code < 500, f"{path}?{query!r} answered {response.status_code}"

    check()


@pytest.mark.parametrize("name", public_url_names())
def test_a_foreign_host_is_refused(client, urls, name):
    response = client.get(urls[name], HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert b"attacker.example" not in response.content


CONTROL_CHARACTERS = st.characters(codec="utf-8", max_codepoint=0x1F) | st.sampled_from(["\x7f", "\x85", "\u2028"])
PATH_VALUES = st.one_of(
    st.text(min_size=1, max_size=60),
    st.integers(min_value=0, max_value=10**40).map(str),
    st.sampled_from(["0", "-1", "9223372036854775807", "9223372036854775808", "%00", "..", "a" * 300]),
    # NUL (PostgreSQL cannot hold one) and the other control characters, alone or inside a plausible value.
    st.sampled_from(["\x00", "RUS\x00", "R\x00S", "\t", "\r\n", "\x1b[31m", "\x7f"]),
    st.builds(
        lambda a, c, b: a + c + b,
        st.sampled_from(["", "RUS", "1", "kp"]),
        st.text(CONTROL_CHARACTERS, min_size=1),
        st.sampled_from(["", "RUS", "1"]),
    ),
)


def assert_no_server_error(response, path):
    assert response.status_code < 500, f"{path!r} answered {response.status_code}"
    if "\x00" in path:
        assert response.status_code == 400, f"{path!r} carried a NUL and answered {response.status_code}"


@pytest.mark.parametrize("name", [name for name in public_url_names() if takes_arguments(name)])
def test_arbitrary_path_arguments_never_give_a_server_error(client, urls, name):
    """/sources/<huge number>/, /meetings/<unicode>/, /participants/<NUL>/: a 4xx, never a 5xx."""
    path = urls[name]
    prefix = path.rstrip("/").rsplit("/", 1)[0] + "/"

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(value=PATH_VALUES)
    def check(value):
        response = fetch(client, prefix + quote(value, safe="") + "/")
        assert_no_server_error(response, prefix + value + "/")

    check()


@pytest.mark.parametrize("name", public_url_names())
def test_control_characters_anywhere_in_a_path_never_give_a_server_error(client, urls, name):
    """A NUL or another control character at any place in a page's path (not only in an argument)."""
    path = urls[name]

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(
        where=st.integers(min_value=1, max_value=len(path)),
        inserted=st.text(CONTROL_CHARACTERS, min_size=1, max_size=3),
    )
    def check(where, inserted):
        odd = path[:where] + inserted + path[where:]
        response = fetch(client, quote(odd, safe="/"))
        assert_no_server_error(response, odd)

    check()
