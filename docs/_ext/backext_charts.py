"""Charts drawn when the docs are built: SVG, inline in HTML and as image files.

- ``backext-progression-chart``: the built-in pack's best-case plan, the hold
  and the repetitions in two panels over the same weeks, with the levels
  shaded behind them.
- ``backext-load-time-chart``: how long :func:`backext.load_pack` takes
  against the size of a pack, from ``benchmarks/RESULTS.md``.

In HTML each chart is inline, in two layouts (wide, and narrow for phones,
switched by CSS), coloured by the theme's own colours so that it follows
the light and dark modes. Each is also written to ``docs/_generated/`` as a
stand-alone SVG file (with colours for light and dark mode of its own):
other output formats show that file, and HTML pages link to it.
"""

from __future__ import annotations

import datetime
import math
import pathlib
import re
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from backext import builtin_pack, plan, start


if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sphinx.application import Sphinx


HERE = pathlib.Path(__file__).parent
GENERATED = HERE.parent / "_generated"
RESULTS = HERE.parent.parent / "benchmarks" / "RESULTS.md"

#: Colours for a stand-alone file (inline charts take the theme's colours from
#: docs/_static/backext.css instead). The level bands are translucent, so that
#: they read on a light and on a dark background alike.
STANDALONE_STYLE = """
.backext-chart { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.backext-chart text { fill: #1f2328; }
.backext-chart .muted { fill: #59636e; }
.backext-chart .axis, .backext-chart .grid { stroke: #d1d9e0; }
.backext-chart .line { stroke: #0969da; }
.backext-chart .line2 { stroke: #bc4c00; }
.backext-chart .dot { fill: #0969da; }
.backext-chart .background { fill: #ffffff; }
@media (prefers-color-scheme: dark) {
  .backext-chart text { fill: #f0f6fc; }
  .backext-chart .muted { fill: #9198a1; }
  .backext-chart .axis, .backext-chart .grid { stroke: #3d444d; }
  .backext-chart .line { stroke: #4493f8; }
  .backext-chart .line2 { stroke: #f0883e; }
  .backext-chart .dot { fill: #4493f8; }
  .backext-chart .background { fill: #0d1117; }
}
"""

BANDS = {
    "beginner": "rgba(46, 160, 67, 0.18)",
    "intermediate": "rgba(212, 167, 44, 0.24)",
    "advanced": "rgba(207, 34, 46, 0.16)",
}


class Layout(NamedTuple):
    """Sizes of one layout of a chart, in SVG user units (pixels at full size)."""

    name: str
    width: int
    font: int
    left: int
    right: int
    tick_every: int


WIDE = Layout("wide", 720, 14, 64, 20, 1)
NARROW = Layout("narrow", 340, 13, 44, 12, 4)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _text(x: float, y: float, text: str, *, anchor: str = "start", css: str = "", weight: str = "") -> str:
    extra = f' class="{css}"' if css else ""
    if weight:
        extra += f' font-weight="{weight}"'
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{_esc(text)}</text>'


def _svg(layout: Layout, height: float, title: str, description: str, body: list[str], *, standalone: bool) -> str:
    """Wrap ``body`` in an ``<svg>``; ``standalone`` adds a background and the stand-alone colours."""
    ident = re.sub(r"\W+", "-", title.lower()).strip("-")[:40] + "-" + layout.name
    head = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width} {height:.0f}" '
            f'class="backext-chart backext-chart-{layout.name}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc" font-size="{layout.font}" '
            f'font-family="system-ui, sans-serif" fill="#1f2328">'
        ),
        f'<title id="{ident}-title">{_esc(title)}</title>',
        f'<desc id="{ident}-desc">{_esc(description)}</desc>',
    ]
    if standalone:
        head.append(f"<style>{STANDALONE_STYLE}</style>")
        head.append(f'<rect class="background" width="{layout.width}" height="{height:.0f}" fill="#ffffff"/>')
    return "\n".join([*head, *body, "</svg>"])


def _legend(layout: Layout, top: float, entries: Sequence[tuple[str, str]]) -> tuple[list[str], float]:
    """Swatches and labels, left to right, on as many rows as they need; return them and the height used."""
    parts: list[str] = []
    row_height = layout.font + 10
    x, y = float(layout.left), top
    for swatch, label in entries:
        width = layout.font + 6 + len(label) * layout.font * 0.56 + 18  # an estimate: no fonts at build time
        if x > layout.left and x + width > layout.width - layout.right:
            x, y = float(layout.left), y + row_height
        parts.append(swatch.format(x=x, y=y - layout.font * 0.8, size=layout.font))
        parts.append(_text(x + layout.font + 6, y, label))
        x += width
    return parts, y - top + row_height


def _band_swatch(colour: str) -> str:
    return f'<rect x="{{x:.1f}}" y="{{y:.1f}}" width="{{size}}" height="{{size}}" fill="{colour}"/>'


# -- the progression chart -------------------------------------------------------------


def progression_svg(layout: Layout = WIDE, *, standalone: bool = False, weeks: int = 16, days_per_week: int = 3) -> str:
    """The built-in pack's best-case plan: hold and repetitions in two panels over the weeks."""
    pack = builtin_pack()
    start_date = datetime.date(2026, 1, 5)
    result = plan(
        pack, start(pack, pack.exercises[0].id), start_date=start_date, days_per_week=days_per_week, weeks=weeks
    )
    end = start_date + datetime.timedelta(days=7 * weeks)
    plot_w = layout.width - layout.left - layout.right

    def x(date: datetime.date) -> float:
        return layout.left + plot_w * (date - start_date).days / (7 * weeks)

    body: list[str] = []
    names = {e.id: pack.localize(e.name) for e in pack.exercises}
    entries = [
        (_band_swatch(BANDS[m.level.value]), f"{m.level.value}: {names[m.exercise_id].lower()}")
        for m in result.milestones
    ]
    legend, legend_height = _legend(layout, layout.font + 4, entries)
    body += legend
    top = legend_height + layout.font + 20

    panels: list[tuple[str, Callable[[Any], float], float, int, float]] = [
        (
            "Hold, seconds",
            lambda s: s.prescription.hold_seconds,
            max(e.hold.target_seconds for e in pack.exercises),
            10,
            150,
        ),
        (
            "Repetitions in a set",
            lambda s: s.prescription.repetitions,
            max(e.repetitions.maximum for e in pack.exercises),
            4,
            110,
        ),
    ]
    for number, (title, value_of, peak, step, panel_h) in enumerate(panels):
        top_value = math.ceil(peak / step) * step
        body.append(_text(layout.left, top - 8, title, weight="600"))

        def y(value: float, top: float = top, panel_h: float = panel_h, top_value: float = top_value) -> float:
            return top + panel_h * (1 - value / top_value)

        for index, milestone in enumerate(result.milestones):
            following = result.milestones[index + 1].date if index + 1 < len(result.milestones) else end
            x0, x1 = x(milestone.date), x(following)
            body.append(
                f'<rect x="{x0:.1f}" y="{top:.1f}" width="{x1 - x0:.1f}" height="{panel_h}" '
                f'fill="{BANDS[milestone.level.value]}"/>'
            )
            label = milestone.level.value
            if number == 0 and x1 - x0 >= len(label) * layout.font * 0.6 + 10:
                body.append(_text(x0 + 5, top + layout.font + 3, label, css="muted"))
        for tick in range(0, int(top_value) + 1, step):
            body.append(
                f'<line class="grid" x1="{layout.left}" x2="{layout.left + plot_w}" y1="{y(tick):.1f}" '
                f'y2="{y(tick):.1f}" stroke="#d1d9e0" stroke-width="1"/>'
            )
            body.append(_text(layout.left - 6, y(tick) + layout.font * 0.35, str(tick), anchor="end", css="muted"))
        points: list[str] = []
        previous: float | None = None
        for session in result.sessions:
            value = float(value_of(session))
            if previous is not None:
                points.append(f"{x(session.date):.1f},{y(previous):.1f}")
            points.append(f"{x(session.date):.1f},{y(value):.1f}")
            previous = value
        if previous is not None:
            points.append(f"{x(end):.1f},{y(previous):.1f}")
        body.append(
            f'<polyline class="line" points="{" ".join(points)}" fill="none" stroke="#0969da" '
            'stroke-width="2.5" stroke-linejoin="round"/>'
        )
        top += panel_h + layout.font + 30 if number == 0 else panel_h

    for week in range(0, weeks + 1, layout.tick_every):
        gx = layout.left + plot_w * week / weeks
        body.append(_text(gx, top + layout.font + 6, str(week), anchor="middle", css="muted"))
    body.append(
        _text(layout.left + plot_w / 2, top + 2 * layout.font + 16, "weeks from the first session", anchor="middle")
    )
    height = top + 2 * layout.font + 24
    title = f"Best-case progression of the built-in pack over {weeks} weeks, at {days_per_week} sessions a week"
    steps = "; ".join(
        f"{m.level.value} ({names[m.exercise_id]}) from week {(m.date - start_date).days // 7}"
        for m in result.milestones
    )
    description = (
        "Two step charts over the same weeks: the hold in seconds, then the repetitions in a set, "
        f"with the levels shaded behind them: {steps}."
    )
    return _svg(layout, height, title, description, body, standalone=standalone)


# -- the load-time chart -------------------------------------------------------------------


def load_times(results: pathlib.Path = RESULTS) -> list[tuple[int, float]]:
    """``(exercises, seconds)`` rows of the size table in the benchmark results."""
    rows = re.findall(r"^\| ([\d,]+) \| ([\d.]+) ms \|", results.read_text(encoding="utf-8"), re.MULTILINE)
    if len(rows) < 2:
        msg = f"{results} has no table of load times by pack size"
        raise ValueError(msg)
    return [(int(count.replace(",", "")), float(ms) / 1000) for count, ms in rows]


def _seconds(value: float) -> str:
    return f"{value:g} s" if value >= 1 else f"{value * 1000:g} ms"


def load_time_svg(layout: Layout = WIDE, *, standalone: bool = False) -> str:
    """Load time against pack size on log-log scales, with a line proportional to size for comparison."""
    rows = load_times()
    labels = [_seconds(10.0**power) for power in range(-3, 3)]
    widest = f"{rows[-1][0]:,}"  # the last label of the x axis is centred on the right edge
    layout = layout._replace(
        left=max(layout.left, round(max(map(len, labels)) * layout.font * 0.6) + 12),
        right=max(layout.right, round(len(widest) * layout.font * 0.3) + 6),
    )
    plot_w = layout.width - layout.left - layout.right
    plot_h = 240 if layout.name == "wide" else 200
    x_lo, x_hi = math.floor(math.log10(rows[0][0])), math.ceil(math.log10(rows[-1][0]))
    y_lo = math.floor(math.log10(min(s for _, s in rows)))
    y_hi = math.ceil(math.log10(max(s for _, s in rows)))
    body: list[str] = []
    legend_entries = [
        ('<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#0969da" transform="translate(7 7)"/>', "measured"),
        (
            (
                '<path class="line2" d="M{x:.1f},{y:.1f} m0,7 h{size}" stroke="#bc4c00" stroke-width="2" '
                'stroke-dasharray="5 3" fill="none"/>'
            ),
            "proportional to size",
        ),
    ]
    legend, legend_height = _legend(layout, layout.font + 4, legend_entries)
    body += legend
    top = legend_height + layout.font + 20
    body.append(_text(layout.left, top - 8, "Time to load a JSON pack", weight="600"))

    def x(count: float) -> float:
        return layout.left + plot_w * (math.log10(count) - x_lo) / (x_hi - x_lo)

    def y(seconds: float) -> float:
        return top + plot_h * (1 - (math.log10(seconds) - y_lo) / (y_hi - y_lo))

    for power in range(y_lo, y_hi + 1):
        value = 10.0**power
        body.append(
            f'<line class="grid" x1="{layout.left}" x2="{layout.left + plot_w}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#d1d9e0" stroke-width="1"/>'
        )
        body.append(_text(layout.left - 6, y(value) + layout.font * 0.35, _seconds(value), anchor="end", css="muted"))
    for power in range(x_lo, x_hi + 1):
        count = 10**power
        label = f"{count:,}" if layout.name == "wide" or power % 2 == 0 else ""
        body.append(_text(x(count), top + plot_h + layout.font + 6, label, anchor="middle", css="muted"))
    largest_count, largest_seconds = rows[-1]
    per_exercise = largest_seconds / largest_count
    body.append(
        f'<line class="line2" x1="{x(10**x_lo):.1f}" y1="{y(per_exercise * 10**x_lo):.1f}" '
        f'x2="{x(largest_count):.1f}" y2="{y(largest_seconds):.1f}" stroke="#bc4c00" stroke-width="2" '
        'stroke-dasharray="5 3"/>'
    )
    points = " ".join(f"{x(count):.1f},{y(seconds):.1f}" for count, seconds in rows)
    body.append(f'<polyline class="line" points="{points}" fill="none" stroke="#0969da" stroke-width="2.5"/>')
    body += [
        f'<circle class="dot" cx="{x(count):.1f}" cy="{y(seconds):.1f}" r="5" fill="#0969da"/>'
        for count, seconds in rows
    ]
    bottom = top + plot_h
    body.append(
        _text(layout.left + plot_w / 2, bottom + 2 * layout.font + 16, "exercises in the pack", anchor="middle")
    )
    height = bottom + 2 * layout.font + 24
    description = "Load time against pack size, both on logarithmic scales: " + "; ".join(
        f"{count:,} exercises in {_seconds(seconds)}" for count, seconds in rows
    )
    return _svg(layout, height, "Time to load a pack against its size", description, body, standalone=standalone)


# -- directives ------------------------------------------------------------------------


CHARTS: dict[str, Callable[..., str]] = {"progression": progression_svg, "load-time": load_time_svg}


def write_charts(app: Sphinx) -> None:
    """Write each chart as a stand-alone SVG file, for formats other than HTML and for download."""
    GENERATED.mkdir(exist_ok=True)
    for name, draw in CHARTS.items():
        path = GENERATED / f"{name}.svg"
        svg = draw(WIDE, standalone=True)
        if not path.exists() or path.read_text(encoding="utf-8") != svg:
            path.write_text(svg, encoding="utf-8")
    del app


class Chart(SphinxDirective):
    """A chart: inline SVG in both layouts in HTML, the image file elsewhere, and a link to the file."""

    chart: ClassVar[str]

    def run(self) -> list[nodes.Node]:
        """Return the chart for every output format."""
        draw = CHARTS[self.chart]
        inline = '<div class="backext-chart-figure">' + draw(WIDE) + draw(NARROW) + "</div>"
        html = addnodes.only(expr="html")
        html += nodes.raw("", inline, format="html")
        file = f"/_generated/{self.chart}.svg"
        link = nodes.paragraph(classes=["backext-chart-download"])
        link += addnodes.download_reference(
            "",
            "",
            nodes.inline("", "The chart as an SVG file"),
            reftarget=file,
            refdoc=self.env.docname,
            refexplicit=True,
        )
        html += link
        other = addnodes.only(expr="not html")
        other += nodes.image(uri=file, alt=f"The {self.chart} chart")
        return [html, other]


class ProgressionChart(Chart):
    """The built-in pack's best-case progression."""

    chart = "progression"


class LoadTimeChart(Chart):
    """Load time against pack size."""

    chart = "load-time"


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives and write the image files when a build starts."""
    app.connect("builder-inited", write_charts)
    app.add_directive("backext-progression-chart", ProgressionChart)
    app.add_directive("backext-load-time-chart", LoadTimeChart)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
