"""The HTML report: one self-contained page (inline CSS, a small inline script, inline SVG
charts), readable offline, printable, with a sortable table of papers."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from reports.base import register_renderer, template_environment
from reports.report import GRADES, NO_SCORE, Report

CHART_WIDTH = 480
CHART_HEIGHT = 200
CHART_MARGIN = {"left": 44, "right": 16, "top": 16, "bottom": 36}
GRADE_COLOURS = {"A": "#1a7f37", "B": "#4d9a3a", "C": "#b58a00", "D": "#d0621b", "F": "#c62828",
                 NO_SCORE: "#8a8f98"}


@dataclass(frozen=True)
class Bar:
    """One bar of the grade chart, in SVG user units."""

    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    colour: str


@dataclass(frozen=True)
class LinePoint:
    """One point of the link-health chart."""

    label: str  # "#3 2025-07-01"
    value: float  # share 0..1
    x: float
    y: float


def _plot_box() -> tuple[float, float, float, float]:
    """(left, top, width, height) of the plotting area."""
    m = CHART_MARGIN
    return (m["left"], m["top"], CHART_WIDTH - m["left"] - m["right"],
            CHART_HEIGHT - m["top"] - m["bottom"])


def grade_bars(distribution: dict[str, int]) -> tuple[list[Bar], list[tuple[float, int]]]:
    """The grade chart's bars and its y-axis ticks (y, count)."""
    left, top, width, height = _plot_box()
    labels = [*GRADES, NO_SCORE]
    highest = max([distribution.get(label, 0) for label in labels] + [1])
    slot = width / len(labels)
    bars = []
    for index, label in enumerate(labels):
        count = distribution.get(label, 0)
        bar_height = height * count / highest
        bars.append(Bar(label, count, left + index * slot + slot * 0.15, top + height - bar_height,
                        slot * 0.7, bar_height, GRADE_COLOURS[label]))
    step = max(1, -(-highest // 4))
    ticks = [(top + height - height * value / highest, value)
             for value in range(0, highest + 1, step)]
    return bars, ticks


def health_line(report: Report) -> list[LinePoint]:
    """The link-health chart's points: the share of links reachable in each audit."""
    left, top, width, height = _plot_box()
    points = [p for p in report.history if p.links_reachable_share is not None]
    step = width / max(len(points) - 1, 1)
    return [
        LinePoint(f"#{p.audit_id} {p.date:%Y-%m-%d}", p.links_reachable_share or 0.0,
                  left + (index * step if len(points) > 1 else width / 2),
                  top + height * (1 - (p.links_reachable_share or 0.0)))
        for index, p in enumerate(points)
    ]


def safe_url(url: str) -> str:
    """The URL when it is http(s), else "#": a link target must never run script."""
    return url if urlsplit(url).scheme.lower() in ("http", "https") else "#"


def short_url(url: str) -> str:
    """A URL without its scheme and www., for display."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return (host + parts.path).rstrip("/") + (f"?{parts.query}" if parts.query else "")


class HtmlRenderer:
    """A single self-contained HTML page (no external asset, font or script)."""

    name = "html"
    extension = "html"

    def __init__(self) -> None:
        self._environment = template_environment(autoescape=True)
        self._environment.filters.update(safe_url=safe_url, short_url=short_url)

    def render(self, report: Report) -> str:
        """The report as one HTML document."""
        bars, ticks = grade_bars(report.summary.grade_distribution)
        template = self._environment.get_template("report.html.j2")
        return template.render(
            report=report, bars=bars, bar_ticks=ticks, health=health_line(report),
            chart={"width": CHART_WIDTH, "height": CHART_HEIGHT, "box": _plot_box()},
        )


HTML = register_renderer(HtmlRenderer())
