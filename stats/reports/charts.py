"""Charts drawn on the server as SVG: no script, nothing loaded from elsewhere, so the
admin's strict CSP holds. Colours are presentation attributes, not style attributes."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 760
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 16, 44
VIEWS_COLOUR = "#007d7e"
VISITS_COLOUR = "#c2410c"


def number(value) -> str:
    """43712467 -> "43.712.467"."""
    return f"{int(value):,}".replace(",", ".")


def _nice_top(value: int) -> int:
    """A round axis maximum at or above value: four ticks of 1, 2, 2.5 or 5 times a power
    of ten, so the tick labels stay round."""
    quarter = max(value, 1) / 4
    power = 10 ** math.floor(math.log10(quarter)) if quarter >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= quarter and (step * power) == int(step * power):
            return int(step * power) * 4
    return int(10 * power) * 4


def _axis(top: int, plot_h: float) -> SafeString:
    lines = []
    for i in range(5):
        value = top * i // 4
        y = TOP + plot_h - plot_h * i / 4
        lines.append(
            format_html(
                '<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#d9d9d9"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#333">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                LEFT - 6,
                f"{y + 4:.1f}",
                number(value),
                y=f"{y:.1f}",
            )
        )
    return mark_safe("".join(lines))  # noqa: S308 - built with format_html above


def line_chart(points: Sequence, series: Sequence[tuple[str, str, str]], title: str) -> SafeString:
    """Daily values as lines. `points` have .day and the attributes named in `series`
    ((attribute, label, colour), ...)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_top(max((getattr(p, attr) for p in points for attr, _l, _c in series), default=0))
    count = max(len(points), 1)

    def x(i):
        return LEFT + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(value):
        return TOP + plot_h - plot_h * value / top

    parts = [_axis(top, plot_h)]
    for attr, label, colour in series:
        coords = " ".join(f"{x(i):.1f},{y(getattr(p, attr)):.1f}" for i, p in enumerate(points))
        parts.append(
            format_html(
                '<polyline class="stats-chart__line stats-chart__line--{}" points="{}" '
                'fill="none" stroke="{}" stroke-width="2"><title>{}</title></polyline>',
                attr,
                coords,
                colour,
                label,
            )
        )
    # About eight date labels, dd/mm.
    step = max(1, math.ceil(count / 8))
    parts.append(
        format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#333">{}</text>',
            (
                (f"{x(i):.1f}", HEIGHT - BOTTOM + 16, f"{p.day:%d/%m}")
                for i, p in enumerate(points)
                if i % step == 0 or i == count - 1
            ),
        )
    )
    legend_y = HEIGHT - 8
    parts.append(
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="12" height="4" fill="{}"/>'
            '<text x="{}" y="{}" font-size="12" fill="#333">{}</text>',
            (
                (LEFT + n * 160, legend_y - 4, colour, LEFT + n * 160 + 16, legend_y, label)
                for n, (_attr, label, colour) in enumerate(series)
            ),
        )
    )
    return format_html(
        '<svg class="stats-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}" data-days="{}"><title>{}</title>{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        len(points),
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part built with format_html
    )


def views_and_visits(points, title: str) -> SafeString:
    return line_chart(
        points,
        [("views", _("Views"), VIEWS_COLOUR), ("visits", _("Visits"), VISITS_COLOUR)],
        title,
    )


def bar_chart(rows: Sequence[tuple[str, int]], title: str) -> SafeString:
    """Horizontal bars, one per (label, value), in the given order."""
    bar, gap, label_w, value_w = 20, 8, 220, 90
    height = TOP + len(rows) * (bar + gap) + 8
    top = max((value for _label, value in rows), default=0) or 1
    plot_w = WIDTH - label_w - value_w
    bars = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#333">{}</text>'
        '<rect class="stats-chart__bar" x="{}" y="{}" width="{}" height="{}" fill="{}">'
        "<title>{}: {}</title></rect>"
        '<text x="{}" y="{}" font-size="12" fill="#333">{}</text>',
        (
            (
                label_w - 8,
                TOP + n * (bar + gap) + 14,
                label if len(label) <= 32 else label[:31] + "…",
                label_w,
                TOP + n * (bar + gap),
                f"{max(plot_w * value / top, 1):.1f}",
                bar,
                VIEWS_COLOUR,
                label,
                number(value),
                label_w + max(plot_w * value / top, 1) + 6,
                TOP + n * (bar + gap) + 14,
                number(value),
            )
            for n, (label, value) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="stats-chart stats-chart--bars" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        WIDTH,
        height,
        title,
        escape(title),
        bars,
    )
