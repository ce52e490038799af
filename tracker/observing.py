"""Observe links through their sources and append what was seen to the history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.sources import SourceSet
from tracker.sources.base import Observation
from tracker.store.engine import transaction
from tracker.store.models import Link
from tracker.store.observations import as_observation, latest_observations, record_observation

ObservationCallback = Callable[[Link, Observation], None]


def observe_links(
    engine: Engine,
    sources: SourceSet,
    links: Sequence[Link],
    *,
    on_observation: ObservationCallback | None = None,
    audit_id: int | None = None,
) -> dict[int, Observation]:
    """Observe every link that has a source, storing each observation as soon as it comes.

    Links sharing a URL (the same repository cited by two papers) are fetched once. Each
    service runs in its own thread, so a slow service does not hold up the others; within a
    service the source decides how to batch. Returns the new observation of each link id.
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

    results: dict[int, Observation] = {}

    def run_service(service: str, group: list[Link]) -> None:
        source = sources.by_service[service]
        previous = {
            link.url: as_observation(previous_rows[link.id])
            for link in group
            if link.id in previous_rows
        }
        for link, observation in source.observe_many(group, previous):
            with transaction(engine) as session:
                for same in by_url[link.url]:
                    assert same.id is not None
                    record_observation(session, same.id, observation, audit_id=audit_id)
            for same in by_url[link.url]:
                assert same.id is not None
                results[same.id] = observation
                if on_observation:
                    on_observation(same, observation)

    if len(groups) <= 1:
        for service, group in groups.items():
            run_service(service, group)
    else:
        with ThreadPoolExecutor(max_workers=len(groups), thread_name_prefix="observe") as pool:
            for future in [pool.submit(run_service, s, g) for s, g in groups.items()]:
                future.result()
    return results
