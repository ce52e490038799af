"""A service's request quota as its rate-limit headers describe it, and whether to send now.

Every answer of a metered API says how many requests are left in the current window and
when the window resets (the Hub's `RateLimit: "api";r=R;t=T`, GitHub's `X-RateLimit-
Remaining` / `X-RateLimit-Reset`). A `QuotaGate` keeps the latest of those figures, counts
each request it lets through against them (so that requests in flight are not sent past the
quota), and, once the window is spent, lets nothing through until it resets: it waits when
the reset is at most `max_wait` seconds away, and otherwise answers with a `Deferral` so the
source records the link as deferred without sending a request that is sure to be refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

_PROBE_PATIENCE = 30.0  # seconds others wait for the first answer of a window


@dataclass(frozen=True)
class Deferral:
    """The quota is spent and resets in `seconds` (more than the gate waits)."""

    seconds: float

    def reason(self, service_name: str) -> str:
        """The observation's reason: what happened, and what happens next."""
        return (f"deferred: {service_name}'s API quota is spent for {self.seconds:.0f}s more; "
                "no request sent, observed first in the next audit")


class QuotaGate:
    """The known quota of one service (thread-safe).

    Call `acquire` before each metered request and `settle` after it, answered or not.
    """

    def __init__(
        self,
        *,
        max_wait: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self.max_wait = max_wait
        self._clock = clock
        self._sleep = sleep
        self._on_wait = on_wait
        self._lock = threading.Condition()
        self._remaining: int | None = None  # None: unknown (no answer yet, or a new window)
        self._resets_at = 0.0
        # While the quota is unknown one request goes first and its answer tells the rest.
        self._probe_in_flight = False
        self._metered = True  # False once an answer came without rate-limit headers

    def update(self, remaining: int, reset_in: float) -> None:
        """What an answer's headers said: `remaining` requests until `reset_in` seconds."""
        with self._lock:
            resets_at = self._clock() + max(0.0, reset_in)
            new_window = self._remaining is None or resets_at > self._resets_at + 1.0
            if new_window:
                self._remaining = remaining
            else:  # requests let through since were not counted by the server yet
                self._remaining = min(remaining, self._remaining if self._remaining is not None
                                      else remaining)
            self._resets_at = resets_at
            self._metered = True
            self._probe_in_flight = False
            self._lock.notify_all()

    def settle(self) -> None:
        """A request let through is over (answered or failed); call it whatever happened."""
        with self._lock:
            if self._probe_in_flight:
                self._probe_in_flight = False
                if self._remaining is None:
                    self._metered = False  # answered without headers: nothing to pace by
                self._lock.notify_all()

    def acquire(self) -> Deferral | None:
        """Count one request against the quota; wait for the next window when it is near.

        Returns None when the request may be sent, a Deferral when the quota is spent for
        longer than `max_wait`.
        """
        while True:
            with self._lock:
                now = self._clock()
                if self._remaining is not None and now >= self._resets_at:
                    self._remaining = None  # the window reset: the next answer tells the new one
                if self._remaining is None:
                    if not self._metered:
                        return None
                    if self._probe_in_flight:  # wait for its answer (bounded, in case it hangs)
                        self._lock.wait(timeout=_PROBE_PATIENCE)
                        if self._probe_in_flight:
                            return None
                        continue
                    self._probe_in_flight = True
                    return None
                if self._remaining > 0:
                    self._remaining -= 1
                    return None
                wait = self._resets_at - now
            if wait > self.max_wait:
                return Deferral(wait)
            if self._on_wait is not None:
                self._on_wait(wait)
            self._sleep(wait)

    @property
    def remaining(self) -> int | None:
        """Requests left in the current window as far as is known (None: unknown)."""
        with self._lock:
            return self._remaining
