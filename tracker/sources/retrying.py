"""The one retry loop every client uses (tenacity), feeding the request ledger.

A client wraps one attempt in a function that returns a `Verdict`: `done(value)`, or
`again(reason, wait)` for a transient failure (a 5xx, a dropped connection, an unreadable body,
a short rate limit). `retry` runs attempts under the policy: at most `max_retries` retries,
each after the server's advertised wait (recorded in the ledger as a rate-limit wait when it was
one) or else a jittered exponential backoff; every wait ends at once with `RequestCancelled` when
the run's `Interrupt` is set. When the retries are spent, the last `again` verdict is returned
with `exhausted` set, and the client turns it into its failure. Exceptions raised by an attempt
(a rate limit too long to wait for, a cancelled run) are never retried: they propagate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import tenacity

from tracker.sources.base import RequestLedger
from tracker.sources.policy import HttpPolicy, Interrupt

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Verdict(Generic[T]):
    """What one attempt came to: a final value, or a transient failure worth another try."""

    value: T | None = None
    retry: bool = False
    reason: str = ""
    wait: float | None = None  # seconds the server asked for, if it said
    rate_limited: bool = False  # the wait is a rate-limit reset (counted in the ledger)
    attempts: int = 1  # set on the final verdict
    exhausted: bool = False  # retries were spent on transient failures

    @classmethod
    def done(cls, value: T) -> Verdict[T]:
        """A final answer (any status the caller interprets)."""
        return cls(value=value)

    @classmethod
    def again(
        cls, reason: str, wait: float | None = None, *, rate_limited: bool = False,
        value: T | None = None,
    ) -> Verdict[T]:
        """A transient failure: retry after `wait` seconds (None: the policy's backoff)."""
        return cls(value=value, retry=True, reason=reason, wait=wait, rate_limited=rate_limited)


def retry(
    attempt: Callable[[], Verdict[T]],
    policy: HttpPolicy,
    *,
    service: str,
    ledger: RequestLedger,
    label: str,
    interrupt: Interrupt | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Verdict[T]:
    """Run `attempt` until it is done or the retries are spent; return the last verdict."""
    sleeper = sleep or (interrupt.sleep if interrupt is not None else time.sleep)

    def wait(state: tenacity.RetryCallState) -> float:
        verdict: Verdict[Any] = state.outcome.result()  # type: ignore[union-attr]
        retry_number = state.attempt_number
        if retry_number > policy.max_retries:
            return 0.0  # tenacity asks for the wait before it checks the stop: no retry follows
        if verdict.wait is not None:
            seconds = min(verdict.wait, policy.max_rate_limit_wait)
            if verdict.rate_limited:
                ledger.waited(service, seconds)
        else:
            seconds = policy.backoff(retry_number - 1)
        log.info("%s: %s -> %s, retry %d/%d in %.2fs", service, label, verdict.reason,
                 retry_number, policy.max_retries, seconds)
        return seconds

    def exhausted(state: tenacity.RetryCallState) -> Verdict[Any]:
        verdict: Verdict[Any] = state.outcome.result()  # type: ignore[union-attr]
        verdict.exhausted = True
        return verdict

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.max_retries + 1),
        wait=wait,
        retry=tenacity.retry_if_result(lambda verdict: verdict.retry),
        sleep=sleeper,
        retry_error_callback=exhausted,
        reraise=True,
    )
    counter = {"attempts": 0}

    def counted() -> Verdict[T]:
        # No check of the interrupt here: a look under way finishes its quick requests, so
        # that it is stored once; the waits between attempts are what a stop ends at once.
        counter["attempts"] += 1
        return attempt()

    verdict: Verdict[T] = retrying(counted)
    verdict.attempts = counter["attempts"]
    return verdict
