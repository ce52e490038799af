"""The HTML report: one self-contained page (inline CSS, a small inline script, inline SVG
charts), readable offline, printable, with a sortable, searchable and filterable table of
papers and a detail section per paper."""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup, escape

from reports.base import register_renderer, template_environment
from reports.charts import (
    CHART_HEIGHT,
    CHART_WIDTH,
    grade_bars,
    health_line,
    plot_box,
    release_series,
)
from reports.report import Report


def safe_url(url: str) -> str:
    """The URL when it is http(s), else "#": a link target must never run script."""
    return url if urlsplit(url).scheme.lower() in ("http", "https") else "#"


def short_url(url: str) -> str:
    """A URL without its scheme and www., for display."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return (host + parts.path).rstrip("/") + (f"?{parts.query}" if parts.query else "")


def breakable(text: str) -> Markup:
    """Escaped text with a line-break opportunity (<wbr>) after each `/`, `?`, `&`, `.`, `-`
    and `_`: a long URL wraps at its separators instead of overflowing or clipping its cell."""
    pieces, current = [], ""
    for char in text:
        current += char
        if char in "/?&.-_=":
            pieces.append(escape(current))
            current = ""
    pieces.append(escape(current))
    return Markup("<wbr>").join(pieces)


class HtmlRenderer:
    """A single self-contained HTML page (no external asset, font or script)."""

    name = "html"
    extension = "html"

    def __init__(self) -> None:
        self._environment = template_environment(autoescape=True)
        self._environment.filters.update(safe_url=safe_url, short_url=short_url,
                                         breakable=breakable)

    def render(self, report: Report) -> str:
        """The report as one HTML document."""
        bars, ticks = grade_bars(report.summary.grade_distribution)
        series, axis = release_series(report)
        template = self._environment.get_template("report.html.j2")
        return template.render(
            report=report, bars=bars, bar_ticks=ticks, health=health_line(report),
            releases=series, release_axis=axis,
            chart={"width": CHART_WIDTH, "height": CHART_HEIGHT, "box": plot_box()},
        )


HTML = register_renderer(HtmlRenderer())
