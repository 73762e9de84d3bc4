"""The annual report as an organisation would publish it: charts only where they say something, in shades
that print in grey; a tagged PDF (PDF/UA) a screen reader can navigate."""

import io

import pypdf
import pytest
from pypdf.generic import DictionaryObject, IndirectObject

from refugiu.reports.annual import render_html, render_pdf
from refugiu.reports.charts import BAR_COLOUR, MUTED_COLOUR, ChartItem, says_something


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- Charts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "drawn"),
    [
        ([], False),
        ([ChartItem("not recorded", 283, muted=True)], False),  # the seed's one bar
        ([ChartItem("judge", 12)], False),
        ([ChartItem("Jan.", 0), ChartItem("Feb.", 3), ChartItem("March", 0)], False),
        ([ChartItem("judge", 12), ChartItem("not recorded", 283, muted=True)], True),
        ([ChartItem("judge", 0), ChartItem("not recorded", 283, muted=True)], False),
        ([ChartItem("judge", 12), ChartItem("lawyer", 4)], True),
    ],
)
def test_a_chart_is_drawn_only_when_it_compares_two_figures(items, drawn):
    assert says_something(items) is drawn


def test_the_two_shades_stand_out_on_paper_and_from_each_other_in_grey():
    assert _contrast(BAR_COLOUR, "#ffffff") >= 3
    assert _contrast(MUTED_COLOUR, "#ffffff") >= 3
    assert _contrast(BAR_COLOUR, MUTED_COLOUR) >= 2.5  # lightness, not hue: still apart printed in grey


def test_the_2019_report_says_in_words_what_one_bar_would_have_drawn(report_2019):
    charts = report_2019.charts
    assert charts.participants_per_profession is None
    assert charts.profession_words == "The profession of all 283 participants counted was not recorded."
    assert charts.participants_per_event is not None and charts.events_per_month is not None
    page = render_html(report_2019)
    assert "chart-participants-per-profession" not in page
    assert charts.profession_words in page
    assert page.count('<figure class="chart">') == 2


# --- The tagged PDF -----------------------------------------------------------------------------------------


def _structure(pdf: bytes) -> tuple[DictionaryObject, list[DictionaryObject]]:
    """The catalogue and every structure element of the tree, depth first."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalogue = reader.trailer["/Root"].get_object()
    elements: list[DictionaryObject] = []

    def walk(node: object) -> None:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject) and node.get("/Type") != "/MCR" and "/S" in node:
            elements.append(node)
            walk(node.get("/K", []))

    walk(catalogue["/StructTreeRoot"].get_object().get("/K", []))
    return catalogue, elements


def test_the_pdf_is_tagged_for_screen_readers(report_2019):
    """PDF/UA: a structure tree with the headings and the figures' alternative text, the language and the
    title; a screen reader navigates by them."""
    catalogue, elements = _structure(render_pdf(report_2019))
    assert catalogue["/MarkInfo"]["/Marked"] in (True, "true")
    assert str(catalogue["/Lang"]).startswith("en")
    kinds = [str(element["/S"]) for element in elements]
    assert kinds.count("/H1") == 1  # the organisation's name on the cover
    assert kinds.count("/H2") >= 8  # a chapter each
    assert "/H3" in kinds and "/Table" in kinds and "/L" in kinds
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert len(figures) >= 2  # the two charts that say something
    assert all(str(figure.get("/Alt", "")).strip() for figure in figures)
    alternatives = {str(figure["/Alt"]) for figure in figures}
    assert "Participants per event, 2019" in alternatives
