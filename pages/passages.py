"""A source's text in numbered paragraphs, and the places that point into it.

The paragraph rule is the curated record's (docs/curation/issue-13.md §0): paragraph N is the N-th
line of the stored text that holds more than white space (a line of only a non-breaking space is
empty), counting headline, dateline and captions. Positions cite "paragraph 5"; the source page gives
each paragraph the anchor #p5, and a link from a position marks its quoted words there.

Nothing here changes the text: paragraphs are the stored lines, verbatim, and a quote is found in
them with the same tolerance as the quote check (spacing and typographic quote marks).
"""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from meetings.quotes import quote_pattern

# "paragraph 5", "paragraphs 5 and 6", "paragraphs 5-7", "¶5", "¶ 5": the first number is the place.
PARAGRAPH_REFERENCE = re.compile(r"(?:\bparagraphs?\s+|¶\s?)(\d{1,4})", re.IGNORECASE)


@dataclass
class Paragraph:
    number: int
    text: str
    # The quoted words' span in `text`, when a position's quote was found in this paragraph.
    mark: tuple | None = None

    @property
    def anchor(self):
        return f"p{self.number}"

    def html(self):
        if self.mark is None:
            return escape(self.text)
        start, end = self.mark
        return format_html('{}<mark id="quoted">{}</mark>{}', self.text[:start], self.text[start:end], self.text[end:])


def paragraphs(text):
    """The stored text's paragraphs, numbered from 1, each line verbatim."""
    lines = (text or "").splitlines()
    return [Paragraph(n, line) for n, line in enumerate((line for line in lines if line.strip()), start=1)]


def paragraph_number(location):
    """The paragraph a source location names ("paragraph 5", "paragraphs 5 and 6": 5), or None."""
    found = PARAGRAPH_REFERENCE.search(location or "")
    return int(found.group(1)) if found else None


def mark_quote(paragraph_list, quote, near=None):
    """Mark the quote in the first paragraph holding it whole, trying the cited paragraph first.
    Returns the paragraph marked, or None (a quote not found, or running across paragraphs)."""
    pattern = quote_pattern(quote or "")
    if pattern is None:
        return None
    ordered = sorted(paragraph_list, key=lambda p: (p.number != near, p.number))
    for paragraph in ordered:
        found = pattern.search(paragraph.text)
        if found:
            paragraph.mark = found.span()
            return paragraph
    return None


def link_paragraphs(location, source_url):
    """The source location as HTML, each "paragraph N" a link to that paragraph of the source."""
    location = location or ""
    html, last = SafeString(""), 0
    for match in PARAGRAPH_REFERENCE.finditer(location):
        html += escape(location[last : match.start()])
        html += format_html('<a href="{}#p{}">{}</a>', source_url, match.group(1), match.group(0))
        last = match.end()
    return html + escape(location[last:])


def passage_url(position):
    """Where a position's words are in its source: the paragraph it cites, its quote marked."""
    url = f"{reverse('pages:source-detail', args=[position.source_id])}?position={position.pk}"
    number = paragraph_number(position.source_location)
    if number:
        return f"{url}#p{number}"
    return f"{url}#quoted" if position.quote else url
