"""Source locations as links into the source's numbered paragraphs."""

from django import template

from pages.passages import link_paragraphs, passage_url

register = template.Library()


@register.filter
def source_location_links(position):
    """A position's source location, each "paragraph N" a link to that paragraph of its source, the
    position's quoted words marked there."""
    return link_paragraphs(position.source_location, passage_url(position).split("#")[0])
