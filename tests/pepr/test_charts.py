"""Server-rendered SVG charts: well-formed, accessible, drawn to scale, with their data as rows."""
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from pepr.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(chart):
    return ET.fromstring(str(chart.svg))


def _bars(root):
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def _assert_accessible(root, chart):
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == chart.title and desc.text
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]


def test_bar_chart_is_accessible_proportional_and_returns_its_rows():
    data = [("Draft", 3), ("Submitted", 12), ("Withdrawn", 0), ("Funded", Decimal("6"))]
    chart = charts.bar_chart(data, title="Applications by status", chart_id="status")
    root = _parse(chart)
    _assert_accessible(root, chart)
    assert chart.rows == data
    widths = [float(bar.get("width")) for bar in _bars(root)]
    assert len(widths) == 4 and widths[2] == 0
    for width, (_label, value) in zip(widths, data):
        assert width / widths[1] == pytest.approx(float(value) / 12, rel=1e-3)
    # The description spells the data out for screen readers.
    assert "Submitted: 12" in root.find(f"{SVG}desc").text


def test_bar_chart_escapes_labels_and_keeps_them_whole_in_the_rows():
    long_label = "Axe 1 : <cellules> & « tissus » " + "x" * 60
    chart = charts.bar_chart([(long_label, 1)], title="T & <b>", chart_id="escaped")
    root = _parse(chart)  # would raise on unescaped markup
    assert root.find(f"{SVG}title").text == "T & <b>"
    assert chart.rows[0][0] == long_label
    drawn = [text.text for text in root.iter(f"{SVG}text")]
    assert any(t.endswith("…") and t.startswith("Axe 1 : <cellules>") for t in drawn)


def test_bar_chart_of_nothing_or_zeros_still_draws():
    for data in ([], [("A", 0), ("B", None)]):
        chart = charts.bar_chart(data, title="Empty")
        root = _parse(chart)
        assert all(float(bar.get("width")) == 0 for bar in _bars(root))
    assert charts.bar_chart([("A", None)], title="None").rows == [("A", 0)]


def test_values_are_written_in_the_active_language():
    with translation.override("fr"):
        chart = charts.bar_chart([("Budget", 1234567)], title="Budget",
                                 value_format=lambda v: f"{charts.number(v)} €")
    texts = [text.text for text in _parse(chart).iter(f"{SVG}text")]
    assert "1\xa0234\xa0567 €" in texts
    with translation.override("en"):
        assert charts.number(Decimal("2.5"), 2) == "2.50"


def test_histogram_is_accessible_proportional_and_returns_its_rows():
    edges = [Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("2.5"), Decimal("3")]
    counts = [2, 8, 4, 0]
    with translation.override("en"):
        chart = charts.histogram(counts, edges, title="Mean scores", chart_id="scores")
    root = _parse(chart)
    _assert_accessible(root, chart)
    assert [value for _label, value in chart.rows] == counts
    assert [label for label, _value in chart.rows] == [
        "[1, 1.50)", "[1.50, 2)", "[2, 2.50)", "[2.50, 3]"]
    bars = _bars(root)
    heights = [float(bar.get("height")) for bar in bars]
    for height, count in zip(heights, counts):
        assert height / heights[1] == pytest.approx(count / 8, rel=1e-3)
    # Adjacent bins of equal width, left to right.
    xs = [float(bar.get("x")) for bar in bars]
    widths = {round(float(bar.get("width")), 2) for bar in bars}
    assert xs == sorted(xs) and len(widths) == 1
    assert xs[1] - xs[0] == pytest.approx(float(bars[0].get("width")), abs=0.01)


def test_histogram_needs_one_more_edge_than_counts():
    with pytest.raises(ValueError):
        charts.histogram([1, 2], [0, 1], title="Bad")
    chart = charts.histogram([0, 0], [0, 1, 2], title="Zeros")
    assert all(float(bar.get("height")) == 0 for bar in _bars(_parse(chart)))


def test_the_chart_include_shows_the_svg_and_its_data_table():
    chart = charts.bar_chart([("Axe 1", 4), ("Axe 2", 7)], title="By axis", chart_id="axis",
                             label_header="Axis", value_header="Applications")
    html = render_to_string("reports/_chart.html", {"chart": chart, "collapsed": True})
    assert html.count("<svg") == 1 and 'aria-labelledby="axis-caption"' in html
    assert "<details>" in html
    assert '<th scope="row">Axe 2</th><td class="numeric">7</td>' in html
