"""The matrix's rows and header, rendered in Python: a 200 × 60 matrix is 12,000 cells, and the template
engine's per-variable cost (and a `reverse` per row and column) made rendering several times slower
than the page's SQL. Every value from the data is escaped with `html.escape` (what Django's `escape`
does, without its lazy-string wrapper) and every number is formatted as an int, so only these strings,
built here, are marked safe."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from pages.reversing import reverser

register = template.Library()

# Most cells are empty: kept short (a 200 x 60 matrix has some 10,000 of them), the 0 read out by
# screen readers and hidden on screen by the stylesheet (.matrix td.e span).
EMPTY_CELL = '<td class="e"><span>0</span></td>'


def _cell(cell):
    if not cell.count:
        return EMPTY_CELL
    more = f" +{cell.unnamed:d} more" if cell.unnamed else ""
    title = "; ".join(m["title"] for m in cell.named) + (f" and {cell.unnamed:d} more" if cell.unnamed else "")
    names = escape(", ".join(m["short"] for m in cell.named))
    if cell.inferred:
        # A cell with readings (blocks inferred from the sources, not stated in them): hatched, and the
        # count of those meetings given apart in its text, so neither colour nor pattern is the only signal.
        title += f" ({cell.inferred:d} of {cell.count:d} inferred: a reading of the sources, not their words)"
        return (
            f'<td class="cell shade-{cell.shade:d} has-readings"><a href="{escape(cell.url)}" title="{escape(title)}">'
            f'<span class="n">{cell.count:d}</span><span class="inferred">{cell.inferred:d} inferred</span>'
            f'<span class="names">{names}{more}</span></a></td>'
        )
    return (
        f'<td class="cell shade-{cell.shade:d}"><a href="{escape(cell.url)}" title="{escape(title)}">'
        f'<span class="n">{cell.count:d}</span><span class="names">{names}{more}</span></a></td>'
    )


def _cells(row):
    """A row's cells: the empty ones (most of them) as one shared string, only the others formatted."""
    html = [EMPTY_CELL] * len(row.cells)
    for index in row.filled:
        html[index] = _cell(row.cells[index])
    return "".join(html)


@register.simple_tag
def matrix_head(matrix):
    """The header row: a column per issue (or meeting), linked to its page, then the total."""
    url = reverser("pages:meeting-detail" if matrix["by_meeting"] else "pages:issue-detail", "slug")
    columns = "".join(
        f'<th scope="col"><a href="{escape(url(c["slug"]))}">{escape(c["title"])}</a></th>' for c in matrix["columns"]
    )
    return mark_safe(f'<tr><th scope="col" class="corner">Participant</th>{columns}<th scope="col">Total</th></tr>')  # noqa: S308


@register.simple_tag
def matrix_rows(rows):
    """A section's rows: the participant, linked to its page, its cells, its total."""
    url = reverser("pages:participant-detail", "code")
    html = []
    for row in rows:
        p = row.participant
        html.append(
            f'<tr><th scope="row"><a href="{escape(url(p["code"].lower()))}">{escape(p["name"])}</a> '
            f'<span class="muted">{escape(p["code"])}</span></th>{_cells(row)}'
            f'<td class="num total">{row.total:d}</td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - built above from escaped values and ints
