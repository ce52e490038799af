"""Redirects followed by hand for the artefact-host source: every hop counted and recorded.

A chain stops without fetching the next page when it leads to a sign-in page (the item needs
an account) or to a URL the caller handles itself; a captcha wall raises RateLimited (it says
nothing about the item); a loop or an over-long chain raises ServiceError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from tracker.kernel import LinkStatus, Observation
from tracker.sources import share_pages
from tracker.sources.http import PoliteSession, RateLimited, ServiceError, endpoint_label

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})


class Hops:
    """A redirect chain: the hops, where it ended, and why it stopped early (if it did)."""

    def __init__(self, url: str) -> None:
        self.start = url
        self.current = url
        self.list: list[dict[str, Any]] = []
        self.visited = {url}
        self.login: str | None = None  # a sign-in page the chain led to (not fetched)
        self.stopped: str | None = None  # a redirect target the caller wanted to handle

    def permanent_move(self) -> bool:
        """True when a 301/308 took the chain to another host or path."""
        moved = any(hop["status"] in PERMANENT_REDIRECTS for hop in self.list)
        a, b = urlsplit(self.start), urlsplit(self.current)
        other = a.netloc.lower() != b.netloc.lower() or a.path.rstrip("/") != b.path.rstrip("/")
        return moved and other

    def record(self, facts: dict[str, Any], code: int | None) -> None:
        """Store where the chain went: ``url``, ``final_url``, ``status_code``, ``redirects``."""
        facts.update(url=self.start, final_url=self.current, status_code=code,
                     redirects=self.list)

    def login_wall(self, observation: Observation) -> None:
        """Make the observation PRIVATE: the chain led to a sign-in page."""
        self.record(observation.facts, None)
        observation.status = LinkStatus.PRIVATE
        observation.reason = f"login required (redirected to {urlsplit(self.login or '').netloc})"
        observation.facts["login_url"] = endpoint_label(self.login or "")


BODY_CAP = 2_000_000  # bytes of a share page read: its listing and state are near the top


def follow(
    session: PoliteSession, method: str, url: str, observation: Observation, *,
    max_redirects: int = 10, headers: Mapping[str, str] | None = None, stream: bool = False,
    shown: str | None = None, stop: re.Pattern[str] | None = None,
) -> tuple[requests.Response | None, Hops]:
    """Send ``method`` and follow redirects by hand; None when a sign-in page was next
    (``hops.login``) or a redirect matched ``stop`` (``hops.stopped``, not fetched).

    ``shown`` names the first request in the evidence instead of its key-free URL.
    """
    hops = Hops(url)
    label = "GET bytes=0-0" if headers and "Range" in headers else method
    # The session reads bodies within its deadline; a page is read up to BODY_CAP (what
    # `read_body` then gets), a HEAD or a redirect answer's body is left unread.
    limit = (lambda _response: BODY_CAP) if stream else None
    while True:
        response = session.request(method, hops.current, headers=headers, body_limit=limit)
        location = response.headers.get("Location")
        code = response.status_code
        where = shown if shown and not hops.list else endpoint_label(hops.current)
        if code not in REDIRECT_STATUSES or not location:
            observation.evidence.append(f"{label} {where} -> {code}")
            return response, hops
        response.close()
        target = urljoin(hops.current, location)
        hops.list.append({"status": code, "url": hops.current, "location": target})
        observation.evidence.append(f"{label} {where} -> {code} {endpoint_label(target)}")
        if share_pages.is_captcha(target):
            raise RateLimited(session.service, None)
        if share_pages.is_login_redirect(target):
            hops.login = target
            return None, hops
        if stop is not None and stop.search(target):
            hops.stopped = target
            return None, hops
        if target in hops.visited:
            raise ServiceError(f"redirect loop at {endpoint_label(target)}")
        if len(hops.list) >= max_redirects:
            raise ServiceError(f"more than {max_redirects} redirects")
        hops.visited.add(target)
        hops.current = target


def read_body(response: requests.Response, max_bytes: int) -> str:
    """At most ``max_bytes`` of a body, decoded leniently; the response is closed."""
    body = bytearray()
    try:
        for chunk in response.iter_content(chunk_size=65536):
            body.extend(chunk)
            if len(body) >= max_bytes:
                del body[max_bytes:]
                break
    except requests.RequestException:
        pass  # keep what arrived before the connection broke
    finally:
        response.close()
    return body.decode(response.encoding or "utf-8", errors="replace")
