"""Charts drawn on the server as SVG shapes (templates' partials/chart.html draws them): bars
laid out here in a 360-unit-wide view box, so a phone shows them at their natural size and
the stylesheet colours them for light and dark. Each chart carries a one-line summary (its
text alternative) and its numbers as a table."""

from dataclasses import dataclass

WIDTH = 360
LABEL_SPACE = 18  # under a column chart, for its labels
ROW_HEIGHT, ROW_LABEL_WIDTH, COUNT_SPACE = 22, 110, 40  # a row chart's rows


@dataclass(frozen=True)
class Bar:
    label: str  # as the table and a screen reader give it
    short: str  # as the chart writes it ("" where there is no room)
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str
    headings: tuple[str, str]  # of the table's two columns: what each bar is, and its number
    bars: list[Bar]
    height: int
    rows: bool  # horizontal bars, label at the left


def column_chart(
    chart_id: str,
    title: str,
    headings: tuple[str, str],
    items: list[tuple[str, str, int]],
    summary: str,
    height: int = 150,
) -> Chart:
    """Vertical bars, one per (label, short label, value), left to right."""
    top = max((value for *_, value in items), default=0) or 1
    slot = WIDTH / max(len(items), 1)
    plot = height - LABEL_SPACE - 14  # room for a value above the tallest bar
    every = max(1, round(len(items) / 12))  # at most about a dozen labels fit under the bars
    bars = []
    for index, (label, short, value) in enumerate(items):
        bar_height = plot * value / top
        bars.append(
            Bar(
                label,
                short if index % every == 0 else "",
                value,
                x=round(index * slot + slot * 0.15, 1),
                y=round(height - LABEL_SPACE - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
            )
        )
    return Chart(chart_id, title, summary, headings, bars, height, rows=False)


def row_chart(
    chart_id: str, title: str, headings: tuple[str, str], items: list[tuple[str, int]], summary: str
) -> Chart:
    """Horizontal bars, one row per (label, value), top to bottom."""
    top = max((value for _, value in items), default=0) or 1
    room = WIDTH - ROW_LABEL_WIDTH - COUNT_SPACE
    bars = [
        Bar(label, label, value, ROW_LABEL_WIDTH, index * ROW_HEIGHT + 3, round(room * value / top, 1), ROW_HEIGHT - 6)
        for index, (label, value) in enumerate(items)
    ]
    return Chart(chart_id, title, summary, headings, bars, max(len(items), 1) * ROW_HEIGHT, rows=True)
