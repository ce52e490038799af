"""The HTML report's charts as plain geometry: the template draws them as inline SVG.

Every chart is computed here, server-side, in SVG user units of one fixed viewBox (the SVG
scales to its box), so the page needs no chart library, no script and no network to show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.report import GRADES, NO_SCORE, RELEASE_KINDS, HistoryPoint, Report

CHART_WIDTH = 480
CHART_HEIGHT = 200
CHART_MARGIN = {"left": 44, "right": 16, "top": 16, "bottom": 36}
GRADE_COLOURS = {"A": "#1a7f37", "B": "#4d9a3a", "C": "#b58a00", "D": "#d0621b", "F": "#c62828",
                 NO_SCORE: "#8a8f98"}
#: One colour (Okabe-Ito, told apart with colour-blindness) and one marker per released kind.
RELEASE_STYLES: dict[str, tuple[str, str, str]] = {
    "code": ("Code", "#0072b2", "circle"),
    "weights": ("Weights", "#d55e00", "square"),
    "data": ("Data", "#009e73", "triangle"),
}


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
    """One point of a line chart."""

    label: str  # "#3 2025-07-01"
    value: float  # share 0..1
    x: float
    y: float
    count: int | None = None  # papers behind the share, when it is a share of papers
    total: int | None = None


@dataclass(frozen=True)
class Series:
    """One line of the release chart: an artefact kind's share of papers over the audits."""

    kind: str  # code | weights | data
    label: str
    colour: str
    marker: str  # circle | square | triangle
    points: tuple[LinePoint, ...]

    @property
    def polyline(self) -> str:
        """The SVG `points` attribute joining the series' points."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def plot_box() -> tuple[float, float, float, float]:
    """(left, top, width, height) of the plotting area."""
    m = CHART_MARGIN
    return (m["left"], m["top"], CHART_WIDTH - m["left"] - m["right"],
            CHART_HEIGHT - m["top"] - m["bottom"])


def grade_bars(distribution: dict[str, int]) -> tuple[list[Bar], list[tuple[float, int]]]:
    """The grade chart's bars and its y-axis ticks (y, count)."""
    left, top, width, height = plot_box()
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


def _x_positions(count: int) -> list[float]:
    """Evenly spread x positions for `count` audits (one audit sits in the middle)."""
    left, _, width, _ = plot_box()
    if count == 1:
        return [left + width / 2]
    step = width / max(count - 1, 1)
    return [left + index * step for index in range(count)]


def _y(share: float) -> float:
    _, top, _, height = plot_box()
    return top + height * (1 - share)


def _label(point: HistoryPoint) -> str:
    return f"#{point.audit_id} {point.date:%Y-%m-%d}"


def health_line(report: Report) -> list[LinePoint]:
    """The link-health chart's points: the share of links reachable in each audit."""
    points = [p for p in report.history if p.links_reachable_share is not None]
    return [LinePoint(_label(p), p.links_reachable_share or 0.0, x,
                      _y(p.links_reachable_share or 0.0))
            for p, x in zip(points, _x_positions(len(points)), strict=True)]


def release_series(report: Report) -> tuple[tuple[Series, ...], tuple[LinePoint, ...]]:
    """The release chart: one series per artefact kind (code, weights, data), each the share
    of the audit's papers releasing it, over the audits with papers; and the x-axis labels
    (as value-less points)."""
    audits = [p for p in report.history if p.papers]
    xs = _x_positions(len(audits))
    series = []
    for kind in RELEASE_KINDS:
        label, colour, marker = RELEASE_STYLES[kind]
        points = tuple(
            LinePoint(_label(p), share, x, _y(share), (p.released or {}).get(kind, 0), p.papers)
            for p, x in zip(audits, xs, strict=True)
            for share in [p.release_share(kind) or 0.0])
        series.append(Series(kind, label, colour, marker, points))
    axis = tuple(LinePoint(_label(p), 0.0, x, _y(0.0)) for p, x in zip(audits, xs, strict=True))
    return tuple(series), axis
