"""The Markdown report: renders well on GitHub (headings, tables, plain bullet lists)."""

from __future__ import annotations

from reports.base import register_renderer, template_environment
from reports.report import Report

# Backslash-escaped so that titles and facts read from outside services cannot break a table
# or start a link; `_` is left alone (GitHub does not emphasise inside words, and URLs have it).
_MARKDOWN_SPECIALS = "\\`*[]<>|"


def markdown_text(value: object) -> str:
    """Text safe inside a Markdown table cell or bullet: specials escaped, on one line."""
    text = " ".join(str(value).split())
    return "".join("\\" + char if char in _MARKDOWN_SPECIALS else char for char in text)


class MarkdownRenderer:
    """Markdown for GitHub: the summary, the changes by severity, then the papers."""

    name = "md"
    extension = "md"

    def __init__(self) -> None:
        self._environment = template_environment(autoescape=False)
        self._environment.filters["md"] = markdown_text

    def render(self, report: Report) -> str:
        """The report as a Markdown document."""
        template = self._environment.get_template("report.md.j2")
        return template.render(report=report)


MARKDOWN = register_renderer(MarkdownRenderer())
