"""The one HTTP policy every client follows, as a value: timeouts, retries, waits and caps.

`HttpPolicy` holds every number (timeouts including a total deadline per request, retries,
backoff, how long a rate-limit reset may be waited for and the margin added to a reset epoch,
per-host spacing, the circuit breaker, body and redirect caps). `RETRY_STATUSES` is the set of
answers that are retried like a dropped connection. `server_wait` reads what a server says about
when to come back (`Retry-After`, `X-RateLimit-Reset`, `RateLimit-Reset`). `Interrupt` is the
shared switch an audit flips to stop every wait and every request in flight within seconds.
"""

from __future__ import annotations

import dataclasses
import email.utils
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

DEFAULT_USER_AGENT = "reprotrack/0.1 (reproducibility tracker)"
# Transient answers: retried like a dropped connection or a timeout. 429 is handled apart
# (it says when to come back).
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpPolicy:
    """How every request to every service is sent, retried, waited for and bounded."""

    connect_timeout: float = 10.0  # seconds to open a connection
    read_timeout: float = 30.0  # seconds of silence between two reads
    deadline: float = 60.0  # seconds for one whole request, body included (slow drips end)
    stop_grace: float = 2.0  # seconds a request in flight may still finish when a run stops
    max_retries: int = 3  # retries of a transient failure (so at most 4 attempts)
    backoff_base: float = 0.5  # first backoff ceiling; doubles per retry, full jitter
    backoff_cap: float = 30.0  # no backoff is longer
    max_rate_limit_wait: float = 60.0  # a longer advertised wait is `rate_limited` at once
    reset_margin: float = 1.0  # added to a reset epoch (whole-second resolution, clock skew)
    secondary_wait: float = 60.0  # GitHub's advice for a secondary limit without a header
    min_interval: float = 0.0  # seconds between two requests of one session
    breaker_threshold: int = 3  # connection failures in a row that open a host's breaker
    breaker_cooldown: float = 300.0  # seconds an open breaker refuses requests
    max_body_bytes: int = 50_000_000  # an API answer larger than this is an error
    max_redirects: int = 10  # hops followed by hand before a chain is an error
    user_agent: str = DEFAULT_USER_AGENT

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) seconds, as requests takes them."""
        return (self.connect_timeout, self.read_timeout)

    def replace(self, **changes: Any) -> HttpPolicy:
        """A copy with the given fields changed; None values are ignored (not overridden)."""
        given = {k: v for k, v in changes.items() if v is not None}
        timeout = given.pop("timeout", None)
        if timeout is not None:
            connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
            given.update(connect_timeout=float(connect), read_timeout=float(read))
        return dataclasses.replace(self, **given) if given else self

    def backoff(self, attempt: int) -> float:
        """Seconds before retry number `attempt + 1`: full jitter in [0, base * 2**attempt]."""
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))

    def reset_wait(self, reset_epoch: float, now: float | None = None) -> float:
        """Seconds to wait for a rate limit that resets at `reset_epoch` (epoch seconds)."""
        now = time.time() if now is None else now
        return max(0.0, reset_epoch - now) + self.reset_margin

    def server_wait(self, headers: Mapping[str, str], now: float | None = None) -> float | None:
        """Seconds the server asks us to wait, or None when no header says.

        Reads `Retry-After` (seconds or an HTTP-date), then `X-RateLimit-Reset` (epoch seconds,
        only when `X-RateLimit-Remaining` is 0 or absent), then `RateLimit-Reset` (delta seconds).
        """
        h = {k.lower(): str(v) for k, v in headers.items()}
        retry_after = h.get("retry-after", "").strip()
        if retry_after:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                when = _http_date(retry_after)
                if when is not None:
                    current = time.time() if now is None else now
                    return max(0.0, when - current)
        reset = h.get("x-ratelimit-reset")
        if reset and h.get("x-ratelimit-remaining", "0") == "0":
            try:
                return self.reset_wait(float(reset), now)
            except ValueError:
                pass
        delta = h.get("ratelimit-reset")
        if delta:
            try:
                return max(0.0, float(delta))
            except ValueError:
                pass
        return None


def _http_date(value: str) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() if when <= datetime.max.replace(tzinfo=UTC) else None


class RequestCancelled(BaseException):
    """The run asked every request to stop (SIGTERM, Ctrl-C, a scheduler stopping).

    A BaseException, like KeyboardInterrupt: no source may turn it into an observation.
    """


class Interrupt:
    """The switch shared by a run's clients: waits end and requests in flight are cut when set.

    `follow(event)` makes the switch read another event (an audit's stop event), so clients
    built before the audit started still stop with it.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def follow(self, event: threading.Event) -> None:
        """Read `event` from now on."""
        self._event = event

    def set(self) -> None:
        """Ask every client to stop."""
        self._event.set()

    def is_set(self) -> bool:
        """Whether a stop was asked for."""
        return self._event.is_set()

    def sleep(self, seconds: float) -> None:
        """Sleep, or raise RequestCancelled as soon as a stop is asked for."""
        if self._event.wait(max(0.0, seconds)):
            raise RequestCancelled("stop requested")
