"""Starting a distributed audit (its row and its chunk jobs in one transaction), resuming
one, and following it to its end from the machine that started it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

from procrastinate import App
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.audit_guard import refuse_concurrent_audit
from tracker.audit_plan import DEFAULT_INTERVAL, find_resumable, plan_audit
from tracker.auditing import ChunkCost
from tracker.distributed.chunk_job import record_chunk
from tracker.distributed.queue import CHUNK_TASK, chunk_args, queue_name
from tracker.errors import InputError
from tracker.store import audits as store
from tracker.store.distributed import disown_audit, papers_left, reopen_audit
from tracker.store.engine import transaction
from tracker.store.models import Audit

#: Jobs of an audit still to run or running (procrastinate's statuses).
_PENDING = ("todo", "doing")


def start_distributed_audit(
    engine: Engine,
    app: App,
    weights: Mapping[str, float],
    *,
    paper_ids: Sequence[int] | None = None,
    due_only: bool = False,
    interval: timedelta = DEFAULT_INTERVAL,
    limit: int | None = None,
    chunk_size: int,
    last_known_days: float,
) -> tuple[Audit, int]:
    """Record a running audit and queue its chunk jobs, all in one transaction; the audit
    and the number of chunks queued.

    Refused (InputError, exit 2) while another audit, distributed or not, is alive: the same
    guard as `reprotrack audit`. The audit belongs to no process (no host, no pid): it is
    alive while its heartbeat is fresh, which the workers and the waiting `audit` refresh.
    """
    if chunk_size < 1:
        raise InputError("must be at least 1", key="audit.chunk_size")
    with transaction(engine) as session:
        refuse_concurrent_audit(session)
        plan = plan_audit(session, paper_ids=paper_ids, due_only=due_only, interval=interval,
                          limit=limit)
        audit = store.start_audit(session, plan, trigger="distributed", host="", pid=0)
        disown_audit(session, audit)
        chunks = _enqueue(app, session, audit, plan, chunk_size, weights, last_known_days)
    return audit, chunks


def resume_distributed_audit(
    engine: Engine, app: App, weights: Mapping[str, float], *, audit_id: int | None,
    chunk_size: int, last_known_days: float,
) -> tuple[Audit, int]:
    """Queue again the chunks of an unfinished audit that still have unscored papers; the
    audit and the number of chunks queued.

    What it observed and scored is kept and not redone; the audit runs again (distributed,
    whichever way it ran before). Refused like `audit --resume` when there is nothing to resume.
    """
    with Session(engine) as session:
        audit = find_resumable(session, audit_id)
    with transaction(engine) as session:
        if not reopen_audit(session, audit):
            raise InputError(f"audit #{audit.id} was resumed by another process",
                             key="--resume")
        assert audit.id is not None
        audit = store.get_audit(session, audit.id) or audit
        left = papers_left(session, audit)
        chunks = _enqueue(app, session, audit, left, chunk_size, weights, last_known_days)
    if not left:  # everything was scored before it stopped: only its end is missing
        record_chunk(engine, audit.id, ChunkCost({}, {}, {}))
    return audit, chunks


def _enqueue(
    app: App, session: Session, audit: Audit, paper_ids: list[int], chunk_size: int,
    weights: Mapping[str, float], last_known_days: float,
) -> int:
    """Queue one job per chunk of `paper_ids`, in the session's own transaction; how many."""
    assert audit.id is not None
    if not paper_ids:
        return 0
    # procrastinate inserts on the connection it is given: the jobs commit with the audit.
    driver = session.connection().connection.driver_connection
    deferrer = app.tasks[CHUNK_TASK].configure(queue=queue_name(audit.id), connection=driver)
    jobs = [chunk_args(audit.id, paper_ids[start:start + chunk_size], dict(weights),
                       last_known_days)
            for start in range(0, len(paper_ids), chunk_size)]
    deferrer.batch_defer(*jobs)
    return len(jobs)


def pending_chunks(app: App, audit_id: int) -> int:
    """Chunk jobs of the audit waiting or running."""
    jobs = app.job_manager.list_jobs(queue=queue_name(audit_id), task=CHUNK_TASK)
    return sum(1 for job in jobs if job.status in _PENDING)


def unsuccessful_chunks(app: App, audit_id: int) -> int:
    """Chunk jobs of the audit that ended without success (failed for good, cancelled or
    aborted)."""
    jobs = app.job_manager.list_jobs(queue=queue_name(audit_id), task=CHUNK_TASK)
    return sum(1 for job in jobs if job.status not in (*_PENDING, "succeeded"))


def follow_audit(
    engine: Engine,
    app: App,
    audit_id: int,
    *,
    on_progress: Callable[[Audit], None] | None = None,
    poll_seconds: float = 1.0,
) -> Audit:
    """Wait for a distributed audit to end, reporting each change of its progress.

    It has ended when no chunk job is waiting or running and its row is no longer running.
    While waiting, this process keeps the audit's heartbeat fresh (workers may all be busy
    elsewhere or not started yet: the audit is alive all the same). When no job is left but
    the audit is still running, chunks failed for good: the audit is marked failed, saying
    how to resume it.
    """
    shown: tuple[int, int] | None = None
    while True:
        with transaction(engine) as session:
            store.beat(session, audit_id)
            audit = store.get_audit(session, audit_id)
        assert audit is not None
        if on_progress is not None and (audit.papers_done, audit.links_checked) != shown:
            shown = (audit.papers_done, audit.links_checked)
            on_progress(audit)
        if pending_chunks(app, audit_id) == 0:
            with transaction(engine) as session:
                audit = store.get_audit(session, audit_id)
                assert audit is not None
                if audit.status == "running":
                    failed = unsuccessful_chunks(app, audit_id)
                    store.finish_audit(
                        session, audit_id, "failed",
                        f"{failed} chunk job(s) did not succeed (see the workers' logs); "
                        f"continue with: reprotrack audit --distributed --resume {audit_id}")
            with Session(engine) as session:
                audit = store.get_audit(session, audit_id)
            assert audit is not None
            return audit
        time.sleep(poll_seconds)
