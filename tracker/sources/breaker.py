"""A per-host circuit breaker: stop asking a host that cannot be reached at all.

Every client keeps one. A host that failed to connect `threshold` requests in a row (each after
its own retries) is refused without a request for `cooldown` seconds; the first answer of any
kind closes the breaker again. HTTP errors (5xx, 404, ...) are answers, not connection
failures: they never open it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

THRESHOLD = 3
COOLDOWN = 300.0


class HostUnreachable(Exception):
    """Raised instead of sending a request to a host whose breaker is open."""

    def __init__(self, host: str, failures: int) -> None:
        self.host = host
        self.failures = failures
        super().__init__(f"not sent: {host} could not be reached {failures} times in a row")


class HostBreaker:
    """Counts consecutive connection failures per host; thread-safe."""

    def __init__(
        self,
        service: str,
        *,
        threshold: int = THRESHOLD,
        cooldown: float = COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._open_until: dict[str, float] = {}

    def check(self, host: str) -> None:
        """Raise HostUnreachable while the host's breaker is open."""
        with self._lock:
            until = self._open_until.get(host)
            failures = self._failures.get(host, 0)
        if until is not None and self._clock() < until:
            raise HostUnreachable(host, failures)

    def failed(self, host: str) -> None:
        """One request could not connect at all, after its retries."""
        with self._lock:
            failures = self._failures.get(host, 0) + 1
            self._failures[host] = failures
            if failures >= self.threshold:
                self._open_until[host] = self._clock() + self.cooldown
        if failures == self.threshold:
            log.warning("%s: %s unreachable %d times in a row; not asked again for %ds",
                        self.service, host, failures, self.cooldown)

    def answered(self, host: str) -> None:
        """The host answered (whatever the status): close its breaker."""
        with self._lock:
            self._failures.pop(host, None)
            self._open_until.pop(host, None)
