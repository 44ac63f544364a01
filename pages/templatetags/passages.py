"""Source locations as links into the source's numbered paragraphs."""

from django import template
from django.urls import reverse

from pages.passages import link_paragraphs, passage_url

register = template.Library()


@register.filter
def source_location_links(position):
    """A position's source location, each "paragraph N" a link to that paragraph of its source, the
    position's quoted words marked there."""
    return link_paragraphs(position.source_location, passage_url(position).split("#")[0])


@register.filter
def paragraph_links(location, source):
    """Any source location ("paragraph 7"), each paragraph a link into that source's text."""
    return link_paragraphs(location, reverse("pages:source-detail", args=[source.pk]))
