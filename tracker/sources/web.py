"""The web source: project pages, DOIs, arXiv and other pages by GET, Zenodo by its API.

Pages: `GET <url>` streamed, redirects followed by hand (at most `max_redirects` hops, a
revisited URL is a loop) so that every hop is counted, retried and recorded. HEAD is not
used: many servers answer it wrongly. Only HTML bodies are read, at most `max_bytes`.
Statuses: 2xx -> OK (with `redirects`/`final_url` when redirected), MOVED when a permanent
redirect (301/308) took us to another host or path and the end answered 2xx; 404/410 ->
MISSING; 401 -> PRIVATE; 403 and 451 -> BLOCKED; 429 -> PoliteSession waits or
RATE_LIMITED; 5xx after retries, DNS failures, refused connections, timeouts, redirect
loops and over-long chains -> ERROR with the reason. No service here needs a token.

Zenodo records (`LinkKind.ZENODO_RECORD`): `GET {zenodo_api_url}/records/{id}` (default
https://zenodo.org/api) with the ETag of the previous look. access_right `open` -> OK,
`embargoed` -> GATED, `restricted` -> GATED (the files exist and are granted on request,
which is what GATED means), `closed` -> PRIVATE (no file access at all); 404/410 ->
MISSING; 401/403 -> PRIVATE. Zenodo is counted in the ledger as service "zenodo".

Facts keys of a page: `url` (asked), `final_url`, `status_code`, `redirects` (list of
`{"status", "url", "location"}`), `content_type`, `content_length` (header, else bytes
read), `body_truncated` (bool), `html` (HTML only: {path: the URL, size, text capped at
64,000 characters, truncated}), `title` (HTML only, else None), `outbound_links` (HTML
only: absolute http(s) URLs of `<a href>`, fragment dropped, de-duplicated, at most 500).
Facts keys of a Zenodo record: `record_id`, `title`, `doi`, `publication_date`,
`access_right`, `embargo_date`, `license` (Zenodo license id, e.g. "cc-by-4.0"),
`file_count`, `files_total_size` (bytes), `file_names` (the first 200 as `{"path", "size"}`).
"""

from __future__ import annotations

from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

from tracker.kernel import text_fact
from tracker.links import LinkKind
from tracker.sources.base import (
    LinkStatus,
    LinkTarget,
    Observation,
    RequestLedger,
    SingleLinkSource,
)
from tracker.sources.guard import AddressGuard
from tracker.sources.http import (
    PoliteSession,
    RateLimited,
    ServiceError,
    endpoint_label,
)
from tracker.sources.policy import HttpPolicy, Interrupt
from tracker.sources.statuses import link_status

DEFAULT_ZENODO_API_URL = "https://zenodo.org/api"
MAX_OUTBOUND_LINKS = 500
MAX_FILE_NAMES = 200
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
HTML_TYPES = ("text/html", "application/xhtml+xml")
_PAGE_ACCEPT = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
_ZENODO_ACCESS = {
    "open": LinkStatus.OK,
    "embargoed": LinkStatus.GATED,
    "restricted": LinkStatus.GATED,
    "closed": LinkStatus.PRIVATE,
}


class _PageParser(HTMLParser):
    """Collects the <title> text and the <a href> targets of an HTML page."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.title: str | None = None
        self.links: list[str] = []
        self._seen: set[str] = set()
        self._in_title = False
        self._title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "title" and self.title is None:
            self._in_title = True
        elif tag == "base" and values.get("href"):
            self.base_url = urljoin(self.base_url, values["href"] or "")
        elif tag == "a" and values.get("href"):
            self._add_link(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title = " ".join("".join(self._title_parts).split())[:300]

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)

    def _add_link(self, href: str) -> None:
        if len(self.links) >= MAX_OUTBOUND_LINKS or href.startswith("#"):
            return  # a fragment-only href points back into the same page
        absolute, _ = urldefrag(urljoin(self.base_url, href.strip()))
        if urlsplit(absolute).scheme not in ("http", "https") or absolute in self._seen:
            return
        self._seen.add(absolute)
        self.links.append(absolute)


def _moved(original: str, final: str) -> bool:
    """Whether two URLs differ in host or path (a trailing slash or scheme does not count)."""
    a, b = urlsplit(original), urlsplit(final)
    return a.netloc.lower() != b.netloc.lower() or a.path.rstrip("/") != b.path.rstrip("/")


def _page_status(code: int) -> tuple[LinkStatus, str | None]:
    return link_status(code, "web")


class WebSource(SingleLinkSource):
    """Observes ordinary web pages (and Zenodo records through Zenodo's REST API)."""

    service = "web"
    kinds = frozenset(
        {LinkKind.PROJECT_PAGE, LinkKind.ZENODO_RECORD, LinkKind.WEB, LinkKind.DOI, LinkKind.ARXIV}
    )

    def __init__(
        self,
        *,
        zenodo_api_url: str = DEFAULT_ZENODO_API_URL,
        timeout: float | tuple[float, float] | None = None,
        ledger: RequestLedger | None = None,
        max_retries: int | None = None,
        backoff_base: float | None = None,
        max_rate_limit_wait: float | None = None,
        user_agent: str | None = None,
        max_bytes: int = 2_000_000,
        max_redirects: int | None = None,
        policy: HttpPolicy | None = None,
        allow_private: Iterable[str] = (),
        trusted_endpoints: Iterable[str] = (),
        interrupt: Interrupt | None = None,
    ) -> None:
        self.zenodo_api_url = zenodo_api_url.rstrip("/")
        self.max_bytes = max_bytes
        ledger = ledger if ledger is not None else RequestLedger()
        policy = (policy or HttpPolicy()).replace(
            timeout=timeout, max_retries=max_retries, backoff_base=backoff_base,
            max_rate_limit_wait=max_rate_limit_wait, user_agent=user_agent,
            max_redirects=max_redirects,
        )
        self.max_redirects = policy.max_redirects
        # Page links come from untrusted text: every hop is checked before it is requested.
        self.guard = AddressGuard(
            allow=allow_private, trusted_endpoints=[self.zenodo_api_url, *trusted_endpoints]
        )
        self.http = PoliteSession(self.service, ledger=ledger, policy=policy, guard=self.guard,
                                  interrupt=interrupt)
        self.zenodo = PoliteSession("zenodo", ledger=ledger, policy=policy, interrupt=interrupt)

    def __repr__(self) -> str:
        return f"WebSource(zenodo_api_url={self.zenodo_api_url!r})"

    def observe(self, link: LinkTarget, previous: Observation | None = None) -> Observation:
        """Fetch the page (or the Zenodo record) now; see the module docstring."""
        is_zenodo = link.kind == LinkKind.ZENODO_RECORD
        session = self.zenodo if is_zenodo else self.http
        before = session.sent_by_this_thread()
        observation = Observation(self.service, LinkStatus.UNCHECKED)
        try:
            if is_zenodo:
                self._observe_zenodo(link.target, previous, observation)
            else:
                self._observe_page(link.url, previous, observation)
        except RateLimited as exc:
            observation.status, observation.reason = LinkStatus.RATE_LIMITED, str(exc)
        except ServiceError as exc:
            observation.status, observation.reason = LinkStatus.ERROR, exc.reason
        observation.requests = session.sent_by_this_thread() - before
        return observation

    # -- pages -----------------------------------------------------------------
    def _observe_page(
        self, url: str, previous: Observation | None, observation: Observation
    ) -> None:
        validators = previous.validators if previous else {}
        hops: list[dict[str, Any]] = []
        visited = {url}
        current = url
        while True:
            headers = dict(_PAGE_ACCEPT)
            if current in validators:
                headers["If-None-Match"] = validators[current]
            response = self.http.get(current, headers=headers, body_limit=self._body_limit)
            location = response.headers.get("Location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                break
            response.close()
            try:
                target = urljoin(current, location.strip())
            except ValueError:
                raise ServiceError(f"unreadable redirect Location {location[:100]!r}") from None
            hops.append({"status": response.status_code, "url": current, "location": target})
            observation.evidence.append(
                f"GET {endpoint_label(current)} -> {response.status_code} {endpoint_label(target)}"
            )
            if target in visited:
                raise ServiceError(
                    f"redirect loop at {endpoint_label(target)} after {len(hops)} hops"
                )
            if len(hops) >= self.max_redirects:
                raise ServiceError(f"more than {self.max_redirects} redirects")
            visited.add(target)
            current = target
        with response:
            code = response.status_code
            observation.evidence.append(f"GET {endpoint_label(current)} -> {code}")
            if code == 304 and previous is not None:
                observation.facts = dict(previous.facts)
                observation.status = previous.status
                observation.unchanged = True
                observation.validators = dict(validators)
                return
            observation.status, observation.reason = _page_status(code)
            permanent = any(hop["status"] in PERMANENT_REDIRECTS for hop in hops)
            if observation.status is LinkStatus.OK and permanent and _moved(url, current):
                observation.status = LinkStatus.MOVED
                observation.reason = f"permanently redirected to {endpoint_label(current)}"
            facts = observation.facts
            facts.update(url=url, final_url=current, status_code=code, redirects=hops)
            content_type = response.headers.get("Content-Type", "")
            facts["content_type"] = content_type.split(";")[0].strip().lower() or None
            declared = response.headers.get("Content-Length")
            facts.update(title=None, outbound_links=[], body_truncated=False)
            facts["content_length"] = int(declared) if declared and declared.isdigit() else None
            if 200 <= code < 300 and facts["content_type"] in HTML_TYPES:
                self._read_html(response, current, facts)
            etag = response.headers.get("ETag")
            if etag and 200 <= code < 300:
                observation.validators = {current: etag}

    def _body_limit(self, response: requests.Response) -> int:
        """Bytes of a page to read: the HTML of a 2xx answer, up to `max_bytes`; else none."""
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        ok = 200 <= response.status_code < 300
        return self.max_bytes if ok and content_type in HTML_TYPES else 0

    def _read_html(self, response: requests.Response, base_url: str, facts: dict[str, Any]) -> None:
        """Parse the title and links of the HTML body read (at most `max_bytes`)."""
        body = response.content
        facts["body_truncated"] = bool(getattr(response, "body_truncated", False))
        if facts["content_length"] is None:
            facts["content_length"] = len(body)
        parser = _PageParser(base_url)
        text = body.decode(response.encoding or "utf-8", errors="replace")
        parser.feed(text)
        parser.close()
        facts["title"] = parser.title
        facts["outbound_links"] = parser.links
        # The page itself (capped), so what its links are is judged by checks/ in context.
        facts["html"] = text_fact(base_url, len(body), text)

    # -- Zenodo ----------------------------------------------------------------
    def _observe_zenodo(
        self, record_id: str, previous: Observation | None, observation: Observation
    ) -> None:
        url = f"{self.zenodo_api_url}/records/{record_id}"
        old_etag = previous.validators.get(url) if previous else None
        status, data, etag = self.zenodo.get_json(url, etag=old_etag)
        observation.evidence.append(f"GET {endpoint_label(url)} -> {status}")
        if etag:
            observation.validators = {url: etag}
        if status == 304 and previous is not None:
            observation.facts = dict(previous.facts)
            observation.status = previous.status
            observation.unchanged = True
            return
        message = data.get("message") if isinstance(data, dict) else None
        said = f": {message}" if message else ""
        if not 200 <= status < 300:
            observation.status, reason = link_status(status, "zenodo")
            observation.reason = f"{reason}{said}"
            return
        metadata = data.get("metadata") if isinstance(data, dict) else None
        if not isinstance(metadata, dict):
            observation.status = LinkStatus.ERROR
            observation.reason = f"unexpected answer from {endpoint_label(url)}: no metadata"
            return
        access_right = metadata.get("access_right")
        files = [f for f in data.get("files") or [] if isinstance(f, dict)]
        sizes = [f.get("size") if isinstance(f.get("size"), int) else 0 for f in files]
        license_info = metadata.get("license")
        observation.facts.update(
            record_id=str(data.get("id", record_id)),
            title=metadata.get("title") or data.get("title"),
            doi=data.get("doi") or metadata.get("doi"),
            publication_date=metadata.get("publication_date"),
            access_right=access_right,
            embargo_date=metadata.get("embargo_date"),
            license=license_info.get("id") if isinstance(license_info, dict) else license_info,
            file_count=len(files),
            files_total_size=sum(sizes),
            file_names=[
                {"path": str(f.get("key") or f.get("filename") or ""), "size": size}
                for f, size in list(zip(files, sizes))[:MAX_FILE_NAMES]
            ],
        )
        observation.status = _ZENODO_ACCESS.get(str(access_right), LinkStatus.OK)
        if observation.status is not LinkStatus.OK:
            observation.reason = f"access_right {access_right}"
