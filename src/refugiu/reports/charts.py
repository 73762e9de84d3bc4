"""Small charts drawn on the server as SVG, for the annual report (inline in the HTML; WeasyPrint draws them
in the PDF). Nothing is fetched and no script runs. Each chart has a <title> and a <desc> for screen readers;
the report also shows the same figures as a table beside it.

Every piece of text is escaped: the labels come from the database.

Colours: two shades of one blue, far apart in lightness, so that a chart printed in grey still tells them
apart (and every bar carries its value and label, so no colour is needed to read it): `BAR_COLOUR` for
figures, `MUTED_COLOUR` for what is not a figure of anything (participants whose profession was not
recorded). Both stand out from the white page by at least 3:1 (WCAG's contrast for graphics).

A chart is drawn only when it says something (`says_something`): one rule, applied by the report's builder
to every chart.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#1f4a6b"  # contrast 9.3:1 on white
MUTED_COLOUR = "#7391a8"  # 3.3:1 on white, 2.8:1 against BAR_COLOUR: a lighter grey once printed
TEXT_COLOUR = "#1d2a33"
GRID_COLOUR = "#c9d3da"
FONT = "Roboto, 'DejaVu Sans', sans-serif"


@dataclass(frozen=True)
class ChartItem:
    label: str
    value: int
    muted: bool = False  # not a figure of anything: drawn in the lighter shade


def says_something(items: list[ChartItem]) -> bool:
    """Whether a chart of `items` is worth drawing: it compares at least two bars that are not zero, one of
    them at least a real figure (not only what was not recorded).

    One bar (the seed's 2019 report had one: "not recorded 283"), or one among empty ones, says nothing a
    sentence does not say better; the report then says it in words, and the table beside gives the figures
    either way."""
    drawn = [item for item in items if item.value > 0]
    return len(drawn) >= 2 and any(not item.muted for item in drawn)


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _open(width: int, height: int, title: str, desc: str, chart_id: str) -> list[str]:
    chart_id = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT}" font-size="11">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def bar_chart(
    items: list[ChartItem], *, ident: str, title: str, desc: str, width: int = 640, label_width: int = 250
) -> SafeString:
    """Horizontal bars, one per item, the value written at the end of each bar (`ident`: an id unique in
    the page)."""
    row, top = 20, 8
    height = top * 2 + row * max(len(items), 1)
    parts = _open(width, height, title, desc, ident)
    largest = max((item.value for item in items), default=0) or 1
    room = width - label_width - 50
    for index, item in enumerate(items):
        y = top + index * row
        length = round(room * item.value / largest)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" fill="{TEXT_COLOUR}">'
            f"{escape(_shorten(item.label, 42))}</text>"
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{max(length, 1)}" height="{row - 6}" '
            f'fill="{MUTED_COLOUR if item.muted else BAR_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 4}" y="{y + 13}" fill="{TEXT_COLOUR}">{item.value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


def column_chart(
    items: list[ChartItem], *, ident: str, title: str, desc: str, width: int = 640, height: int = 200
) -> SafeString:
    """Vertical columns, e.g. events per month; labels under the columns, values above them."""
    bottom, top, left = 30, 18, 10
    parts = _open(width, height, title, desc, ident)
    largest = max((item.value for item in items), default=0) or 1
    slot = (width - 2 * left) / max(len(items), 1)
    room = height - top - bottom
    base = height - bottom
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - left}" y2="{base}" '
        f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
    )
    for index, item in enumerate(items):
        x = left + index * slot
        length = round(room * item.value / largest)
        centre = round(x + slot / 2, 1)
        if item.value:
            parts.append(
                f'<rect x="{round(x + slot * 0.2, 1)}" y="{base - length}" width="{round(slot * 0.6, 1)}" '
                f'height="{length}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{centre}" y="{base - length - 4}" text-anchor="middle" fill="{TEXT_COLOUR}">'
            f"{item.value}</text>"
        )
        parts.append(
            f'<text x="{centre}" y="{base + 14}" text-anchor="middle" fill="{TEXT_COLOUR}">'
            f"{escape(_shorten(item.label, 12))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number
