"""The interface every outside-service client implements: a link in, an Observation out."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol, runtime_checkable

from tracker.kernel import LinkStatus, Observation, utcnow
from tracker.links import LinkKind

__all__ = ["LinkStatus", "LinkTarget", "Observation", "RequestLedger", "SingleLinkSource",
           "Source", "utcnow"]


@runtime_checkable
class LinkTarget(Protocol):
    """What a source needs to know about a link (a stored `Link` row or a `NormalisedLink`)."""

    @property
    def url(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def target(self) -> str: ...

    @property
    def access_key(self) -> str | None: ...


class RequestLedger:
    """Counts requests, rate-limit waits and 304s per service, for an audit's cost figures.

    Thread-safe: sources running in worker threads share one ledger.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.rate_limit_waits: Counter[str] = Counter()
        self.rate_limit_wait_seconds: Counter[str] = Counter()

    def count(self, service: str, *, not_modified: bool = False) -> None:
        """Record one HTTP request sent to `service` (and whether it came back 304)."""
        with self._lock:
            self.requests[service] += 1
            if not_modified:
                self.not_modified[service] += 1

    def waited(self, service: str, seconds: float) -> None:
        """Record a wait for a rate-limit reset."""
        with self._lock:
            self.rate_limit_waits[service] += 1
            self.rate_limit_wait_seconds[service] += seconds

    def total(self, service: str | None = None) -> int:
        """Requests sent, to one service or to all."""
        with self._lock:
            return self.requests[service] if service else sum(self.requests.values())


class Source(Protocol):
    """A client of one outside service. The only code that does network I/O.

    `observe` never raises for what the service says (missing, private, rate limited,
    malformed answers): those are statuses. Only the tool's own bugs raise.
    """

    service: str
    kinds: frozenset[LinkKind]

    def observe(self, link: LinkTarget, previous: Observation | None = None) -> Observation:
        """Look at one link now; `previous` supplies cache validators and carried-over facts."""
        ...

    def observe_many(
        self,
        links: Iterable[LinkTarget],
        previous: Mapping[str, Observation] | None = None,
    ) -> Iterator[tuple[LinkTarget, Observation]]:
        """Look at many links (a source may batch them); `previous` is keyed by link url."""
        ...


class SingleLinkSource:
    """Mixin giving `observe_many` as a loop over `observe`, for sources with no batch API."""

    def observe_many(
        self,
        links: Iterable[LinkTarget],
        previous: Mapping[str, Observation] | None = None,
    ) -> Iterator[tuple[LinkTarget, Observation]]:
        """Observe each link in turn."""
        previous = previous or {}
        for link in links:
            yield link, self.observe(link, previous.get(link.url))  # type: ignore[attr-defined]
