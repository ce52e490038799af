"""Every link of a README, model card or project page, with the context that says what it is.

Markdown is parsed with markdown-it-py (CommonMark plus tables), HTML with the standard
library's parser; both give :class:`LinkContext` values: the URL, the link's text, the path of
headings above it, the table row it sits in (and the table's header), the words of its block
(paragraph, list item, table cell), and whether it is a badge (an image inside the link).
Placeholders where a link should be (``[model](<hf_model_link>)``, ``[data](#)``, TBD) are
kept as links whose ``placeholder`` says what was written: they are promises, not links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from markdown_it import MarkdownIt
from markdown_it.token import Token

MAX_LINKS = 500
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]{}\"'`|]+", re.IGNORECASE)
_TRAILING = ".,;:!?*_'\""
# What authors write where a link will go: <hf_model_link>, <url>, (#), TBD, TODO, xxxx.
PLACEHOLDER_TARGET = re.compile(
    r"^(#|<?[\w .-]*(link|url|path|here|todo|tbd|tba)[\w .-]*>?|tbd|tba|todo|coming[ -]?soon"
    r"|x{3,}[\w.]*|\.\.\.|…|)$", re.IGNORECASE)
PLACEHOLDER_TEXT = re.compile(
    r"<(?:[a-z]+_)*(?:link|url|path)(?:_[a-z]+)*>|\b(?:arxiv\.org/abs/)?x{4}\.x{4,5}\b"
    r"|\(\s*#\s*\)", re.IGNORECASE)

_MARKDOWN = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class LinkContext:
    """One link found in a document, with what surrounds it."""

    url: str  # absolute http(s) URL, or the placeholder as written
    text: str = ""
    headings: tuple[str, ...] = ()
    row: str | None = None  # the table row's cells, joined with " | "
    header: str | None = None  # the table's header row
    nearby: str = ""  # the words of the paragraph, list item or cell
    badge: bool = False
    placeholder: str | None = None  # set when the target is a placeholder, not a URL

    @property
    def section(self) -> str:
        """The heading path as one string, outermost first."""
        return " > ".join(self.headings)


@dataclass
class _Block:
    headings: list[str] = field(default_factory=list)
    header: str | None = None
    row_cells: list[str] = field(default_factory=list)
    in_table: bool = False


def _clean(url: str) -> str:
    return url.rstrip(_TRAILING)


def _is_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _placeholder(target: str) -> str | None:
    stripped = target.strip()
    if _is_url(stripped):
        return stripped if PLACEHOLDER_TEXT.search(stripped) else None
    return stripped or "(empty)" if PLACEHOLDER_TARGET.match(stripped) else None


def links_in_markdown(text: str) -> list[LinkContext]:
    """Every link of a Markdown document, with its context, in document order."""
    tokens = _MARKDOWN.parse(text)
    found: list[LinkContext] = []
    state = _Block()
    pending_heading: int | None = None
    row_links: list[LinkContext] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            pending_heading = int(token.tag[1])
        elif token.type == "inline" and pending_heading is not None:
            level = pending_heading
            state.headings = state.headings[: level - 1] + [_plain(token)]
            pending_heading = None
            found += _inline_links(token, state, token.content)
        elif token.type == "table_open":
            state.in_table, state.header = True, None
        elif token.type == "table_close":
            state.in_table = False
        elif token.type == "tr_open":
            state.row_cells = []
            row_links = []
        elif token.type == "tr_close":
            row = " | ".join(state.row_cells)
            if _in_head(tokens, index):
                state.header = row
            found += [_with_row(context, row, state.header) for context in row_links]
        elif token.type == "inline" and state.in_table:
            state.row_cells.append(token.content.strip())
            row_links += _inline_links(token, state, token.content)
        elif token.type == "inline":
            found += _inline_links(token, state, token.content)
        elif token.type == "html_block":
            found += [_with_headings(link, state.headings) for link in links_in_html(
                token.content)]
        if len(found) >= MAX_LINKS:
            break
    return found[:MAX_LINKS]


def _plain(token: Token) -> str:
    """The words of an inline token: its text, code and image descriptions, no markup."""
    parts = [child.content for child in token.children or []
             if child.type in ("text", "code_inline", "image")]
    return " ".join(" ".join(parts).split())


def _in_head(tokens: list[Token], index: int) -> bool:
    for token in reversed(tokens[:index]):
        if token.type in ("thead_open", "tbody_open"):
            return token.type == "thead_open"
    return False


def _with_row(context: LinkContext, row: str, header: str | None) -> LinkContext:
    return LinkContext(context.url, context.text, context.headings, row, header,
                       context.nearby, context.badge, context.placeholder)


def _with_headings(context: LinkContext, headings: list[str]) -> LinkContext:
    return LinkContext(context.url, context.text, tuple(headings) + context.headings,
                       context.row, context.header, context.nearby, context.badge,
                       context.placeholder)


def _inline_links(token: Token, state: _Block, block_text: str) -> list[LinkContext]:
    """Links of one inline token: Markdown links, autolinks, inline HTML anchors, bare URLs."""
    found: list[LinkContext] = []
    children = token.children or []
    headings = tuple(state.headings)
    nearby = " ".join(block_text.split())
    covered: set[str] = set()
    i = 0
    while i < len(children):
        child = children[i]
        if child.type == "link_open":
            href = str(child.attrs.get("href") or "")
            text_parts, badge, j = [], False, i + 1
            while j < len(children) and children[j].type != "link_close":
                if children[j].type == "image":
                    badge = True
                    text_parts.append(children[j].content)
                else:
                    text_parts.append(children[j].content)
                j += 1
            text = " ".join(part for part in text_parts if part).strip()
            placeholder = _placeholder(href)
            if _is_url(href) and placeholder is None:
                found.append(LinkContext(_clean(href), text, headings, None, None, nearby,
                                         badge))
                covered.add(_clean(href))
            elif placeholder is not None:
                found.append(LinkContext(href, text, headings, None, None, nearby, badge,
                                         placeholder))
            i = j
        elif child.type == "html_inline":
            # `<a href=...>text</a>` arrives as tag, text, tag: parse them together.
            j, fragment = i, []
            while j < len(children) and children[j].type != "softbreak":
                fragment.append(children[j].content)
                if children[j].type == "html_inline" and children[j].content.startswith("</a"):
                    break
                j += 1
            for anchor in links_in_html("".join(fragment)):
                found.append(LinkContext(anchor.url, anchor.text, headings, None, None, nearby,
                                         anchor.badge, anchor.placeholder))
                covered.add(anchor.url)
            i = max(i, j)
        elif child.type == "text":
            for match in _BARE_URL.finditer(child.content):
                url = _clean(match.group(0))
                if url not in covered:
                    found.append(LinkContext(url, "", headings, None, None, nearby))
                    covered.add(url)
            for match in PLACEHOLDER_TEXT.finditer(child.content):
                found.append(LinkContext(match.group(0), "", headings, None, None, nearby,
                                         placeholder=match.group(0)))
        i += 1
    return found


class _AnchorParser(HTMLParser):
    """Anchors of an HTML document with their text, heading path and enclosing block."""

    BLOCKS = frozenset({"p", "li", "td", "th", "div", "section", "tr", "dd", "figcaption"})

    def __init__(self, base_url: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.links: list[LinkContext] = []
        self.headings: list[str] = []
        self._heading_level: int | None = None
        self._heading_text: list[str] = []
        self._anchor: dict[str, object] | None = None
        self._block_text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._header: str | None = None
        self._row_links: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading_level, self._heading_text = int(tag[1]), []
        elif tag == "a":
            self._anchor = {"href": dict(attrs).get("href") or "", "text": [], "badge": False}
        elif tag == "img" and self._anchor is not None:
            self._anchor["badge"] = True
            alt = dict(attrs).get("alt")
            if alt:
                self._anchor["text"].append(alt)  # type: ignore[union-attr]
        elif tag == "tr":
            self._row, self._row_links = [], []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in self.BLOCKS:
            self._block_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._heading_level is not None:
            level = self._heading_level
            self.headings = self.headings[: level - 1] + [" ".join(
                "".join(self._heading_text).split())]
            self._heading_level = None
        elif tag == "a" and self._anchor is not None:
            href = str(self._anchor["href"]).strip()
            if self.base_url and href and not _is_url(href) and _placeholder(href) is None \
                    and not href.startswith(("mailto:", "javascript:")):
                href = urljoin(self.base_url, href)
            text = " ".join("".join(self._anchor["text"]).split())  # type: ignore[arg-type]
            placeholder = _placeholder(href)
            nearby = " ".join("".join(self._block_text).split())
            if _is_url(href) and placeholder is None:
                self.links.append(LinkContext(_clean(href), text, tuple(self.headings), None,
                                              None, nearby, bool(self._anchor["badge"])))
            elif placeholder is not None:
                self.links.append(LinkContext(href, text, tuple(self.headings), None, None,
                                              nearby, bool(self._anchor["badge"]), placeholder))
            else:
                self._anchor = None
                return
            if self._row is not None:
                self._row_links.append(len(self.links) - 1)
            self._anchor = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
            if tag == "th":
                self._header = " | ".join(self._row)
        elif tag == "tr" and self._row is not None:
            row = " | ".join(self._row)
            for position in self._row_links:
                self.links[position] = _with_row(self.links[position], row, self._header)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._heading_level is not None:
            self._heading_text.append(data)
        if self._anchor is not None:
            self._anchor["text"].append(data)  # type: ignore[union-attr]
        if self._cell is not None:
            self._cell.append(data)
        self._block_text.append(data)


def links_in_html(text: str, base_url: str | None = None) -> list[LinkContext]:
    """Every anchor of an HTML document or fragment, with its context, in document order;
    relative links are resolved against `base_url` when it is given."""
    parser = _AnchorParser(base_url)
    try:
        parser.feed(text)
        parser.close()
    except (ValueError, AssertionError):  # a document broken beyond the parser's tolerance
        pass
    return parser.links[:MAX_LINKS]
