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
from tracker.sources.deadline import WatchedAdapter, watched
from tracker.sources.http import SourceFailure
from tracker.sources.policy import RETRY_STATUSES, HttpPolicy, Interrupt, RequestCancelled
from tracker.sources.retrying import Verdict, retry

SERVICE = "github"
TOKEN_REJECTED = "GitHub rejected the token (401)"


class TransportFailure(SourceFailure):
    """GitHub could not be reached, or kept failing, after every retry."""

    def __init__(self, reason: str, sent: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = sent  # HTTP requests spent before giving up


class TokenRejected(TransportFailure):
    """GitHub answered 401 to a request carrying the configured token."""


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


def _is_json(body: str) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _message(body: str) -> str:
    """GitHub's `message` from an error body, or ''."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("message") or "")[:200] if isinstance(data, dict) else ""


def _path_of(url: str) -> str:
    """The path of an absolute URL, for evidence (never the host's credentials or query)."""
    return urlsplit(url).path or "/"


def _watch_connections(requester: Any) -> None:
    """Make PyGithub's connections report their sockets to the deadline watch.

    PyGithub builds one requests session per connection, with a plain HTTPAdapter; its
    connection class is chosen per Requester (a private attribute, hence the guard). Without
    it, the deadline is not enforced on GitHub requests and their per-read timeout remains.
    """
    attribute = "_Requester__connectionClass"
    base = getattr(requester, attribute, None)
    if base is None:
        return

    class WatchedConnection(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.adapter = WatchedAdapter(max_retries=self.retry,
                                          pool_connections=self.pool_size,
                                          pool_maxsize=self.pool_size)
            self.session.mount(f"{self.protocol}://", self.adapter)

    setattr(requester, attribute, WatchedConnection)


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
        ledger: RequestLedger,
        policy: HttpPolicy,
        min_request_interval: float | None,
        interrupt: Interrupt | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._ledger = ledger
        self.policy = policy
        self._interrupt = interrupt if interrupt is not None else Interrupt()
        self._sleep = sleep
        self._local = threading.local()
        self._exhausted_until: dict[str, float] = {}
        self._host = urlsplit(api_url).netloc.lower()
        self.breaker = HostBreaker(SERVICE, threshold=policy.breaker_threshold,
                                   cooldown=policy.breaker_cooldown)
        self.authenticated = bool(token)
        self.github = Github(
            base_url=api_url.rstrip("/"),
            auth=Auth.Token(token) if token else None,
            per_page=100,
            timeout=max(1, math.ceil(policy.read_timeout)),  # PyGithub insists on whole seconds
            retry=_LedgerRetry(on_exchange=self._on_exchange),
            user_agent=policy.user_agent,
            seconds_between_requests=min_request_interval,
            seconds_between_writes=min_request_interval,  # GraphQL POSTs are reads
        )
        _watch_connections(self.github.requester)
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
        try:
            self.breaker.check(self._host)
        except HostUnreachable as exc:
            raise TransportFailure(f"{label}: {exc}") from None
        state = {"connection_failed": False}

        def attempt() -> Verdict[Exchange]:
            return self._attempt(verb, url, shown, label, params, headers, payload, resource,
                                 state)

        verdict = retry(attempt, self.policy, service=SERVICE, ledger=self._ledger, label=label,
                        interrupt=self._interrupt, sleep=self._sleep)
        if not verdict.retry:
            assert verdict.value is not None
            return verdict.value
        if verdict.rate_limited:
            wait = verdict.wait or 0.0
            raise RateLimited(
                f"{label}: still rate limited ({verdict.reason}) after {verdict.attempts} "
                f"attempts, the last asking for {wait:.0f}s",
                time.time() + wait,
                self._local.sent,
            )
        if state["connection_failed"]:
            self.breaker.failed(self._host)
        raise TransportFailure(
            f"{label}: {verdict.reason} after {verdict.attempts} attempts", self._local.sent
        )

    def _attempt(
        self,
        verb: str,
        url: str,
        shown: str,
        label: str,
        params: dict[str, Any],
        headers: dict[str, str],
        payload: Any,
        resource: str,
        state: dict[str, bool],
    ) -> Verdict[Exchange]:
        """One request and what it came to."""
        self._refuse_while_exhausted(resource, label)
        with watched(self.policy, self._interrupt) as watch:
            try:
                # PyGithub adds Authorization to the headers dict it is given: pass a copy.
                status, raw_headers, body = self.github.requester.requestJson(
                    verb, url, params, dict(headers), payload
                )
            except (requests.RequestException, RuntimeError) as exc:
                # RuntimeError: PyGithub refusing a redirect to another host or scheme.
                if watch.fired == "interrupted":
                    raise RequestCancelled(label) from None
                if watch.fired == "deadline":
                    raise TransportFailure(
                        f"{label}: no complete answer within the "
                        f"{self.policy.deadline:g}s deadline", self._local.sent
                    ) from None
                state["connection_failed"] = True
                return Verdict.again(f"{type(exc).__name__} (connection failed or dropped)")
        state["connection_failed"] = False
        self.breaker.answered(self._host)
        response_headers = {k.lower(): str(v) for k, v in raw_headers.items()}
        exchange = Exchange(verb, shown, status, response_headers, body, self._local.sent)
        if status == 401 and self.authenticated:
            message = _message(body)
            said = f": {message}" if message else ""
            raise TokenRejected(f"{label}: {TOKEN_REJECTED}{said}", self._local.sent)
        wait = self._rate_limit_wait(exchange)
        if wait is not None:
            if wait > self.policy.max_rate_limit_wait:
                reset_at = time.time() + wait
                self._exhausted_until[resource] = reset_at
                raise RateLimited(
                    f"{label}: rate limit exhausted ({status}); resets in {wait:.0f}s, "
                    f"more than the {self.policy.max_rate_limit_wait:.0f}s we wait",
                    reset_at,
                    self._local.sent,
                )
            return Verdict.again(f"HTTP {status} rate limit", wait, rate_limited=True)
        self._note_spent_window(exchange, resource)
        if status in RETRY_STATUSES:
            server_wait = self.policy.server_wait(response_headers)
            if server_wait is not None and server_wait > self.policy.max_rate_limit_wait:
                server_wait = None
            return Verdict.again(f"HTTP {status}", server_wait)
        json_answer = "json" in response_headers.get("content-type", "")
        if status == 200 and json_answer and not _is_json(body):
            return Verdict.again("malformed JSON in the answer")  # cut short: ask again
        return Verdict.done(exchange)

    def _refuse_while_exhausted(self, resource: str, label: str) -> None:
        """Send nothing while a known rate-limit window is still spent (it would cost a 403).

        A window that resets within the wait we allow is waited for instead.
        """
        until = self._exhausted_until.get(resource)
        if until is None or time.time() >= until:
            return
        wait = until - time.time()
        if wait > self.policy.max_rate_limit_wait:
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
        self._exhausted_until[resource] = reset + self.policy.reset_margin

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
            return self.policy.reset_wait(reset)
        return self.policy.secondary_wait
