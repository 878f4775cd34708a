"""Horizontal bar charts as SVG drawn by the template (console/_macros.html.jinja).

Written by hand: matplotlib's SVG (what the CLI's HTML report uses) styles every shape with
inline ``style`` attributes, which the console's Content-Security-Policy refuses, and takes a
few hundred milliseconds per chart. Bars here are plain ``<rect>`` elements with a class;
the style sheet colours them, and the same numbers are in a table beside each chart.
"""

from __future__ import annotations

from dataclasses import dataclass

ROW_HEIGHT = 26
LABEL_WIDTH = 210
BAR_SPACE = 300
WIDTH = LABEL_WIDTH + BAR_SPACE + 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH


def bar_chart(items: list[tuple[str, int]]) -> BarChart:
    top = max((value for _, value in items), default=0) or 1
    bars = [
        Bar(label, value, index * ROW_HEIGHT, round(BAR_SPACE * value / top, 1))
        for index, (label, value) in enumerate(items)
    ]
    return BarChart(bars, max(1, len(bars)) * ROW_HEIGHT)
