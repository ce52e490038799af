"""Observe links through their sources and append what was seen to the history.

`observe_links` is the one observe-and-record path: audits, `check` and discovery all go
through it. Workers (one per shard of a service's links) hand each observation to a
`StoreWriter`, whose single thread commits them in batches.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.sources import SourceSet
from tracker.sources.base import LinkStatus, LinkTarget, Observation, Source
from tracker.sources.policy import RequestCancelled
from tracker.store.models import Link, ObservationRecord
from tracker.store.observations import as_observation, latest_observations
from tracker.store.writer import StoreWriter

ObservationCallback = Callable[[Link, Observation], None]

DEFAULT_CONCURRENCY_PER_SERVICE = 4  # [http] concurrency_per_service


def service_concurrency(source: Source, configured: int) -> int:
    """How many requests may be in flight at once to this source's service (at least 1)."""
    declared = getattr(source, "max_concurrency", None)  # e.g. GitHubSource: 1
    limit = configured if declared is None else min(configured, declared)
    return max(1, limit)


def shard(links: Sequence[Link], concurrency: int, min_shard_size: int = 1) -> list[list[Link]]:
    """Split one service's links into at most `concurrency` interleaved shards.

    Shards never get smaller than `min_shard_size` (the GraphQL batch size for GitHub), so a
    source that batches within a shard still sends full batches.
    """
    if not links:
        return []
    by_size = math.ceil(len(links) / max(1, min_shard_size))
    count = max(1, min(concurrency, by_size))
    return [list(links[i::count]) for i in range(count)]


def _until_cancelled(
    observed: Iterator[tuple[LinkTarget, Observation]],
) -> Iterator[tuple[LinkTarget, Observation]]:
    """The observations until the run cuts a request short (that look is left for a resume)."""
    try:
        yield from observed
    except RequestCancelled:
        return


def awaited_first(links: list[Link], latest: dict[int, ObservationRecord]) -> list[Link]:
    """The links never observed or last rate limited first, least recently observed first.

    A quota that runs out part-way through a service's links then leaves the links observed
    most recently for later, and what an earlier audit deferred is observed before it.
    """
    never = datetime.min.replace(tzinfo=UTC)

    def key(link: Link) -> tuple[int, datetime]:
        row = latest.get(link.id) if link.id is not None else None
        if row is None:
            return (0, never)
        waiting = row.status == str(LinkStatus.RATE_LIMITED)
        moment = row.checked_at if row.checked_at.tzinfo else row.checked_at.replace(tzinfo=UTC)
        return (0 if waiting else 1, never if waiting else moment)

    return sorted(links, key=key)


def observe_links(
    engine: Engine,
    sources: SourceSet,
    links: Sequence[Link],
    *,
    on_observation: ObservationCallback | None = None,
    audit_id: int | None = None,
    concurrency_per_service: int = DEFAULT_CONCURRENCY_PER_SERVICE,
    should_stop: Callable[[], bool] | None = None,
    writer: StoreWriter | None = None,
) -> dict[int, Observation]:
    """Observe every link that has a source, storing each observation as soon as it comes.

    Observations go through `writer` (the audit's, flushed by the audit) or, without one, a
    writer of this call's own, flushed and closed before it returns.

    Links sharing a URL (the same repository cited by two papers) are fetched once. Each
    service's links are split into up to `concurrency_per_service` shards (fewer for services
    that must be asked serially, see `service_concurrency`), each observed in its own thread
    through `observe_many`, so a slow service does not hold up the others and one service
    has a bounded number of requests in flight. Returns the new observation of each link id.

    When `should_stop()` turns true (an audit asked to stop), or the calling thread is
    interrupted, the workers stop after the observation they are making, which is still
    stored; links not reached are left for a resumed run.
    """
    with Session(engine) as session:
        previous_rows = latest_observations(session, [link.id for link in links if link.id])
    by_url: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        by_url[link.url].append(link)
    groups: dict[str, list[Link]] = defaultdict(list)  # service -> one link per URL
    for url, same_url in by_url.items():
        source = sources.source_for(same_url[0].kind)
        if source is not None:
            groups[source.service].append(same_url[0])

    for service, group in groups.items():
        groups[service] = awaited_first(group, previous_rows)
    results: dict[int, Observation] = {}
    stop = threading.Event()

    def run_shard(store: StoreWriter, service: str, group: list[Link]) -> None:
        source = sources.by_service[service]
        previous = {
            link.url: as_observation(previous_rows[link.id])
            for link in group
            if link.id in previous_rows
        }
        for link, observation in _until_cancelled(source.observe_many(group, previous)):
            same_ids = [same.id for same in by_url[link.url] if same.id is not None]
            store.observation(same_ids, observation, audit_id=audit_id)
            for same in by_url[link.url]:
                assert same.id is not None
                results[same.id] = observation
                if on_observation:
                    on_observation(same, observation)
            if stop.is_set() or (should_stop is not None and should_stop()):
                break

    shards: list[tuple[str, list[Link]]] = []
    for service, group in groups.items():
        source = sources.by_service[service]
        concurrency = service_concurrency(source, concurrency_per_service)
        min_size = int(getattr(source, "graphql_batch_size", 1) or 1)
        shards += [(service, part) for part in shard(group, concurrency, min_size)]
    if not shards:
        return results
    if writer is None:
        with StoreWriter(engine) as own:
            _run_shards(shards, run_shard, stop, own)
    else:
        _run_shards(shards, run_shard, stop, writer)
    return results


def _run_shards(
    shards: list[tuple[str, list[Link]]],
    run_shard: Callable[[StoreWriter, str, list[Link]], None],
    stop: threading.Event,
    writer: StoreWriter,
) -> None:
    """Run every shard in a worker of its own; return once every worker is done."""
    # Even one shard runs in a worker: the calling thread then only waits, so an interruption
    # lands there and never in the middle of a worker's transaction.
    pool = ThreadPoolExecutor(max_workers=len(shards), thread_name_prefix="observe")
    futures = [pool.submit(run_shard, writer, service, part) for service, part in shards]
    try:
        for future in futures:
            future.result()
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
