"""A polite `requests` session: timeouts, retries with jittered backoff, rate limits, spacing.

`PoliteSession` wraps one `requests.Session` per outside service. Every request it sends
(retries included) is counted in the shared `RequestLedger`. Transient failures (5xx, 408,
dropped connections, timeouts) are retried with exponential backoff and full jitter; a 429
(or a 403 that carries rate-limit headers) waits for the advertised reset when that wait is
short, and raises `RateLimited` at once when it is long. Sources catch the `SourceFailure`
family and turn it into RATE_LIMITED / ERROR observations.

Why not urllib3's `Retry`: it retries inside the adapter, so the ledger would see one request
where several were sent; it sleeps for any `Retry-After` (there is no cap that turns a long
wait into an exception), and it knows neither `X-RateLimit-Reset` nor `RateLimit-Reset`.
The loop below is short enough to read in one go.
"""

from __future__ import annotations

import email.utils
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from tracker.sources.base import RequestLedger
from tracker.sources.breaker import HostBreaker, HostUnreachable

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "reprotrack/0.1 (reproducibility tracker)"
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504})
_ERRNO_RE = re.compile(r"\[Errno -?\d+\] [^'\")]+")


class SourceFailure(Exception):
    """Root of what a service can do to a request that a source turns into a status."""


class ServiceError(SourceFailure):
    """The service failed after the retries were spent, or answered something unusable."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


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
    match = _ERRNO_RE.search(str(exc))
    detail = match.group(0).strip() if match else type(exc).__name__
    return f"connection failed ({detail})"


class PoliteSession:
    """One service's HTTP session with the project's retry, rate-limit and spacing policy.

    `timeout` is (connect, read) seconds or one number for both; `backoff_base` and
    `backoff_cap` bound the jittered exponential backoff; a rate-limit reset longer than
    `max_rate_limit_wait` raises `RateLimited` instead of sleeping; `min_interval` spaces
    the requests this session sends (all threads together). `headers` are sent with every
    request (e.g. an Authorization header, which is never logged). `sleep` is injectable
    so tests can record the waits.
    """

    def __init__(
        self,
        service: str,
        *,
        ledger: RequestLedger | None = None,
        timeout: float | tuple[float, float] = (10.0, 30.0),
        user_agent: str = DEFAULT_USER_AGENT,
        max_retries: int = 3,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        max_rate_limit_wait: float = 60.0,
        min_interval: float = 0.0,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.service = service
        self.ledger = ledger if ledger is not None else RequestLedger()
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_rate_limit_wait = max_rate_limit_wait
        self.min_interval = min_interval
        self._sleep = sleep
        self._spacing_lock = threading.Lock()
        self._per_thread = threading.local()
        self._next_slot = 0.0
        # A dead service costs a run seconds, not one timeout-and-retry cycle per link.
        self.breaker = HostBreaker(service)
        self._session = requests.Session()
        self._session.headers["User-Agent"] = user_agent
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
    ) -> requests.Response:
        """Send one request under the policy and return the first non-transient response.

        Redirects are not followed unless asked, so callers see every hop. Raises
        `RateLimited` or `ServiceError`; any other status (404, 401, ...) is returned.
        """
        label = f"{method} {endpoint_label(url)}"
        host = urlsplit(url).netloc.lower()
        try:
            self.breaker.check(host)
        except HostUnreachable as exc:
            raise ServiceError(f"{label}: {exc}") from None
        attempt = 0
        while True:
            self._wait_for_slot()
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    headers=dict(headers or {}),
                    timeout=self.timeout,
                    stream=stream,
                    allow_redirects=allow_redirects,
                )
            except requests.exceptions.SSLError as exc:
                self._count()
                # A certificate problem does not heal by retrying.
                raise ServiceError(f"{label}: TLS failed ({type(exc).__name__})") from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                self._count()
                reason = _connection_reason(exc)
                if attempt >= self.max_retries:
                    self.breaker.failed(host)
                    raise ServiceError(
                        f"{label}: {reason} after {attempt + 1} attempts"
                    ) from None
                self._backoff(attempt, label, reason)
                attempt += 1
                continue
            self._count(not_modified=response.status_code == 304)
            self.breaker.answered(host)
            status = response.status_code
            if status == 429 or (status == 403 and self._has_rate_limit_headers(response)):
                wait = self.rate_limit_wait(response)
                response.close()
                if wait is not None and wait > self.max_rate_limit_wait:
                    raise RateLimited(self.service, wait)
                if attempt >= self.max_retries:
                    raise RateLimited(self.service, wait)
                if wait is None:
                    self._backoff(attempt, label, f"HTTP {status}")
                else:
                    log.info("%s: %s -> %s, waiting %.2fs for the rate limit", self.service,
                             label, status, wait)
                    self._sleep(wait)
                    self.ledger.waited(self.service, wait)
                attempt += 1
                continue
            if status in RETRY_STATUSES:
                response.close()
                if attempt >= self.max_retries:
                    raise ServiceError(f"{label}: HTTP {status} after {attempt + 1} attempts")
                wait = self.rate_limit_wait(response)
                if wait is not None and wait <= self.max_rate_limit_wait:
                    self._sleep(wait)  # a 503 with Retry-After: the server said when
                else:
                    self._backoff(attempt, label, f"HTTP {status}")
                attempt += 1
                continue
            return response

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
        is not JSON raises ServiceError; an error status whose body is not JSON gives None.
        """
        sent = {"Accept": "application/json", **(headers or {})}
        if etag:
            sent["If-None-Match"] = etag
        response = self.request("GET", url, params=params, headers=sent)
        new_etag = response.headers.get("ETag") or etag
        if response.status_code == 304:
            return 304, None, new_etag
        try:
            data = response.json() if response.content else None
        except ValueError as exc:
            if 200 <= response.status_code < 300:
                raise ServiceError(
                    f"malformed JSON from {endpoint_label(url)}: {exc}"
                ) from None
            data = None
        return response.status_code, data, new_etag

    # -- helpers ---------------------------------------------------------------
    def _wait_for_slot(self) -> None:
        """Block until `min_interval` has passed since the previous request's slot."""
        if self.min_interval <= 0:
            return
        with self._spacing_lock:
            now = time.monotonic()
            start = max(now, self._next_slot)
            self._next_slot = start + self.min_interval
        if start > now:
            self._sleep(start - now)

    def _backoff(self, attempt: int, label: str, reason: str) -> None:
        """Sleep a full-jitter exponential backoff before retry number `attempt + 1`."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2**attempt)
        delay = random.uniform(0, ceiling)
        log.info("%s: %s -> %s, retry %d/%d in %.2fs", self.service, label, reason,
                 attempt + 1, self.max_retries, delay)
        self._sleep(delay)

    @staticmethod
    def _has_rate_limit_headers(response: requests.Response) -> bool:
        """A 403 is a rate limit only when the server says so in its headers."""
        h = response.headers
        return "Retry-After" in h or h.get("X-RateLimit-Remaining") == "0"

    @staticmethod
    def rate_limit_wait(response: requests.Response) -> float | None:
        """Seconds until the advertised reset, or None when no header says.

        Reads `Retry-After` (seconds or HTTP-date), then `X-RateLimit-Reset` (epoch
        seconds), then `RateLimit-Reset` (delta seconds).
        """
        h = response.headers
        retry_after = h.get("Retry-After")
        if retry_after:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(retry_after)
                except (TypeError, ValueError):
                    when = None
                if when is not None:
                    if when.tzinfo is None:
                        when = when.replace(tzinfo=UTC)
                    return max(0.0, (when - datetime.now(UTC)).total_seconds())
        for name, is_epoch in (("X-RateLimit-Reset", True), ("RateLimit-Reset", False)):
            value = h.get(name)
            if value:
                try:
                    number = float(value)
                except ValueError:
                    continue
                return max(0.0, number - time.time()) if is_epoch else max(0.0, number)
        return None
