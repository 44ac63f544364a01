"""The matrix's cells, rendered in Python: a 200 × 60 matrix is 12,000 cells, and the template
engine's per-variable cost made that the slowest part of the page. Every value goes through
format_html, which escapes it; only the row's join of those escaped cells is marked safe."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Most cells are empty: kept short (a 200 x 60 matrix has some 10,000 of them), the 0 read out by
# screen readers and hidden on screen by the stylesheet (.matrix td.e span).
EMPTY_CELL = format_html('<td class="e"><span>{}</span></td>', 0)
CELL = (
    '<td class="cell shade-{}"><a href="{}" title="{}"><span class="n">{}</span>'
    '<span class="names">{}{}</span></a></td>'
)
# A cell with readings (blocks inferred from the sources, not stated in them): hatched, and the count
# of those meetings given apart in its text, so neither colour nor pattern is the only signal.
CELL_WITH_READINGS = (
    '<td class="cell shade-{} has-readings"><a href="{}" title="{}"><span class="n">{}</span>'
    '<span class="inferred">{} inferred</span><span class="names">{}{}</span></a></td>'
)


def _cell(cell):
    if not cell.count:
        return EMPTY_CELL
    more = f" +{cell.unnamed} more" if cell.unnamed else ""
    title = "; ".join(m["title"] for m in cell.named) + (f" and {cell.unnamed} more" if cell.unnamed else "")
    names = ", ".join(m["short"] for m in cell.named)
    if cell.inferred:
        title += f" ({cell.inferred} of {cell.count} inferred: a reading of the sources, not their words)"
        return format_html(CELL_WITH_READINGS, cell.shade, cell.url, title, cell.count, cell.inferred, names, more)
    return format_html(CELL, cell.shade, cell.url, title, cell.count, names, more)


@register.simple_tag
def matrix_cells(row):
    # What format_html_join does, less its second format_html round per cell: every part is already
    # format_html's escaped output (checked, cheaply), so their concatenation is safe as it stands.
    parts = [_cell(cell) for cell in row.cells]
    assert all(type(part) is SafeString for part in parts)
    return mark_safe("".join(parts))  # noqa: S308 - a join of format_html outputs, no raw data
