"""The report renderers' interface and registry: a renderer turns one `Report` into a document.

A renderer has a `name` (the value of `reprotrack report --format`), a file `extension` and
`render(report) -> str`; it is pure (no I/O, no clock: the report carries its dates). Adding a
format is one module that defines a renderer and calls `register_renderer`, plus one import
line at the bottom of this module. Templates live in `reports/templates/` and share the
filters below, so every format words numbers and dates alike.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from reports.report import PaperRow, Report
from tracker.changes import SEVERITY_ORDER, Change, Severity
from tracker.sources.base import LinkStatus

TEMPLATES = Path(__file__).parent / "templates"


class Renderer(Protocol):
    """Turns a Report into one document of its format."""

    name: str
    extension: str

    def render(self, report: Report) -> str:
        """The whole document as text."""
        ...


R = TypeVar("R", bound=Renderer)
RENDERERS: dict[str, Renderer] = {}


def register_renderer(renderer: R) -> R:
    """Add a renderer to the registry under its name."""
    RENDERERS[renderer.name] = renderer
    return renderer


def percent(value: float | None) -> str:
    """0.4567 -> "46%"; None -> "n/a"."""
    return "n/a" if value is None else f"{value * 100:.0f}%"


def score_text(value: float | None) -> str:
    """A score with two decimals, or an en dash when there is none."""
    return "–" if value is None else f"{value:.2f}"


def date_text(value: datetime | None) -> str:
    """A UTC timestamp as "2025-07-01 12:34 UTC"."""
    return "–" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def duration_text(seconds: float | None) -> str:
    """A duration as "1 h 02 min", "3 min 05 s" or "12.3 s"."""
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


SEVERITY_HEADINGS: dict[str, str] = {
    "bad": "Needs attention", "good": "Improvements", "info": "Other changes",
}
OUTCOME_LABELS: dict[str | None, str] = {
    "pass": "pass", "partial": "partial", "fail": "fail", "not_applicable": "n/a",
    "unavailable": "unknown", None: "–",
}
#: Outcomes as marks: the Markdown criteria grid (GitHub shows the emoji) and the HTML cells.
OUTCOME_MARKS: dict[str | None, str] = {
    "pass": "✅", "partial": "🟡", "fail": "❌", "not_applicable": "➖", "unavailable": "⚠️",
    None: "–",
}
OUTCOME_GLYPHS: dict[str | None, str] = {
    "pass": "✓", "partial": "½", "fail": "✗", "not_applicable": "n/a", "unavailable": "?",
    None: "–",
}
#: Column headers of the criteria in the papers' tables (the full titles go in tooltips).
#: No header repeats a value column's: the license criterion is "Licensed" beside the
#: "Code license" column, link health is "Link health" beside "Links".
CRITERION_SHORT: dict[str, str] = {
    "code_available": "Code", "license": "Licensed", "environment": "Env",
    "training_code": "Train", "evaluation_code": "Eval", "weights_released": "Weights",
    "data_released": "Data", "documentation": "Docs", "versioned_release": "Release",
    "link_health": "Link health",
}
#: The "missing" filter's values (reports.rows.MISSING_CRITERIA) as users read them.
MISSING_LABELS: dict[str, str] = {
    "code": "code", "weights": "weights", "data": "data", "license": "license",
    "env": "environment", "docs": "documentation",
}
_REACHABLE = {str(LinkStatus.OK), str(LinkStatus.MOVED), str(LinkStatus.GATED)}


def change_groups(changes: tuple[Change, ...]) -> list[tuple[Severity, str, list[Change]]]:
    """The changes grouped by severity, bad first; empty groups left out."""
    groups = [(severity, SEVERITY_HEADINGS[severity],
               [change for change in changes if change.severity == severity])
              for severity in SEVERITY_ORDER]
    return [group for group in groups if group[2]]


def links_reachable(row: PaperRow) -> int:
    """How many of a paper's links were reachable (ok, moved or gated) in the audit."""
    return sum(1 for link in row.links if link.status in _REACHABLE)


def template_environment(*, autoescape: bool) -> Environment:
    """A Jinja2 environment over reports/templates with the shared filters."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(percent=percent, score=score_text, date=date_text,
                               duration=duration_text)
    environment.globals.update(change_groups=change_groups, links_reachable=links_reachable,
                               outcome_labels=OUTCOME_LABELS, criterion_short=CRITERION_SHORT,
                               outcome_marks=OUTCOME_MARKS, outcome_glyphs=OUTCOME_GLYPHS,
                               missing_labels=MISSING_LABELS,
                               reachable_statuses=_REACHABLE)
    return environment


# The built-in renderers register themselves on import (they import this module first).
from reports import html, markdown  # noqa: E402,F401
