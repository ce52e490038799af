"""Direct file links: status, size, type and name from HEAD, or from a one-byte ranged GET.

``HEAD <url>`` first; when HEAD is refused or says nothing usable (400, 403, 404, 405, 501,
or a 2xx without a length), one ``GET`` with ``Range: bytes=0-0``, closed after its headers
(a server that ignores Range answers 200 and is read from its Content-Length, never its body).
2xx -> OK (MOVED after a permanent redirect to another host or path), 416 -> OK (an empty
file), 404/410 -> MISSING, 401, 403 (signed-URL stores answer 403 for a key that is gone or
private) or a sign-in redirect -> PRIVATE, 451 -> BLOCKED.
"""

from __future__ import annotations

from urllib.parse import unquote

import requests

from tracker.kernel import LinkStatus, Observation
from tracker.sources import share_pages
from tracker.sources.hops import follow
from tracker.sources.http import PoliteSession, endpoint_label
from tracker.sources.statuses import link_status

HEAD_FALLBACK_STATUSES = frozenset({400, 403, 404, 405, 501})


def observe_file(session: PoliteSession, url: str, observation: Observation,
                 max_redirects: int = 10) -> None:
    """HEAD the file (or range-GET one byte of it) and record what its headers say."""
    response, hops = follow(session, "HEAD", url, observation, max_redirects=max_redirects)
    method = "HEAD"
    if response is not None:
        response.close()
        usable = 200 <= response.status_code < 300 and size_of(response) is not None
        if not usable and (response.status_code in HEAD_FALLBACK_STATUSES
                           or 200 <= response.status_code < 300):
            response, hops = follow(session, "GET", url, observation,
                                    max_redirects=max_redirects,
                                    headers={"Range": "bytes=0-0"}, stream=True)
            method = "GET bytes=0-0"
            if response is not None:
                response.close()  # the headers are all we want
    facts = observation.facts
    facts["method"] = method
    if response is None:
        hops.login_wall(observation)
        return
    code = response.status_code
    hops.record(facts, code)
    observation.status, observation.reason = file_status(code)
    if observation.status is LinkStatus.OK and hops.permanent_move():
        observation.status = LinkStatus.MOVED
        observation.reason = f"permanently redirected to {endpoint_label(hops.current)}"
    content_type = response.headers.get("Content-Type", "")
    size = size_of(response)
    name = disposition_name(response) or share_pages.name_from_path(hops.current)
    facts.update(
        content_type=content_type.split(";")[0].strip().lower() or None,
        content_length=size,
        accept_ranges=response.headers.get("Accept-Ranges", "").lower() == "bytes"
        or code == 206,
        last_modified=response.headers.get("Last-Modified"),
        file_name=name,
    )
    if observation.status in (LinkStatus.OK, LinkStatus.MOVED) and name:
        facts.update(file_names=[{"path": name, "size": size}], listing_complete=True)


def size_of(response: requests.Response) -> int | None:
    """A file's full size from Content-Range (``bytes 0-0/N``, ``bytes */N``) or Content-Length."""
    content_range = response.headers.get("Content-Range", "")
    if "/" in content_range:
        total = content_range.rsplit("/", 1)[1].strip()
        if total.isdigit():
            return int(total)
    if response.status_code == 206:
        return None
    declared = response.headers.get("Content-Length", "")
    return int(declared) if declared.isdigit() else None


def disposition_name(response: requests.Response) -> str | None:
    """The file name a Content-Disposition header gives (``filename*=`` or ``filename=``)."""
    header = response.headers.get("Content-Disposition", "")
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "filename*" and "''" in value:
            return unquote(value.split("''", 1)[1]) or None
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "filename":
            return value.strip().strip('"') or None
    return None


def file_status(code: int) -> tuple[LinkStatus, str | None]:
    """The status an HTTP code gives a direct file (the table in `tracker.sources.statuses`)."""
    return link_status(code, "direct_file")
