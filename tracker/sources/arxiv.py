"""The arXiv export API (Atom feeds): title search and look-up by id, one request every 3 s.

Endpoints: `GET {api_url}/query?search_query=ti:"words"&start=0&max_results=N` and
`GET {api_url}/query?id_list=ID[,ID...]&max_results=N`. arXiv asks for at most one request
every three seconds, so every request goes through a `PoliteSession` with `min_interval`
(`[arxiv] min_interval`). Answers are Atom XML, parsed with `xml.etree` under their three
namespaces (Atom, `arxiv:` and `opensearch:`); both the older layout (namespaces declared on
each element, `http://arxiv.org/abs/...` ids) and the newer one (declared on the feed,
`https://` ids) are read. Titles and summaries arrive hard-wrapped: whitespace is collapsed.

arXiv's failure modes: a malformed query answers HTTP 200 with one entry titled `Error`
whose id is `.../api/errors#...` (raised as `ArxivQueryError`); throttling answers 429 (or
503) with the plain-text body `Rate exceeded.` and no Retry-After (`PoliteSession` backs off,
then raises `RateLimited`); an unparsable body raises `ServiceError`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.identifiers import normalise_title, parse_arxiv_id
from tracker.sources.base import RequestLedger
from tracker.sources.http import PoliteSession, ServiceError
from tracker.sources.policy import HttpPolicy, Interrupt

SERVICE = "arxiv"
DEFAULT_API_URL = "https://export.arxiv.org/api"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_VERSION_RE = re.compile(r"v(\d+)$")


class ArxivQueryError(ServiceError):
    """arXiv answered a query with its `Error` entry (a malformed id or query)."""


@dataclass(frozen=True)
class ArxivEntry:
    """One paper of a feed, with whitespace-collapsed text."""

    arxiv_id: str  # versionless
    version: int | None
    title: str
    summary: str = ""
    comment: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None


@dataclass
class ArxivFeed:
    """A feed: the total the query matched (opensearch) and the entries returned."""

    total: int
    entries: list[ArxivEntry] = field(default_factory=list)


def _text(element: ET.Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _entry(element: ET.Element) -> ArxivEntry | None:
    """An entry, or None when its id is not an arXiv abstract URL."""
    raw_id = _text(element.find("atom:id", NS))
    marker = "/abs/"
    if marker not in raw_id:
        return None
    tail = raw_id.split(marker, 1)[1]
    version_match = _VERSION_RE.search(tail)
    arxiv_id = parse_arxiv_id(tail)
    if arxiv_id is None:
        return None
    return ArxivEntry(
        arxiv_id=arxiv_id,
        version=int(version_match.group(1)) if version_match else None,
        title=_text(element.find("atom:title", NS)),
        summary=_text(element.find("atom:summary", NS)),
        comment=_text(element.find("arxiv:comment", NS)) or None,
        doi=_text(element.find("arxiv:doi", NS)) or None,
        journal_ref=_text(element.find("arxiv:journal_ref", NS)) or None,
        authors=tuple(_text(a.find("atom:name", NS)) for a in element.findall("atom:author", NS)),
        published=_text(element.find("atom:published", NS)) or None,
    )


def parse_feed(body: bytes) -> ArxivFeed:
    """Parse an Atom feed of the arXiv API; raises ArxivQueryError or ServiceError."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ServiceError(f"arXiv answered something that is not Atom XML ({exc})") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise ServiceError(f"arXiv answered an XML document that is not a feed ({root.tag})")
    for element in root.findall("atom:entry", NS):
        if "/api/errors" in _text(element.find("atom:id", NS)):
            message = _text(element.find("atom:summary", NS)) or "malformed query"
            raise ArxivQueryError(f"arXiv rejected the query: {message}")
    entries = [e for e in map(_entry, root.findall("atom:entry", NS)) if e is not None]
    total_text = _text(root.find("opensearch:totalResults", NS))
    total = int(total_text) if total_text.isdigit() else len(entries)
    return ArxivFeed(total, entries)


def title_query(title: str) -> str:
    """`ti:"..."`: the title as a phrase of plain words (quotes, colons and LaTeX removed,
    since they are query syntax to arXiv)."""
    return f'ti:"{normalise_title(title)}"'


class ArxivClient:
    """Searches and reads the arXiv API politely (one request per `min_interval` seconds)."""

    service = SERVICE

    def __init__(
        self,
        *,
        endpoint: str = DEFAULT_API_URL,
        timeout: float | None = None,
        ledger: RequestLedger | None = None,
        max_retries: int | None = None,
        backoff_base: float | None = None,
        max_rate_limit_wait: float | None = None,
        user_agent: str | None = None,
        min_interval: float = 3.0,
        policy: HttpPolicy | None = None,
        interrupt: Interrupt | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.session = PoliteSession(
            SERVICE,
            ledger=ledger,
            policy=policy,
            timeout=timeout,
            user_agent=user_agent,
            max_retries=max_retries,
            backoff_base=backoff_base,
            max_rate_limit_wait=max_rate_limit_wait,
            min_interval=min_interval,
            interrupt=interrupt,
        )

    def __repr__(self) -> str:
        return f"ArxivClient(endpoint={self.endpoint!r})"

    def search_title(self, title: str, max_results: int = 5) -> ArxivFeed:
        """`GET /query?search_query=ti:"..."`: papers whose title contains the phrase."""
        return self._query({"search_query": title_query(title), "start": 0,
                            "max_results": max_results})

    def by_ids(self, arxiv_ids: Sequence[str]) -> ArxivFeed:
        """`GET /query?id_list=...`: the newest version of each id arXiv knows."""
        if not arxiv_ids:
            return ArxivFeed(0)
        return self._query({"id_list": ",".join(arxiv_ids), "max_results": len(arxiv_ids)})

    def _query(self, params: dict[str, str | int]) -> ArxivFeed:
        url = f"{self.endpoint}/query"
        response = self.session.get(url, params=params)
        if response.status_code != 200:
            body = response.text[:80].strip()
            raise ServiceError(f"GET {url} -> HTTP {response.status_code} {body}".rstrip())
        return parse_feed(response.content)
