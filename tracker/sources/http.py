"""A polite `requests` session: the project's `HttpPolicy` applied to one outside service.

`PoliteSession` wraps one `requests.Session` per outside service. Every request it sends
(retries included) is counted in the shared `RequestLedger`. Transient failures (5xx, 408,
dropped connections, timeouts, bodies cut short or unreadable) are retried by the one retry
loop (`tracker.sources.retrying`) with exponential backoff and full jitter; a 429 (or a 403
that carries rate-limit headers) waits for the advertised reset when that wait is short, and
raises `RateLimited` at once when it is long. Each exchange, body included, must end within the
policy's total deadline (`tracker.sources.deadline`); bodies are read up to a cap. Sources
catch the `SourceFailure` family and turn it into RATE_LIMITED / ERROR observations.

Why not urllib3's `Retry`: it retries inside the adapter, so the ledger would see one request
where several were sent; it sleeps for any `Retry-After` (there is no cap that turns a long
wait into an exception), and it knows neither `X-RateLimit-Reset` nor `RateLimit-Reset`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from tracker.sources.base import RequestLedger
from tracker.sources.breaker import HostBreaker, HostUnreachable
from tracker.sources.deadline import WatchedAdapter, watched
from tracker.sources.guard import AddressGuard
from tracker.sources.policy import (
    DEFAULT_USER_AGENT,
    RETRY_STATUSES,
    HttpPolicy,
    Interrupt,
    RequestCancelled,
)
from tracker.sources.retrying import Verdict, retry

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_USER_AGENT", "RETRY_STATUSES", "PoliteSession", "RateLimited", "Refused",
    "ServiceError", "SourceFailure", "endpoint_label",
]
_ERRNO_RE = re.compile(r"\[Errno -?\d+\] [^'\")]+")
_BAD_URL = (requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema)
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
              requests.exceptions.ContentDecodingError)


class SourceFailure(Exception):
    """Root of what a service can do to a request that a source turns into a status."""


class ServiceError(SourceFailure):
    """The service failed after the retries were spent, or answered something unusable."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Refused(ServiceError):
    """The request was not sent: its scheme or address is not one links may reach."""


class RateLimited(SourceFailure):
    """The service is rate limiting us for longer than we are willing to wait."""

    def __init__(self, service: str, retry_after_seconds: float | None) -> None:
        self.service = service
        self.retry_after_seconds = retry_after_seconds
        wait = f"{retry_after_seconds:.0f}s" if retry_after_seconds is not None else "unknown"
        super().__init__(f"{service}: rate limited (reset in {wait})")


def endpoint_label(url: str) -> str:
    """`scheme://host/path` without the query: query strings may carry access keys."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _connection_reason(exc: requests.RequestException) -> str:
    """A short, key-free description of a network failure."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return f"body unreadable ({type(exc).__name__})"
    match = _ERRNO_RE.search(str(exc))
    detail = match.group(0).strip() if match else type(exc).__name__
    return f"connection failed ({detail})"


BodyLimit = Callable[[requests.Response], int]
Check = Callable[[requests.Response], str | None]


class PoliteSession:
    """One service's HTTP session under the project's `HttpPolicy`.

    `policy` holds every number; the keyword arguments `timeout` ((connect, read) seconds or
    one number for both), `max_retries`, `backoff_base`, `backoff_cap`, `max_rate_limit_wait`,
    `min_interval` and `user_agent` override single fields of it. `headers` are sent with every
    request (e.g. an Authorization header, which is never logged). `guard`, when given, refuses
    URLs that links may not reach (before sending). `interrupt` ends waits and requests in
    flight when a run stops. `sleep` is injectable so tests can record the waits.
    """

    def __init__(
        self,
        service: str,
        *,
        ledger: RequestLedger | None = None,
        policy: HttpPolicy | None = None,
        timeout: float | tuple[float, float] | None = None,
        user_agent: str | None = None,
        max_retries: int | None = None,
        backoff_base: float | None = None,
        backoff_cap: float | None = None,
        max_rate_limit_wait: float | None = None,
        min_interval: float | None = None,
        headers: Mapping[str, str] | None = None,
        guard: AddressGuard | None = None,
        interrupt: Interrupt | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.service = service
        self.ledger = ledger if ledger is not None else RequestLedger()
        self.policy = (policy or HttpPolicy()).replace(
            timeout=timeout, user_agent=user_agent, max_retries=max_retries,
            backoff_base=backoff_base, backoff_cap=backoff_cap,
            max_rate_limit_wait=max_rate_limit_wait, min_interval=min_interval,
        )
        self.guard = guard
        self.interrupt = interrupt if interrupt is not None else Interrupt()
        self._sleep = sleep
        self._spacing_lock = threading.Lock()
        self._per_thread = threading.local()
        self._next_slot: dict[str, float] = {}  # host -> when its next request may go
        # A dead service costs a run seconds, not one timeout-and-retry cycle per link.
        self.breaker = HostBreaker(service, threshold=self.policy.breaker_threshold,
                                   cooldown=self.policy.breaker_cooldown)
        self._session = requests.Session()
        adapter = WatchedAdapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers["User-Agent"] = self.policy.user_agent
        self._session.headers.update(headers or {})
        # requests reads REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE itself (trust_env) but ignores
        # SSL_CERT_FILE, which many corporate setups export instead.
        ssl_cert_file = os.environ.get("SSL_CERT_FILE")
        env_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if ssl_cert_file and not env_bundle and os.path.isfile(ssl_cert_file):
            self._session.verify = ssl_cert_file

    def __repr__(self) -> str:
        return f"PoliteSession(service={self.service!r})"

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) seconds of every request."""
        return self.policy.timeout

    @property
    def max_retries(self) -> int:
        """Retries of a transient failure."""
        return self.policy.max_retries

    @property
    def verify(self) -> bool | str:
        """The CA setting used when no REQUESTS_CA_BUNDLE is set (True or a bundle path)."""
        return self._session.verify  # type: ignore[return-value]

    def sent_by_this_thread(self) -> int:
        """Requests this session has sent from the calling thread (for one observation's cost;
        the shared ledger's total would include other worker threads' requests)."""
        return getattr(self._per_thread, "sent", 0)

    def _count(self, *, not_modified: bool = False) -> None:
        self._per_thread.sent = self.sent_by_this_thread() + 1
        self.ledger.count(self.service, not_modified=not_modified)

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def __enter__(self) -> PoliteSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the policy ------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        allow_redirects: bool = False,
        body_limit: BodyLimit | None = None,
        check: Check | None = None,
    ) -> requests.Response:
        """Send one request under the policy and return the first non-transient response.

        Redirects are never followed here (`allow_redirects` must stay False: callers follow
        them by hand, so every hop is checked and counted). The body is read within the
        deadline: up to `body_limit(response)` bytes when given, none when `stream` is set,
        else all of it up to the policy's cap; `response.body_truncated` says whether more was
        left. `check(response)` may name a reason to retry (an unreadable body). Raises
        `RateLimited`, `ServiceError` (`Refused` when the URL may not be requested) or
        `RequestCancelled`; any other status (404, 401, ...) is returned.
        """
        if allow_redirects:
            raise ValueError("redirects are followed by the caller, hop by hop")
        label = f"{method} {endpoint_label(url)}"
        if self.guard is not None:
            refusal = self.guard.refusal(url)
            if refusal:
                raise Refused(refusal)
        host = urlsplit(url).netloc.lower()
        try:
            self.breaker.check(host)
        except HostUnreachable as exc:
            raise ServiceError(f"{label}: {exc}") from None
        if body_limit is None:
            limit = 0 if stream else self.policy.max_body_bytes
            body_limit = lambda _response: limit  # noqa: E731
        state = {"connection_failed": False}

        def attempt() -> Verdict[requests.Response]:
            return self._attempt(method, url, label, params, headers, body_limit, check, state)

        verdict = retry(attempt, self.policy, service=self.service, ledger=self.ledger,
                        label=label, interrupt=self.interrupt, sleep=self._sleep)
        if not verdict.retry:
            assert verdict.value is not None
            self.breaker.answered(host)
            return verdict.value
        if verdict.rate_limited or verdict.reason.startswith("HTTP 429"):
            raise RateLimited(self.service, verdict.wait)
        if state["connection_failed"]:
            self.breaker.failed(host)
        else:
            self.breaker.answered(host)
        raise ServiceError(f"{label}: {verdict.reason} after {verdict.attempts} attempts")

    def _attempt(
        self,
        method: str,
        url: str,
        label: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        body_limit: BodyLimit,
        check: Check | None,
        state: dict[str, bool],
    ) -> Verdict[requests.Response]:
        """One exchange, body included, under the deadline."""
        self._wait_for_slot(urlsplit(url).netloc.lower())
        counted = False
        state["connection_failed"] = False
        with watched(self.policy, self.interrupt) as watch:
            try:
                response = self._session.request(
                    method, url, params=params, headers=dict(headers or {}),
                    timeout=self.policy.timeout, stream=True, allow_redirects=False,
                )
                self._count(not_modified=response.status_code == 304)
                counted = True
                self._read_body(response, body_limit(response))
            except requests.exceptions.SSLError as exc:
                if not counted:
                    self._count()
                # A certificate problem does not heal by retrying.
                raise ServiceError(f"{label}: TLS failed ({type(exc).__name__})") from None
            except _BAD_URL as exc:
                raise Refused(f"{label}: not a URL that can be fetched ({exc})") from None
            except _TRANSIENT as exc:
                if not counted:
                    self._count()
                if watch.fired == "interrupted":
                    raise RequestCancelled(label) from None
                if watch.fired == "deadline":
                    raise ServiceError(
                        f"{label}: no complete answer within the "
                        f"{self.policy.deadline:g}s deadline"
                    ) from None
                state["connection_failed"] = not counted
                return Verdict.again(_connection_reason(exc))
        return self._judge(response, check)

    def _judge(
        self, response: requests.Response, check: Check | None
    ) -> Verdict[requests.Response]:
        status = response.status_code
        if status == 429 or (status == 403 and self._has_rate_limit_headers(response)):
            wait = self.policy.server_wait(response.headers)
            if wait is not None and wait > self.policy.max_rate_limit_wait:
                raise RateLimited(self.service, wait)
            return Verdict.again(f"HTTP {status}", wait, rate_limited=wait is not None)
        if status in RETRY_STATUSES:
            wait = self.policy.server_wait(response.headers)
            if wait is not None and wait > self.policy.max_rate_limit_wait:
                wait = None  # a 503 asking for an hour: back off as usual, then give up
            return Verdict.again(f"HTTP {status}", wait)
        if check is not None:
            problem = check(response)
            if problem:
                return Verdict.again(problem)
        return Verdict.done(response)

    def _read_body(self, response: requests.Response, limit: int) -> None:
        """Read at most `limit` decoded bytes into `response.content`; close the rest."""
        body = bytearray()
        truncated = False
        if limit > 0:
            for chunk in response.iter_content(chunk_size=65536):
                body.extend(chunk)
                if len(body) > limit:
                    truncated = True
                    del body[limit:]
                    break
        else:
            truncated = response.status_code not in (204, 304) and response.headers.get(
                "Content-Length", "1") != "0"
        response._content = bytes(body)
        response._content_consumed = True
        response.body_truncated = truncated  # type: ignore[attr-defined]
        if truncated:
            response.raw.close()  # an unread rest: drop the connection rather than reuse it
        response.raw.release_conn()

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        """`request("GET", url, ...)`."""
        return self.request("GET", url, **kwargs)

    def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
    ) -> tuple[int, Any, str | None]:
        """GET a JSON document: (status, parsed body or None, ETag).

        With `etag`, sends If-None-Match; a 304 returns (304, None, etag). A 2xx body that
        is not JSON (cut short, malformed, over the size cap) is retried like a 5xx, then
        raises ServiceError; an error status whose body is not JSON gives None.
        """
        sent = {"Accept": "application/json", **(headers or {})}
        if etag:
            sent["If-None-Match"] = etag
        label = endpoint_label(url)
        response = self.request("GET", url, params=params, headers=sent,
                                check=lambda r: _unreadable_json(r, label))
        new_etag = response.headers.get("ETag") or etag
        if response.status_code == 304:
            return 304, None, new_etag
        if hasattr(response, "parsed_json"):  # parsed once, by the check above
            return response.status_code, response.parsed_json, new_etag
        try:
            data = json.loads(response.content) if response.content else None
        except ValueError:
            data = None
        return response.status_code, data, new_etag

    # -- helpers ---------------------------------------------------------------
    def _wait_for_slot(self, host: str) -> None:
        """Block until `min_interval` has passed since the previous request to `host`."""
        interval = self.policy.min_interval
        if interval <= 0:
            return
        with self._spacing_lock:
            now = time.monotonic()
            start = max(now, self._next_slot.get(host, 0.0))
            self._next_slot[host] = start + interval
        if start > now:
            (self._sleep or self.interrupt.sleep)(start - now)

    @staticmethod
    def _has_rate_limit_headers(response: requests.Response) -> bool:
        """A 403 is a rate limit only when the server says so in its headers."""
        h = response.headers
        return "Retry-After" in h or h.get("X-RateLimit-Remaining") == "0"

    def rate_limit_wait(self, response: requests.Response) -> float | None:
        """Seconds until the advertised reset, or None when no header says (see HttpPolicy)."""
        return self.policy.server_wait(response.headers)


def _unreadable_json(response: requests.Response, label: str) -> str | None:
    """Why a 2xx answer's body is not usable JSON, or None."""
    if not 200 <= response.status_code < 300 or not response.content:
        return None
    if getattr(response, "body_truncated", False):
        return f"answer from {label} larger than the body cap"
    try:
        response.parsed_json = json.loads(response.content)  # type: ignore[attr-defined]
    except ValueError as exc:
        return f"malformed JSON from {label}: {exc}"
    return None
