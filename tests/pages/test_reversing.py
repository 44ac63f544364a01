"""pages/reversing.py: a pattern reversed once gives, for every value, what Django's reverse gives."""

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pages.reversing import reverser

# What the str converter accepts: anything non-empty without a slash; the slug converter: ASCII words.
codes = st.text(st.characters(blacklist_characters="/", blacklist_categories=("Cs",)), min_size=1, max_size=20)
slugs = st.from_regex(r"\A[-a-zA-Z0-9_]{1,30}\Z")


@given(codes)
def test_a_participant_link_is_what_reverse_gives(code):
    link = reverser("pages:participant-detail", "code")
    assert link(code) == reverse("pages:participant-detail", kwargs={"code": code})


@given(slugs)
def test_an_issue_and_a_meeting_link_are_what_reverse_gives(slug):
    for name in ("pages:issue-detail", "pages:meeting-detail"):
        assert reverser(name, "slug")(slug) == reverse(name, kwargs={"slug": slug})
