"""A loopback fake of the arXiv export API (`/api/query`), with fixture `fake_arxiv`.

Wire format, as arXiv answers (Atom 1.0, namespaces declared on the feed, as since late 2025):
- `search_query=ti:"words"` (also `ti:word AND ti:word`): entries whose title holds the words
  (a phrase must appear in order); `id_list=a,b`: the newest version of each known id, in the
  order asked. `start` / `max_results` page; `opensearch:totalResults` counts every match.
- Entries: `<id>https://arxiv.org/abs/2409.18433v2</id>`, `<title>` and `<summary>`
  hard-wrapped across lines as arXiv does, `<author><name>`, `<arxiv:comment>`,
  `<arxiv:primary_category>`, alternate and pdf `<link>`s.
- A malformed id answers 200 with a single entry titled `Error` (id `.../api/errors#...`).
- `throttle_next = N`: the next N queries answer 429 `Rate exceeded.` (plain text, no
  Retry-After), as arXiv does when it is overloaded. `arrivals` keeps request times.
"""

from __future__ import annotations

import re
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import pytest

from fakes.server import FakeRequest, FakeResponse, FakeServer

ATOM = "application/atom+xml; charset=utf-8"
_ID_RE = re.compile(r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?")
_TERM_RE = re.compile(r'ti:(?:"([^"]*)"|(\S+))')


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _wrap(text: str, width: int = 78) -> str:
    """arXiv's hard wrap: continuation lines indented by two spaces."""
    return "\n  ".join(textwrap.wrap(text, width)) or text


@dataclass
class ArxivPaper:
    """One e-print held by the fake."""

    arxiv_id: str
    title: str
    summary: str = "An abstract."
    authors: list[str] = field(default_factory=lambda: ["A. Author"])
    comment: str | None = None
    version: int = 1
    category: str = "cs.LG"
    published: str = "2024-09-26T17:59:59Z"


class FakeArxiv(FakeServer):
    """The arXiv API's `/api/query` over an in-memory set of e-prints."""

    def __init__(self) -> None:
        super().__init__()
        self.papers: dict[str, ArxivPaper] = {}
        self.throttle_next = 0
        self.arrivals: list[float] = []
        self._arrivals_lock = threading.Lock()
        self.route("GET", r"/api/query", self._query)

    def add_paper(self, arxiv_id: str, title: str, **attributes: object) -> ArxivPaper:
        """Add an e-print; keyword arguments are `ArxivPaper` fields."""
        paper = ArxivPaper(arxiv_id, title, **attributes)  # type: ignore[arg-type]
        self.papers[arxiv_id] = paper
        return paper

    def queries(self) -> list[FakeRequest]:
        """The API requests received so far."""
        return self.requests_to(r"^/api/query$")

    def dispatch(self, request: FakeRequest) -> FakeResponse:
        with self._arrivals_lock:
            self.arrivals.append(time.monotonic())
            throttled = self.throttle_next > 0
            if throttled:
                self.throttle_next -= 1
        if throttled:
            return FakeResponse(429, "Rate exceeded.", {"Content-Type": "text/plain"})
        return super().dispatch(request)

    # -- the query -----------------------------------------------------------------------
    def _query(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        search = request.query.get("search_query", [""])[-1]
        id_list = [i for i in request.query.get("id_list", [""])[-1].split(",") if i]
        start = int(request.query.get("start", ["0"])[-1])
        max_results = int(request.query.get("max_results", ["10"])[-1])
        if id_list:
            hits = []
            for raw in id_list:
                found = _ID_RE.fullmatch(raw)
                if not found:
                    return _feed(request, [_error_entry(raw)], total=1, start=0, per_page=1)
                paper = self.papers.get(found.group(1))
                if paper is not None:
                    hits.append(paper)
        else:
            phrases = [_words(a or b) for a, b in _TERM_RE.findall(search)]
            hits = [p for p in self.papers.values() if phrases and all(
                _contains(_words(p.title), phrase) for phrase in phrases)]
        page = hits[start:start + max_results]
        return _feed(request, [_entry(p) for p in page], len(hits), start, max_results)


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def _entry(paper: ArxivPaper) -> str:
    version = f"{paper.arxiv_id}v{paper.version}"
    authors = "".join(f"\n    <author>\n      <name>{escape(a)}</name>\n    </author>"
                      for a in paper.authors)
    comment = f"\n    <arxiv:comment>{escape(paper.comment)}</arxiv:comment>" if paper.comment else ""
    return f"""  <entry>
    <id>https://arxiv.org/abs/{version}</id>
    <title>{escape(_wrap(paper.title))}</title>
    <updated>{paper.published}</updated>
    <link href="https://arxiv.org/abs/{version}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{version}" rel="related" type="application/pdf" title="pdf"/>
    <summary>{escape(_wrap(paper.summary))}
</summary>
    <category term="{paper.category}" scheme="http://arxiv.org/schemas/atom"/>
    <published>{paper.published}</published>{comment}
    <arxiv:primary_category term="{paper.category}"/>{authors}
  </entry>
"""


def _error_entry(raw: str) -> str:
    return f"""  <entry>
    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{escape(raw)}</id>
    <title>Error</title>
    <summary>incorrect id format for {escape(raw)}</summary>
    <updated>2025-11-11T00:00:00Z</updated>
    <link href="https://arxiv.org/api/errors#incorrect_id_format_for_{escape(raw)}" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
"""


def _feed(request: FakeRequest, entries: list[str], total: int, start: int,
          per_page: int) -> FakeResponse:
    query = "&".join(f"{k}={v[-1]}" for k, v in sorted(request.query.items()))
    body = f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/kAbx3HnMOEqK7cUtBDtDzLq4iVc</id>
  <title>arXiv Query: {escape(query)}</title>
  <updated>2025-11-11T18:34:08Z</updated>
  <link href={quoteattr("https://arxiv.org/api/query?" + query)} type="application/atom+xml"/>
  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
{"".join(entries)}</feed>
"""
    return FakeResponse(200, body, {"Content-Type": ATOM})


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    """A running, empty FakeArxiv."""
    with FakeArxiv() as server:
        yield server  # type: ignore[misc]
