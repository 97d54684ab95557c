"""Charts drawn on the server as accessible SVG, each with the same data as rows for a table.

An SVG chart is an image: it carries a <title> and a <desc> (named by aria-labelledby, with
role="img"), and the page shows the same numbers in an HTML table (templates/reports/_chart.html),
so that no one depends on seeing the bars. No JavaScript, no remote file: the markup is inlined in
web pages and in the HTML given to WeasyPrint alike.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

FONT = "DejaVu Sans, sans-serif"
BAR_COLOUR = "#000091"  # the French State's blue, 11:1 contrast on white
TEXT_COLOUR = "#161616"
GRID_COLOUR = "#929292"
LABEL_CHARS = 36  # longer category labels are shortened in the drawing, never in the table


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString
    label_header: str
    value_header: str
    rows: list = field(default_factory=list)  # [(label, value)], in the order drawn

    def __html__(self):
        return self.svg


def number(value, decimals=None):
    if isinstance(value, float | Decimal) and decimals is None:
        decimals = 0 if value == int(value) else 2
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _shorten(text, limit=LABEL_CHARS):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chart_id(chart_id, title):
    return chart_id or f"chart-{slugify(title) or 'data'}"


def _open_svg(chart_id, title, description, width, height):
    return [
        (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
         f'aria-labelledby="{chart_id}-title {chart_id}-desc" width="{width}" height="{height}" '
         f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11" '
         f'fill="{TEXT_COLOUR}">'),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _describe(rows, value_format):
    if not rows:
        return _("No data.")
    return "; ".join(f"{label}: {value_format(value)}" for label, value in rows) + "."


def bar_chart(data, *, title, description="", chart_id=None, label_header=None,
              value_header=None, value_format=None, width=560, bar_height=18, gap=6):
    """Horizontal bars, one per (label, value) pair of `data`, the longest for the largest value.

    Values are non-negative numbers (int, Decimal, float); None counts as 0. `value_format`
    turns a value into the text written after its bar and in the description (default: the
    number in the active language's format).
    """
    rows = [(str(label), value if value is not None else 0) for label, value in data]
    value_format = value_format or number
    chart_id = _chart_id(chart_id, title)
    description = description or _describe(rows, value_format)
    padding = 6
    # DejaVu Sans at 11 px averages about 6.6 px a character; the columns fit the longest text.
    longest_label = max((len(_shorten(label)) for label, _value in rows), default=1)
    longest_value = max((len(value_format(value)) for _label, value in rows), default=1)
    label_width = min(int(width * 0.45), int(6.6 * longest_label) + 2 * padding)
    value_width = int(6.6 * longest_value) + padding
    bar_area = width - label_width - value_width - padding
    height = max(1, len(rows)) * (bar_height + gap) + gap
    largest = max((float(value) for _label, value in rows), default=0)
    parts = _open_svg(chart_id, title, description, width, height)
    parts.append(f'<line x1="{label_width}" y1="0" x2="{label_width}" y2="{height}" '
                 f'stroke="{GRID_COLOUR}" stroke-width="1"/>')
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = bar_area * float(value) / largest if largest > 0 else 0
        baseline = y + bar_height * 0.72
        parts.append(
            f'<g class="bar-group"><title>{escape(label)}: {escape(value_format(value))}</title>'
            f'<text x="{label_width - padding}" y="{baseline:.1f}" text-anchor="end">'
            f'{escape(_shorten(label))}</text>'
            f'<rect class="bar" x="{label_width}" y="{y}" width="{length:.2f}" '
            f'height="{bar_height}" fill="{BAR_COLOUR}" data-value="{value}"/>'
            f'<text x="{label_width + length + padding:.2f}" y="{baseline:.1f}">'
            f'{escape(value_format(value))}</text></g>'
        )
    parts.append("</svg>")
    return Chart(id=chart_id, title=str(title), description=str(description),
                 svg=mark_safe("".join(parts)), label_header=str(label_header or _("Category")),
                 value_header=str(value_header or _("Value")), rows=rows)


def bin_label(low, high, *, last):
    """“[1.5, 2)”, or “[2.5, 3]” for the last bin, which includes its upper edge."""
    return f"[{number(low)}, {number(high)}{']' if last else ')'}"


def histogram(counts, edges, *, title, description="", chart_id=None, label_header=None,
              value_header=None, width=560, height=220):
    """Adjacent vertical bars: `counts[i]` values fall in [edges[i], edges[i+1]) (the last bin
    also holds its upper edge). The counts come already binned, from the database."""
    counts, edges = list(counts), list(edges)
    if len(edges) != len(counts) + 1:
        raise ValueError("A histogram needs one more edge than counts.")
    rows = [(bin_label(edges[i], edges[i + 1], last=i == len(counts) - 1), count)
            for i, count in enumerate(counts)]
    chart_id = _chart_id(chart_id, title)
    description = description or _describe(rows, number)
    left, right, top, bottom = 44, 12, 18, 34
    plot_width, plot_height = width - left - right, height - top - bottom
    largest = max(counts, default=0)
    bin_width = plot_width / max(1, len(counts))
    parts = _open_svg(chart_id, title, description, width, height)
    axis_y = top + plot_height
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" '
                 f'stroke="{GRID_COLOUR}" stroke-width="1"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis_y}" '
                 f'stroke="{GRID_COLOUR}" stroke-width="1"/>')
    parts.append(f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{number(largest)}</text>')
    parts.append(f'<text x="{left - 4}" y="{axis_y}" text-anchor="end">0</text>')
    for index, ((label, count), low) in enumerate(zip(rows, edges)):
        x = left + index * bin_width
        bar = plot_height * count / largest if largest > 0 else 0
        parts.append(
            f'<g class="bar-group"><title>{escape(label)}: {number(count)}</title>'
            f'<rect class="bar" x="{x:.2f}" y="{axis_y - bar:.2f}" width="{bin_width:.2f}" '
            f'height="{bar:.2f}" fill="{BAR_COLOUR}" stroke="#ffffff" stroke-width="1" '
            f'data-value="{count}"/></g>'
        )
        parts.append(f'<text x="{x:.2f}" y="{axis_y + 14}" text-anchor="middle" '
                     f'font-size="9">{number(low)}</text>')
    parts.append(f'<text x="{width - right:.2f}" y="{axis_y + 14}" text-anchor="middle" '
                 f'font-size="9">{number(edges[-1])}</text>')
    parts.append("</svg>")
    return Chart(id=chart_id, title=str(title), description=str(description),
                 svg=mark_safe("".join(parts)), label_header=str(label_header or _("Interval")),
                 value_header=str(value_header or _("Count")), rows=rows)


def applications_by_status(rows):
    """The "applications by status" chart, the same on the call dashboard and in the PDF."""
    return bar_chart(rows, chart_id="by-status", title=_("Applications by status"),
                     label_header=_("Status"), value_header=_("Applications"))


def applications_by_axis(rows):
    """The "applications in competition by axis" chart of the call dashboard and the PDF."""
    return bar_chart(rows, chart_id="by-axis", title=_("Applications in competition by axis"),
                     label_header=_("Axis"), value_header=_("Applications"))
