"""The job of a distributed audit: run one chunk, add what it cost, end the audit after the last.

A job carries ids and the audit's scoring settings only; the worker that runs it observes
with its own sources (its own tokens, read from its own environment). A chunk run twice (a
retried job) redoes nothing: `tracker.auditing.run_audit_chunk` skips what this audit already
observed and scored. Whichever job records a chunk when no planned paper is left unscored
ends the audit (completed, or degraded as a single-process audit would be), under a lock on
the audit row; a later job of the same audit (one in flight meanwhile) adds its cost and ends
it again with the figures complete, so the end is the same whatever the order.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.auditing import ChunkCost, heartbeat, run_audit_chunk
from tracker.service_health import degraded_reason, service_health
from tracker.sources import SourceSet
from tracker.store import audits as store
from tracker.store.distributed import lock_audit, papers_left
from tracker.store.engine import transaction
from tracker.store.retention import thin_history

if TYPE_CHECKING:
    from procrastinate import JobContext

    from tracker.discovery import Discovery

log = logging.getLogger(__name__)

#: The key of a worker's state in procrastinate's `additional_context`.
STATE_KEY = "reprotrack"
#: Audit states whose end a chunk job may (re)write once nothing of the plan is left.
_ENDABLE = ("running", "completed", "degraded")


@dataclass
class WorkerState:
    """What one worker process observes with: its store, its sources (its own tokens)."""

    engine: Engine
    sources: SourceSet
    concurrency_per_service: int
    discovery: Discovery | None = None
    keep_all_days: float = 0.0


def run_chunk_job(
    context: JobContext, audit_id: int, paper_ids: list[int], weights: dict[str, float],
    last_known_days: float,
) -> None:
    """The procrastinate task: one chunk of a distributed audit (see the module docstring)."""
    state: WorkerState = context.additional_context[STATE_KEY]
    run_chunk(state, audit_id, paper_ids, weights, last_known_days)


def run_chunk(
    state: WorkerState, audit_id: int, paper_ids: list[int], weights: Mapping[str, float],
    last_known_days: float,
) -> str | None:
    """Run one chunk of an audit and record it; returns how the audit stands afterwards
    (None when it was no longer running, and the chunk was skipped)."""
    with Session(state.engine) as session:
        audit = store.get_audit(session, audit_id)
    if audit is None or audit.status != "running":
        log.info("audit #%s is %s: chunk of %d papers skipped", audit_id,
                 "gone" if audit is None else audit.status, len(paper_ids))
        return None
    started = time.monotonic()
    with heartbeat(state.engine, audit_id):
        cost = run_audit_chunk(
            state.engine, state.sources, weights, audit, paper_ids,
            concurrency_per_service=state.concurrency_per_service,
            discovery=state.discovery, last_known_days=last_known_days,
        )
    status = record_chunk(state.engine, audit_id, cost)
    log.info("audit #%s: chunk of %d papers done in %.1fs (requests %s); audit %s", audit_id,
             len(paper_ids), time.monotonic() - started, dict(cost.requests), status)
    if status in ("completed", "degraded") and state.keep_all_days > 0:
        thin_history(state.engine, keep_all_days=state.keep_all_days)
    return status


def record_chunk(engine: Engine, audit_id: int, cost: ChunkCost) -> str | None:
    """Add a chunk's cost and the audit's progress; end the audit when nothing is left.

    One transaction, with the audit row locked: two workers finishing together take turns.
    Returns the audit's status afterwards (None: no such audit).
    """
    with transaction(engine) as session:
        audit = lock_audit(session, audit_id)
        if audit is None:
            return None
        assert audit.id is not None
        requests = _added(audit.requests, cost.requests)
        not_modified = _added(audit.not_modified, cost.not_modified)
        waits = {k: round(v, 3) for k, v in
                 _added(audit.rate_limit_waits, cost.rate_limit_waits).items()}
        counts = store.observation_status_counts(session, audit.id)
        left = papers_left(session, audit)
        store.record_progress(
            session, audit.id, papers_done=audit.papers_total - len(left),
            links_checked=sum(counts.values()),
            errors=sum(counts.get(status, 0) for status in store.ERROR_STATUSES),
            requests=requests, not_modified=not_modified, rate_limit_waits=waits,
        )
        if left or audit.status not in _ENDABLE:
            return audit.status
        health = service_health(store.status_counts_by_service(session, audit.id),
                                requests, not_modified)
        store.record_services(session, audit.id, health)
        reason = degraded_reason(health)
        status = "completed" if reason is None else "degraded"
        store.finish_audit(session, audit.id, status, reason)
        return status


def _added(recorded: Mapping[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
    """Per-service figures summed, zeros dropped, by service name."""
    total: Counter[str] = Counter(dict(recorded))
    total.update(dict(more))
    return {name: value for name, value in sorted(total.items()) if value}
