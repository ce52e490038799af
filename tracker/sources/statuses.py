"""What an HTTP answer says about a link, as data: one table, and each service's exceptions.

Every source maps a final (non-retried) HTTP status to a `LinkStatus` here. Transient answers
(5xx, 408, 429) never reach this table: the retry loop handles them (`policy.RETRY_STATUSES`),
and what is left after the retries is `error` or `rate_limited`, never a fact about the link.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from tracker.sources.base import LinkStatus

# status -> (link status, what the status means), for any service without an exception below.
HTTP_LINK_STATUS: Mapping[int, tuple[LinkStatus, str]] = MappingProxyType({
    401: (LinkStatus.PRIVATE, "login required"),
    403: (LinkStatus.BLOCKED, "forbidden"),
    404: (LinkStatus.MISSING, "not found"),
    410: (LinkStatus.MISSING, "deleted"),
    451: (LinkStatus.BLOCKED, "unavailable for legal reasons"),
})

# Where a service's documented meaning differs from the table above.
SERVICE_EXCEPTIONS: Mapping[str, Mapping[int, tuple[LinkStatus, str]]] = MappingProxyType({
    # Zenodo and OSF answer 403 for records and nodes that exist but are not public.
    "zenodo": {403: (LinkStatus.PRIVATE, "not public")},
    "osf": {403: (LinkStatus.PRIVATE, "not public")},
    # The Hub answers a private repository to a caller without access as it answers a
    # missing one (401 or 404): the observation says the ambiguity.
    "huggingface": {401: (LinkStatus.MISSING, "not found, or private")},
    # GitHub answers 404 for private repositories too; a plain 403 is a permission problem,
    # not a block (blocks say so in the body: `BLOCKED_BODY_WORD`); a 401 is a rejected
    # token (the transport says so), never a fact about the repository.
    "github": {401: (LinkStatus.ERROR, "bad credentials"), 403: (LinkStatus.ERROR, "forbidden")},
    # A direct download: 403 is a signed URL or an ACL that denies us, i.e. not public; 416
    # answers our one-byte range request for an empty file, so the file is there.
    "direct_file": {403: (LinkStatus.PRIVATE, "access denied"),
                    416: (LinkStatus.OK, "range not satisfiable: an empty file")},
    # Share pages (Drive, OneDrive, Dropbox, Baidu): 403 is no permission, nothing to request
    # (the page's own words, read first by the source, can say more).
    "share_page": {403: (LinkStatus.PRIVATE, "no permission")},
    # figshare's API answers 403 for confidential and private articles.
    "figshare": {403: (LinkStatus.PRIVATE, "not public")},
})

# GitHub says a repository is blocked (DMCA, terms) with a 403 whose message holds this word.
BLOCKED_BODY_WORD = "blocked"


def link_status(code: int, service: str = "web") -> tuple[LinkStatus, str | None]:
    """The link status a final HTTP status means for `service`, and a reason (None when ok)."""
    known = SERVICE_EXCEPTIONS.get(service, {}).get(code) or HTTP_LINK_STATUS.get(code)
    if known is None:
        if 200 <= code < 300:
            return LinkStatus.OK, None
        return LinkStatus.ERROR, f"unexpected HTTP {code}"
    status, meaning = known
    return status, None if status is LinkStatus.OK else f"HTTP {code} ({meaning})"
