"""The artefact-host source: direct files, Drive / OneDrive / Dropbox / Baidu shares, figshare.

Requests, per link (redirect hops are followed by hand and each one counts):

- ``direct_file``: ``HEAD <url>``; when HEAD is refused or says nothing usable (400, 403,
  404, 405, 501, or a 2xx without a length), one ``GET <url>`` with ``Range: bytes=0-0``,
  closed after the headers. Size from ``Content-Range`` (``bytes 0-0/N``) or
  ``Content-Length``. 2xx -> OK (MOVED after a permanent redirect to another host or path),
  404/410 -> MISSING, 401/403 or a redirect to a sign-in page -> PRIVATE, 451 -> BLOCKED,
  416 -> OK (an empty file). An HTML answer is kept as it is (``content_type`` says it):
  the checks do not count a page as a file.
- ``drive_file``: ``GET /file/d/{id}/view``; ``drive_folder``: ``GET
  /embeddedfolderview?id={id}`` (a plain listing of names), and each subfolder the same way,
  breadth-first, at most ``max_folder_pages`` pages and 3 levels. A "file" that Drive
  redirects to a folder view (an ``open?id=`` link to a folder) is read as that folder.
- ``onedrive_share``, ``dropbox_share``, ``baidu_share``: ``GET`` of the share URL (never
  with a Baidu extraction code). The page is judged by tracker.sources.share_pages.
- ``figshare_item``: ``GET {figshare_api_url}/articles/{id}``, plus ``GET
  .../articles/{id}/files?page_size=1000`` when the article lists 10 files (the article
  document carries at most 10). 404 -> MISSING, 401/403 -> PRIVATE, ``is_confidential`` or
  ``download_disabled`` -> PRIVATE, ``is_embargoed`` -> GATED (files later or on request).

Politeness: one PoliteSession per host family (drive, onedrive, dropbox, baidu, figshare) and
one per host for direct files, each spacing its requests by ``min_interval``; the ledger
counts them under those family names (``files`` for direct files). ``endpoints`` maps a
family to another base URL (scheme and host replaced, path and query kept): for tests and
mirrors.

Facts (stamped ``facts_version``): ``url``, ``final_url``, ``status_code``, ``redirects``,
``content_type``; files: ``content_length``, ``method``, ``accept_ranges``,
``last_modified``, ``file_name``; shares: ``host_family``, ``title``, ``name``,
``item_type``, Baidu's ``code_required`` / ``code_given``; figshare: ``article_id``,
``title``, ``doi``, ``published_date``, ``item_type``, ``license``, ``license_url``,
``access_right`` (open, embargoed, confidential, download_disabled), ``embargo_*``,
``file_count``, ``files_total_size``. Whenever names are known: ``file_names`` (``{"path",
"size"}``), ``listing_complete`` and ``listing_gap``.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from tracker.kernel import stamp
from tracker.link_hosts import is_file_path
from tracker.links import ARTEFACT_HOST_KINDS, LinkKind, NormalisedLink
from tracker.sources import share_pages
from tracker.sources.base import (
    LinkStatus,
    LinkTarget,
    Observation,
    RequestLedger,
    SingleLinkSource,
)
from tracker.sources.direct_files import observe_file
from tracker.sources.figshare import DEFAULT_FIGSHARE_API_URL, observe_figshare
from tracker.sources.guard import AddressGuard
from tracker.sources.hops import follow, read_body
from tracker.sources.http import (
    DEFAULT_USER_AGENT,
    PoliteSession,
    RateLimited,
    ServiceError,
    endpoint_label,
)
from tracker.sources.policy import HttpPolicy, Interrupt

FAMILIES = ("drive", "onedrive", "dropbox", "baidu", "figshare")
_FAMILY_OF_KIND = {
    LinkKind.DRIVE_FILE: "drive", LinkKind.DRIVE_FOLDER: "drive",
    LinkKind.ONEDRIVE_SHARE: "onedrive", LinkKind.DROPBOX_SHARE: "dropbox",
    LinkKind.BAIDU_SHARE: "baidu", LinkKind.FIGSHARE_ITEM: "figshare",
}
_PAGE_ACCEPT = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
MAX_FOLDER_DEPTH = 3
_DRIVE_FOLDER_RE = re.compile(r"/drive/(?:[^/?]+/)*folders/([A-Za-z0-9_-]{10,})")
# Direct-file hosts remembered (their spacing, breaker and connections) at once.
MAX_FILE_SESSIONS = 256


class ArtefactHostSource(SingleLinkSource):
    """Observes files and shares on the hosts papers put weights and data on."""

    service = "artefact_hosts"
    kinds = ARTEFACT_HOST_KINDS

    def __init__(
        self,
        *,
        endpoints: Mapping[str, str] | None = None,
        figshare_api_url: str = DEFAULT_FIGSHARE_API_URL,
        min_interval: float = 1.0,
        timeout: float | tuple[float, float] = (10.0, 30.0),
        ledger: RequestLedger | None = None,
        max_retries: int = 3,
        backoff_base: float = 1.0,
        max_rate_limit_wait: float = 60.0,
        user_agent: str = DEFAULT_USER_AGENT,
        max_bytes: int = 2_000_000,
        max_redirects: int = 10,
        max_folder_pages: int = 10,
        policy: HttpPolicy | None = None,
        interrupt: Interrupt | None = None,
        allow_private: Iterable[str] = (),
        trusted_endpoints: Iterable[str] = (),
    ) -> None:
        self.endpoints = {k: v.rstrip("/") for k, v in (endpoints or {}).items() if v}
        self.figshare_api_url = figshare_api_url.rstrip("/")
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.max_folder_pages = max_folder_pages
        self.ledger = ledger if ledger is not None else RequestLedger()
        # Links come from untrusted text: every hop is checked before it is requested; the
        # configured host endpoints (and figshare's API) are trusted.
        self.guard = AddressGuard(allow=allow_private, trusted_endpoints=[
            *self.endpoints.values(), self.figshare_api_url, *trusted_endpoints])
        self._policy: dict[str, Any] = dict(
            ledger=self.ledger, timeout=timeout, user_agent=user_agent, max_retries=max_retries,
            backoff_base=backoff_base, max_rate_limit_wait=max_rate_limit_wait,
            min_interval=min_interval, policy=policy, interrupt=interrupt, guard=self.guard,
        )
        self.sessions = {family: PoliteSession(family, **self._policy) for family in FAMILIES}
        self._file_sessions: dict[str, PoliteSession] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ArtefactHostSource(figshare_api_url={self.figshare_api_url!r})"

    def session_for(self, link: LinkTarget) -> PoliteSession:
        """The session (and so the spacing) a link's requests go through."""
        family = _FAMILY_OF_KIND.get(LinkKind(link.kind))
        if family is not None:
            return self.sessions[family]
        host = urlsplit(link.url).netloc.lower()
        with self._lock:
            session = self._file_sessions.pop(host, None)
            if session is None:
                session = PoliteSession("files", **self._policy)
            self._file_sessions[host] = session  # most recently used last
            if len(self._file_sessions) > MAX_FILE_SESSIONS:
                # Dropped, not closed: a worker may still be using it; its pool goes with it.
                del self._file_sessions[next(iter(self._file_sessions))]
            return session

    def observe(self, link: LinkTarget, previous: Observation | None = None) -> Observation:
        """Look at one file or share now (see the module docstring)."""
        session = self.session_for(link)
        before = session.sent_by_this_thread()
        observation = Observation(self.service, LinkStatus.UNCHECKED)
        kind = LinkKind(link.kind)
        try:
            if kind is LinkKind.DIRECT_FILE:
                observe_file(session, link.url, observation, self.max_redirects)
            elif kind is LinkKind.FIGSHARE_ITEM:
                observe_figshare(session, self.figshare_api_url, link.target, observation)
            elif kind is LinkKind.DRIVE_FOLDER:
                self._observe_drive_folder(session, link, observation)
            else:
                self._observe_share(session, kind, link, observation)
        except RateLimited as exc:
            observation.status, observation.reason = LinkStatus.RATE_LIMITED, str(exc)
        except ServiceError as exc:
            observation.status, observation.reason = LinkStatus.ERROR, exc.reason
        observation.requests = session.sent_by_this_thread() - before
        stamp(observation.facts)
        return observation

    # -- shared mechanics ------------------------------------------------------
    def _fetch_url(self, family: str, url: str) -> str:
        """The URL to ask: the link's own, or its path and query on the family's endpoint."""
        base = self.endpoints.get(family)
        if not base:
            return url
        parts = urlsplit(url)
        return base + parts.path + (f"?{parts.query}" if parts.query else "")

    # -- share pages -----------------------------------------------------------
    def _observe_share(self, session: PoliteSession, kind: LinkKind, link: LinkTarget,
                       observation: Observation) -> None:
        family = _FAMILY_OF_KIND[kind]
        url = self._fetch_url(family, link.url)
        stop = _DRIVE_FOLDER_RE if kind is LinkKind.DRIVE_FILE else None
        response, hops = follow(session, "GET", url, observation, headers=_PAGE_ACCEPT,
                                stream=True, stop=stop, max_redirects=self.max_redirects)
        facts = observation.facts
        facts["host_family"] = family
        if hops.stopped is not None:
            # `open?id=` names files and folders alike; Drive sends a folder to its folder view.
            folder = _DRIVE_FOLDER_RE.search(hops.stopped)
            assert folder is not None
            as_folder = NormalisedLink(link.url, LinkKind.DRIVE_FOLDER, "drive.google.com",
                                       folder.group(1), access_key=link.access_key)
            self._observe_drive_folder(session, as_folder, observation)
            return
        if response is None:
            hops.login_wall(observation)
            return
        code = response.status_code
        hops.record(facts, code)
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        facts["content_type"] = content_type or None
        reading = None
        if "html" in content_type:
            reading = share_pages.read_page(read_body(response, self.max_bytes), hops.current)
        else:
            response.close()
        observation.status, observation.reason = share_pages.judge_page(family, code, reading)
        item_type = getattr(link, "detail", None) if family in ("onedrive", "dropbox") else None
        if kind is LinkKind.DRIVE_FILE:
            item_type = "file"
        # An error or request-access page's title is not the item's name.
        ok = observation.status is LinkStatus.OK
        name = share_pages.item_name(reading) if reading and ok else None
        if name is None and family == "dropbox" and item_type == "file":
            name = share_pages.name_from_path(link.url)
        if item_type not in ("file", "folder"):
            # A share that does not say what it is is a file when its name is a file's.
            item_type = "file" if name and is_file_path(name) else None
        facts.update(title=reading.title if reading else None, name=name, item_type=item_type)
        if family == "baidu":
            detail = getattr(link, "detail", None) or ""
            facts["code_required"] = share_pages.baidu_code_required(reading, hops.current)
            facts["code_given"] = detail.startswith("pwd=")
        if observation.status in (LinkStatus.OK, LinkStatus.GATED) and name \
                and facts["item_type"] == "file":
            facts.update(file_names=[{"path": name, "size": None}], listing_complete=True)

    def _observe_drive_folder(self, session: PoliteSession, link: LinkTarget,
                              observation: Observation) -> None:
        """Read a folder's plain listing, then its subfolders' (breadth-first, capped)."""
        facts = observation.facts
        facts.update(host_family="drive", item_type="folder")
        base = self.endpoints.get("drive", "https://drive.google.com")
        key = f"&resourcekey={link.access_key}" if link.access_key else ""
        queue: deque[tuple[str, str, int]] = deque([(link.target, "", 0)])
        files: list[dict[str, Any]] = []
        pages = 0
        gap = None
        while queue:
            folder_id, prefix, depth = queue.popleft()
            if pages >= self.max_folder_pages:
                gap = f"only {pages} folder pages were read"
                break
            url = f"{base}/embeddedfolderview?id={folder_id}{key if not prefix else ''}"
            shown = f"{endpoint_label(url)}?id={folder_id}"  # the id, never the resourcekey
            response, hops = follow(session, "GET", url, observation,
                                    max_redirects=self.max_redirects, headers=_PAGE_ACCEPT,
                                    stream=True, shown=shown)
            pages += 1
            if response is None:
                if not prefix:
                    hops.login_wall(observation)
                    return
                gap = f"subfolder {prefix.rstrip('/')} needs a login"
                continue
            code = response.status_code
            reading = share_pages.read_page(read_body(response, self.max_bytes), hops.current)
            status, reason = share_pages.judge_page("drive", code, reading)
            if not prefix:
                hops.record(facts, code)
                facts.update(title=reading.title, name=share_pages.item_name(reading))
                observation.status, observation.reason = status, reason
                if status is not LinkStatus.OK:
                    return
            elif status is not LinkStatus.OK:
                gap = f"subfolder {prefix.rstrip('/')} could not be read ({status})"
                continue
            if not prefix and not reading.entries:
                # An empty folder is rarely what a paper links; a page layout this reader does
                # not know looks the same, and must not read as "nothing released".
                gap = "no entries could be read from the folder page"
            for entry_kind, entry_id, name in reading.entries:
                if entry_kind == "file":
                    files.append({"path": prefix + name, "size": None})
                elif depth + 1 < MAX_FOLDER_DEPTH:
                    queue.append((entry_id, f"{prefix}{name}/", depth + 1))
                else:
                    gap = f"folders deeper than {MAX_FOLDER_DEPTH} levels were not opened"
        facts.update(file_names=files, listing_complete=gap is None, listing_gap=gap,
                     file_count=len(files))
