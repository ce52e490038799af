"""The Markdown report: renders well on GitHub (headings, tables, plain bullet lists)."""

from __future__ import annotations

import html
import unicodedata
from urllib.parse import quote, urlsplit

from reports.base import register_renderer, template_environment
from reports.report import Report

# Backslash-escaped so that titles and facts read from outside services cannot break a table,
# start a link or open an HTML tag; `_` is left alone (GitHub does not emphasise inside words,
# and URLs have it). `&` is escaped so that an entity such as `&lt;` shows as written.
_MARKDOWN_SPECIALS = "\\`*[]<>|&"
# What a link destination may keep as written: RFC 3986's unreserved and reserved characters
# (and `%`, so that an encoded URL is not encoded twice), minus what ends or breaks a Markdown
# link or a table cell: `(`, `)`, `[`, `]`, `<`, `>`, `|`, quotes, backslash and whitespace.
_URL_SAFE = "-._~:/?#@!$&'*+,;=%"


def markdown_text(value: object) -> str:
    """Text safe inside a Markdown table cell or bullet: specials escaped, on one line."""
    text = " ".join(str(value).split())
    return "".join("\\" + char if char in _MARKDOWN_SPECIALS else char for char in text)


def html_text(value: object) -> str:
    """Text safe inside raw HTML on one line (a `<summary>`: GitHub does not read Markdown
    there, so Markdown escapes would show; `<`, `>`, `&` and quotes become entities)."""
    return html.escape(" ".join(str(value).split()))


def _url_char(char: str) -> str:
    """One character of a link destination, percent-encoded unless it is known safe; letters
    beyond ASCII stay readable (an IDN host, an accented path), controls and spaces do not."""
    if char.isascii():
        return char if char.isalnum() or char in _URL_SAFE else quote(char, safe="")
    if unicodedata.category(char)[0] in "CZ":  # controls, format (bidi), separators
        return quote(char, safe="")
    return char


def markdown_url(url: str, label: str | None = None) -> str:
    """An http(s) URL as a Markdown autolink `<url>` (or `[label](url)` when a label is
    given); any other scheme as escaped text, never a link.

    The URL is percent-encoded wherever a character could end the link, the table cell or an
    HTML attribute, so a URL holding `">` or `<script>` stays one inert link.
    """
    text = " ".join(str(url).split())
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:  # e.g. an unbalanced `[` in the host
        scheme = ""
    if scheme not in ("http", "https"):
        return markdown_text(text)
    target = "".join(_url_char(char) for char in text)
    return f"<{target}>" if label is None else f"[{markdown_text(label)}]({target})"


class MarkdownRenderer:
    """Markdown for GitHub: the summary, the changes by severity, then the papers (a table,
    the criteria grid in ✅ / ❌ / ⚠️ marks, and each paper's details in a collapsible
    `<details>` block)."""

    name = "md"
    extension = "md"

    def __init__(self) -> None:
        self._environment = template_environment(autoescape=False)
        self._environment.filters.update(md=markdown_text, md_url=markdown_url,
                                         html=html_text)

    def render(self, report: Report) -> str:
        """The report as a Markdown document."""
        template = self._environment.get_template("report.md.j2")
        return template.render(report=report)


MARKDOWN = register_renderer(MarkdownRenderer())
