"""How reprotrack talks HTTP to GitHub: one counted PyGithub requester, retries, rate-limit waits.

PyGithub is constructed once. Its transport retry policy is a `urllib3.Retry` that never retries
(`total=0`) but reports every HTTP exchange (including the hop PyGithub makes when it follows a
301 for a renamed repository) to the `RequestLedger`; retries, backoff with jitter and waits for a
rate-limit reset are done here instead, so each of them is visible, counted and bounded.
Requests go through `Github.requester.requestJson`, which returns the raw status, headers and
body: the caller decides what a 404, 451 or 304 means, and a README that starts with `[` is not
mistaken for malformed JSON.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from github import Auth, Github
from urllib3 import Retry

from tracker.sources.base import RequestLedger
from tracker.sources.breaker import HostBreaker, HostUnreachable

SERVICE = "github"
_RETRYABLE_STATUSES = frozenset({408, 500, 502, 503, 504})
_BACKOFF_CAP_SECONDS = 30.0
_RESET_MARGIN_SECONDS = 1.0  # the reset epoch has whole-second resolution
_SECONDARY_WAIT_SECONDS = 60.0  # GitHub's advice when a secondary limit gives no header


class TransportFailure(Exception):
    """GitHub could not be reached, or kept failing, after every retry."""

    def __init__(self, reason: str, sent: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = sent  # HTTP requests spent before giving up


class RateLimited(TransportFailure):
    """GitHub's rate limit is spent and its reset is further away than we are willing to wait."""

    def __init__(self, reason: str, reset_at: float | None, sent: int = 0) -> None:
        super().__init__(reason, sent)
        self.reset_at = reset_at


@dataclass(frozen=True)
class Exchange:
    """One logical request's final answer (after retries and redirects)."""

    verb: str
    path: str
    status: int
    headers: Mapping[str, str]  # keys lower-cased
    body: str
    sent: int  # HTTP requests it took, including retries and redirect hops

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The response's ETag validator, if any."""
        return self.headers.get("etag")

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not JSON."""
        return json.loads(self.body)


def _path_of(url: str) -> str:
    """The path of an absolute URL, for evidence (never the host's credentials or query)."""
    return urlsplit(url).path or "/"


class _LedgerRetry(Retry):
    """A never-retrying urllib3 policy that reports each HTTP exchange to a callback.

    urllib3 consults `is_retry` once per response and `increment` once per failed attempt,
    so together they see every request the transport sends.
    """

    def __init__(
        self, *args: Any, on_exchange: Callable[[int | None], None], **kwargs: Any
    ) -> None:
        kwargs.setdefault("total", 0)
        kwargs.setdefault("redirect", False)
        kwargs.setdefault("raise_on_status", False)
        super().__init__(*args, **kwargs)
        self.on_exchange = on_exchange

    def new(self, **kw: Any) -> _LedgerRetry:
        kw["on_exchange"] = self.on_exchange
        return super().new(**kw)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        self.on_exchange(status_code)
        return False

    def increment(self, *args: Any, **kwargs: Any) -> Retry:
        if kwargs.get("error") is not None:
            self.on_exchange(None)
        return super().increment(*args, **kwargs)


class GitHubTransport:
    """Sends REST and GraphQL requests through one PyGithub `Github` instance."""

    def __init__(
        self,
        *,
        api_url: str,
        token: str | None,
        timeout: float,
        ledger: RequestLedger,
        max_retries: int,
        backoff_base: float,
        max_rate_limit_wait: float,
        user_agent: str,
        min_request_interval: float | None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._ledger = ledger
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._max_rate_limit_wait = max_rate_limit_wait
        self._sleep = sleep
        self._local = threading.local()
        self._exhausted_until: dict[str, float] = {}
        self._host = urlsplit(api_url).netloc.lower()
        self.breaker = HostBreaker(SERVICE)
        self.authenticated = bool(token)
        self.github = Github(
            base_url=api_url.rstrip("/"),
            auth=Auth.Token(token) if token else None,
            per_page=100,
            timeout=max(1, math.ceil(timeout)),  # PyGithub insists on whole seconds
            retry=_LedgerRetry(on_exchange=self._on_exchange),
            user_agent=user_agent,
            seconds_between_requests=min_request_interval,
            seconds_between_writes=min_request_interval,  # GraphQL POSTs are reads
        )
        self.graphql_url = self.github.requester.graphql_url
        self.graphql_path = _path_of(self.graphql_url)

    def __repr__(self) -> str:
        return f"GitHubTransport(api_url={self.github.requester.base_url!r})"

    def close(self) -> None:
        """Close PyGithub's pooled connections."""
        self.github.close()

    def _on_exchange(self, status: int | None) -> None:
        self._ledger.count(SERVICE, not_modified=status == 304)
        self._local.sent = getattr(self._local, "sent", 0) + 1

    # -- public calls ----------------------------------------------------------
    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        etag: str | None = None,
    ) -> Exchange:
        """GET a REST path (relative to the API root), conditionally when `etag` is given."""
        headers = {"Accept": "application/vnd.github+json"}
        if etag:
            headers["If-None-Match"] = etag
        return self._exchange("GET", path, dict(params or {}), headers, None, resource="core")

    def graphql(self, query: str, variables: Mapping[str, Any]) -> Exchange:
        """POST one GraphQL document to the GraphQL endpoint."""
        payload = {"query": query, "variables": dict(variables)}
        headers = {"Accept": "application/json"}
        return self._exchange("POST", self.graphql_url, {}, headers, payload, resource="graphql")

    # -- the policy --------------------------------------------------------------
    def _exchange(
        self,
        verb: str,
        url: str,
        params: dict[str, Any],
        headers: dict[str, str],
        payload: Any,
        *,
        resource: str,
    ) -> Exchange:
        shown = url if url.startswith("/") else _path_of(url)
        label = f"{verb} {shown}"
        self._local.sent = 0
        attempt = 0
        waited = False
        try:
            self.breaker.check(self._host)
        except HostUnreachable as exc:
            raise TransportFailure(f"{label}: {exc}") from None
        while True:
            self._refuse_while_exhausted(resource, label)
            try:
                # PyGithub adds Authorization to the headers dict it is given: pass a copy.
                status, raw_headers, body = self.github.requester.requestJson(
                    verb, url, params, dict(headers), payload
                )
            except (requests.RequestException, RuntimeError) as exc:
                # RuntimeError: PyGithub refusing a redirect to another host or scheme.
                failure = f"{type(exc).__name__} (connection failed or dropped)"
                if attempt < self._max_retries:
                    self._backoff(attempt, None)
                    attempt += 1
                    continue
                self.breaker.failed(self._host)
                raise TransportFailure(
                    f"{label}: {failure} after {attempt + 1} attempts", self._local.sent
                ) from None
            self.breaker.answered(self._host)
            response_headers = {k.lower(): str(v) for k, v in raw_headers.items()}
            exchange = Exchange(verb, shown, status, response_headers, body, self._local.sent)
            wait = self._rate_limit_wait(exchange)
            if wait is not None:
                reset_at = time.time() + wait
                if waited or wait > self._max_rate_limit_wait:
                    self._exhausted_until[resource] = reset_at
                    raise RateLimited(
                        f"{label}: rate limit exhausted ({status}); resets in {wait:.0f}s, "
                        f"more than the {self._max_rate_limit_wait:.0f}s we wait",
                        reset_at,
                        self._local.sent,
                    )
                self._sleep(wait)
                self._ledger.waited(SERVICE, wait)
                waited = True
                continue
            self._note_spent_window(exchange, resource)
            if status in _RETRYABLE_STATUSES:
                if attempt < self._max_retries:
                    self._backoff(attempt, response_headers.get("retry-after"))
                    attempt += 1
                    continue
                raise TransportFailure(
                    f"{label}: HTTP {status} after {attempt + 1} attempts", self._local.sent
                )
            return exchange

    def _refuse_while_exhausted(self, resource: str, label: str) -> None:
        """Send nothing while a known rate-limit window is still spent (it would cost a 403).

        A window that resets within the wait we allow is waited for instead.
        """
        until = self._exhausted_until.get(resource)
        if until is None or time.time() >= until:
            return
        wait = until - time.time()
        if wait > self._max_rate_limit_wait:
            raise RateLimited(f"{label}: not sent, the {resource} rate limit is spent", until)
        self._sleep(wait)
        self._ledger.waited(SERVICE, wait)
        self._exhausted_until.pop(resource, None)

    def _note_spent_window(self, exchange: Exchange, resource: str) -> None:
        """An answer that spent the last request of its window: the next one would be refused."""
        headers = exchange.headers
        if headers.get("x-ratelimit-remaining") != "0":
            return
        try:
            reset = float(headers.get("x-ratelimit-reset", ""))
        except ValueError:
            return
        self._exhausted_until[resource] = reset + _RESET_MARGIN_SECONDS

    def _rate_limit_wait(self, exchange: Exchange) -> float | None:
        """Seconds until the rate limit lets us retry, or None when this is no rate-limit answer.

        GitHub's documented order: honour `Retry-After`; else, when `X-RateLimit-Remaining` is 0,
        wait for `X-RateLimit-Reset`; else (a secondary limit without headers) wait a minute.
        """
        headers = exchange.headers
        retry_after = (headers.get("retry-after") or "").strip()
        spent = headers.get("x-ratelimit-remaining") == "0"
        if exchange.status == 403:
            if not (spent or retry_after or "rate limit" in exchange.body.lower()):
                return None  # an ordinary 403 (blocked repository, no permission)
        elif exchange.status == 200:
            if not (spent and '"RATE_LIMITED"' in exchange.body):
                return None  # GraphQL reports an exhausted limit inside a 200 answer
        elif exchange.status != 429:
            return None
        if retry_after.isdigit():
            return float(retry_after)
        if spent:
            try:
                reset = float(headers.get("x-ratelimit-reset", ""))
            except ValueError:
                return float("inf")
            return max(0.0, reset - time.time()) + _RESET_MARGIN_SECONDS
        return _SECONDARY_WAIT_SECONDS

    def _backoff(self, attempt: int, retry_after: str | None) -> None:
        """Sleep before retry number `attempt + 1`: exponential, jittered, capped."""
        if retry_after and retry_after.strip().isdigit():
            delay = min(float(retry_after), self._max_rate_limit_wait)
        else:
            delay = self._backoff_base * (2**attempt) * random.uniform(0.5, 1.5)
        self._sleep(min(delay, _BACKOFF_CAP_SECONDS))
