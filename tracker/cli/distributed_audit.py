"""`reprotrack audit --distributed`: queue an audit's chunks for the workers and follow it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import timedelta

import typer

from tracker.auditing import nothing_reachable, per_service, summary_line
from tracker.cli.context import AppContext
from tracker.distributed.coordinator import (
    follow_audit,
    resume_distributed_audit,
    start_distributed_audit,
)
from tracker.distributed.queue import install_schema, make_app
from tracker.errors import ServiceUnreachable
from tracker.store.models import Audit


def run_distributed_audit(
    app: AppContext,
    *,
    paper_ids: Sequence[int] | None,
    due_only: bool,
    limit: int | None,
    resume: bool,
    audit_id: int | None,
    wait: bool,
) -> None:
    """Start (or resume) a distributed audit; unless `wait` is off, print its progress as the
    workers record it and end like `reprotrack audit` (summary line, exit codes)."""
    settings, engine, err = app.settings, app.engine, app.err
    install_schema(engine)
    queue = make_app(engine, max_connections=2)
    started = time.monotonic()
    with queue.open():
        common = {"chunk_size": settings.audit.chunk_size,
                  "last_known_days": settings.scoring.last_known_days}
        if resume:
            audit, chunks = resume_distributed_audit(engine, queue, settings.scoring.weights,
                                             audit_id=audit_id, **common)
        else:
            audit, chunks = start_distributed_audit(
                engine, queue, settings.scoring.weights, paper_ids=paper_ids,
                due_only=due_only, interval=timedelta(days=settings.audit.interval_days),
                limit=limit, **common)
        assert audit.id is not None
        left = audit.papers_total - audit.papers_done
        err.print(f"audit #{audit.id} queued for the workers: {left} papers in "
                  f"{chunks} chunks (start `reprotrack worker` on each machine)",
                  markup=False, highlight=False)
        if not wait:
            return
        try:
            final = follow_audit(engine, queue, audit.id, on_progress=_progress_printer(app))
        except KeyboardInterrupt:
            err.print(f"audit #{audit.id} goes on in the workers; see `reprotrack audits`",
                      markup=False, highlight=False)
            raise typer.Exit(code=130) from None
    err.print(summary_line(final, time.monotonic() - started), markup=False, highlight=False)
    if final.status == "failed":
        raise ServiceUnreachable(f"audit #{final.id} failed: {final.message}")
    if nothing_reachable(engine, final):
        raise ServiceUnreachable("no service could be reached: every link check failed")


def _progress_printer(app: AppContext) -> Callable[[Audit], None]:
    """One plain line on stderr whenever the workers record progress."""

    def show(audit: Audit) -> None:
        app.err.print(
            f"audit #{audit.id}: {audit.papers_done}/{audit.papers_total} papers, "
            f"{audit.links_checked} links, {audit.errors} errors, "
            f"requests {per_service(audit.requests)}",
            markup=False, highlight=False,
        )

    return show
