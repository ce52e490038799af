"""The OSF source: an OSF project/component (a node) and its osfstorage files, via API v2.

Endpoints (JSON:API, default root https://api.osf.io/v2, `OSF_API_URL` to override):
- `GET /nodes/{guid}/?embed=license` -> status and node facts; the license name comes from
  the embedded license (one request) or, when the server did not embed it, from one GET
  of `relationships.license.links.related.href`;
- `GET /nodes/{guid}/files/osfstorage/?page[size]=100`, following `links.next` and
  descending into folders breadth-first, at most `max_depth` folder levels below the root,
  `max_files` entries and `max_listing_requests` listing pages; hitting a cap sets
  `files_truncated` (counts are then lower bounds).
A link's view_only key (`?view_only=KEY`, the anonymous-review links) is sent on every
request; an optional personal access token goes in `Authorization: Bearer` and is never
logged or stored. OSF needs no token for public nodes.

Statuses: 200 -> OK; 401/403 -> PRIVATE; 404 -> MISSING; 410 (deleted) -> MISSING with a
reason; 429/5xx/timeouts are retried by PoliteSession, then RATE_LIMITED / ERROR. A node
that answers 200 only thanks to the view_only key is OK with `public: false` and
`view_only_required: true`: anonymous-review links are meant to expire.

Facts keys:
- `guid`, `title`, `category` (project, data, software, ...), `public` (bool),
  `date_created`, `date_modified` (ISO 8601 UTC), `tags` (list of str), `license` (name or
  None);
- `file_count`, `folder_count`, `files_total_size` (bytes), `files_truncated` (bool),
  `file_names` (the first 200 files as `{"path": "/data/x.csv", "size": 123}`);
- `anonymous_review` (the link carries a view_only key), `view_only_required` (bool).
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tracker.links import LinkKind
from tracker.sources.base import (
    LinkStatus,
    LinkTarget,
    Observation,
    RequestLedger,
    SingleLinkSource,
)
from tracker.sources.http import (
    PoliteSession,
    RateLimited,
    ServiceError,
    endpoint_label,
)
from tracker.sources.policy import HttpPolicy, Interrupt
from tracker.sources.statuses import link_status

log = logging.getLogger(__name__)

DEFAULT_OSF_API_URL = "https://api.osf.io/v2"
MAX_FILE_NAMES = 200
_ACCEPT = {"Accept": "application/vnd.api+json, application/json"}


def iso_utc(value: Any) -> str | None:
    """An OSF timestamp (naive means UTC) as ISO 8601 UTC, or None when unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_detail(data: Any) -> str | None:
    """The first `errors[].detail` of a JSON:API error document."""
    if isinstance(data, dict) and isinstance(data.get("errors"), list) and data["errors"]:
        first = data["errors"][0]
        if isinstance(first, dict) and first.get("detail"):
            return str(first["detail"])
    return None


@dataclass
class _FileTally:
    """What the osfstorage walk found."""

    file_count: int = 0
    folder_count: int = 0
    total_size: int = 0
    truncated: bool = False
    names: list[dict[str, Any]] = field(default_factory=list)


class OSFSource(SingleLinkSource):
    """Observes OSF nodes (projects and components) through the OSF API v2."""

    service = "osf"
    kinds = frozenset({LinkKind.OSF_NODE})

    def __init__(
        self,
        *,
        endpoint: str = DEFAULT_OSF_API_URL,
        token: str | None = None,
        timeout: float | tuple[float, float] | None = None,
        ledger: RequestLedger | None = None,
        max_retries: int | None = None,
        backoff_base: float | None = None,
        max_rate_limit_wait: float | None = None,
        user_agent: str | None = None,
        max_depth: int = 5,
        max_files: int = 2000,
        max_listing_requests: int = 50,
        policy: HttpPolicy | None = None,
        interrupt: Interrupt | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.max_depth = max_depth
        self.max_files = max_files
        self.max_listing_requests = max_listing_requests
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = PoliteSession(
            self.service,
            ledger=ledger,
            policy=policy,
            timeout=timeout,
            user_agent=user_agent,
            max_retries=max_retries,
            backoff_base=backoff_base,
            max_rate_limit_wait=max_rate_limit_wait,
            headers=headers,
            interrupt=interrupt,
        )

    def __repr__(self) -> str:
        return f"OSFSource(endpoint={self.endpoint!r})"

    def observe(self, link: LinkTarget, previous: Observation | None = None) -> Observation:
        """GET the node, then walk its osfstorage listing (see the module docstring)."""
        guid = link.target
        key = link.access_key
        before = self.http.sent_by_this_thread()
        observation = Observation(self.service, LinkStatus.UNCHECKED)
        try:
            self._observe_node(guid, key, observation)
        except RateLimited as exc:
            observation.status = LinkStatus.RATE_LIMITED
            observation.reason = str(exc)
        except ServiceError as exc:
            observation.status = LinkStatus.ERROR
            observation.reason = exc.reason
        observation.requests = self.http.sent_by_this_thread() - before
        return observation

    # -- steps -----------------------------------------------------------------
    def _params(self, key: str | None, **extra: str) -> dict[str, str]:
        return {**extra, **({"view_only": key} if key else {})}

    def _observe_node(self, guid: str, key: str | None, observation: Observation) -> None:
        url = f"{self.endpoint}/nodes/{guid}/"
        status, data, _ = self.http.get_json(url, params=self._params(key, embed="license"),
                                             headers=_ACCEPT)
        detail = _error_detail(data)
        observation.evidence.append(f"GET {endpoint_label(url)} -> {status}")
        if status != 200:
            observation.status, observation.reason = self._classify(status, detail, key)
            return
        node = data.get("data") if isinstance(data, dict) else None
        if not isinstance(node, dict) or not isinstance(node.get("attributes"), dict):
            raise ServiceError(
                f"unexpected document from {endpoint_label(url)}: no data.attributes"
            )
        attrs = node["attributes"]
        public = bool(attrs.get("public"))
        facts = observation.facts
        facts.update(
            guid=node.get("id", guid),
            title=attrs.get("title"),
            category=attrs.get("category"),
            public=public,
            date_created=iso_utc(attrs.get("date_created")),
            date_modified=iso_utc(attrs.get("date_modified")),
            tags=[str(t) for t in attrs.get("tags") or []],
            anonymous_review=key is not None,
            view_only_required=key is not None and not public,
        )
        observation.status = LinkStatus.OK
        if facts["view_only_required"]:
            observation.evidence.append(
                "private node readable only through a view_only link (anonymous review); "
                "such links are meant to expire"
            )
        facts["license"] = self._license_name(node, key, observation)
        tally = self._walk_files(guid, key, observation)
        facts.update(
            file_count=tally.file_count,
            folder_count=tally.folder_count,
            files_total_size=tally.total_size,
            files_truncated=tally.truncated,
            file_names=tally.names,
        )

    @staticmethod
    def _classify(status: int, detail: str | None, key: str | None) -> tuple[LinkStatus, str]:
        said = f": {detail}" if detail else ""
        link, reason = link_status(status, "osf")
        if link is LinkStatus.PRIVATE and key:
            reason = f"HTTP {status}, view_only key not accepted (expired?)"
        return link, f"{reason}{said}"

    def _license_name(
        self, node: dict[str, Any], key: str | None, observation: Observation
    ) -> str | None:
        embedded = (node.get("embeds") or {}).get("license") or {}
        attrs = (embedded.get("data") or {}).get("attributes") or {}
        if attrs.get("name"):
            return str(attrs["name"])
        related = (((node.get("relationships") or {}).get("license") or {}).get("links") or {})
        href = (related.get("related") or {}).get("href")
        if not href:
            return None
        status, data, _ = self.http.get_json(href, params=self._params(key), headers=_ACCEPT)
        observation.evidence.append(f"GET {endpoint_label(href)} -> {status}")
        if status != 200 or not isinstance(data, dict):
            return None
        name = ((data.get("data") or {}).get("attributes") or {}).get("name")
        return str(name) if name else None

    def _walk_files(self, guid: str, key: str | None, observation: Observation) -> _FileTally:
        """Breadth-first walk of osfstorage, bounded by depth, entries and pages."""
        tally = _FileTally()
        root = f"{self.endpoint}/nodes/{guid}/files/osfstorage/"
        queue: deque[tuple[str, int]] = deque([(root, 0)])
        requests_made = 0
        while queue:
            folder_url, depth = queue.popleft()
            page_url: str | None = folder_url
            params: dict[str, str] | None = self._params(key, **{"page[size]": "100"})
            while page_url:
                if requests_made >= self.max_listing_requests or (
                    tally.file_count + tally.folder_count >= self.max_files
                ):
                    tally.truncated = True
                    return tally
                status, data, _ = self.http.get_json(page_url, params=params, headers=_ACCEPT)
                requests_made += 1
                if status != 200 or not isinstance(data, dict):
                    observation.evidence.append(f"GET {endpoint_label(page_url)} -> {status}")
                    tally.truncated = True
                    break
                for entry in data.get("data") or []:
                    self._tally_entry(entry, depth, tally, queue)
                page_url = (data.get("links") or {}).get("next")
                params = None
                if page_url and key and "view_only" not in parse_qs(urlsplit(page_url).query):
                    params = self._params(key)
        observation.evidence.append(
            f"GET {endpoint_label(root)} (+{requests_made - 1} pages/folders) -> "
            f"{tally.file_count} files, {tally.total_size} bytes"
        )
        return tally

    def _tally_entry(
        self,
        entry: Any,
        depth: int,
        tally: _FileTally,
        queue: deque[tuple[str, int]],
    ) -> None:
        attrs = entry.get("attributes") if isinstance(entry, dict) else None
        if not isinstance(attrs, dict):
            return
        path = attrs.get("materialized_path") or attrs.get("name") or ""
        if attrs.get("kind") == "folder":
            tally.folder_count += 1
            files_rel = ((entry.get("relationships") or {}).get("files") or {}).get("links") or {}
            href = (files_rel.get("related") or {}).get("href")
            if href and depth < self.max_depth:
                queue.append((href, depth + 1))
            elif href:
                tally.truncated = True
            return
        size = attrs.get("size") if isinstance(attrs.get("size"), int) else 0
        tally.file_count += 1
        tally.total_size += size
        if len(tally.names) < MAX_FILE_NAMES:
            tally.names.append({"path": path, "size": size})
