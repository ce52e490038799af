"""`reprotrack audit`: check many papers in one resumable run, with progress and its cost."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.audit_plan import find_resumable
from tracker.auditing import (
    AuditProgress,
    AuditTerminated,
    nothing_reachable,
    per_service,
    run_audit,
    summary_line,
)
from tracker.cli.context import app_context, is_terminal, reports_errors
from tracker.discovery import discovery_for
from tracker.errors import InputError, ServiceUnreachable
from tracker.sources import build_sources
from tracker.store.models import Audit


@reports_errors
def audit_command(
    ctx: typer.Context,
    audit_id: Annotated[
        int | None,
        typer.Argument(help="With --resume: the audit to continue (default: the newest "
                       "unfinished one).", show_default=False, metavar="AUDIT_ID"),
    ] = None,
    due: Annotated[
        bool,
        typer.Option("--due", help="Only papers not scored within audit.interval_days."),
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Check at most N papers.")
    ] = None,
    paper: Annotated[
        list[int] | None,
        typer.Option("--paper", help="Check this paper id (repeatable).", show_default=False),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue an interrupted or crashed audit without "
                     "re-checking what it did."),
    ] = False,
) -> None:
    """Check the tracked papers' links, score every paper, and record the audit's cost.

    Exit codes: 0 completed (a link that failed is an observation, not a failure);
    2 bad input, or nothing to resume; 3 no service could be reached at all;
    130 or 143 interrupted by Ctrl-C or SIGTERM (continue it with --resume).
    """
    app = app_context(ctx)
    settings = app.settings
    if audit_id is not None and not resume:
        raise InputError("an audit id is only taken with --resume", key="AUDIT_ID")
    if resume and (due or limit is not None or paper):
        raise InputError("--resume continues the audit's own plan: drop --due, --limit and "
                         "--paper", key="--resume")
    if settings.audit.interval_days <= 0:
        raise InputError("must be more than 0", file=settings.source, key="audit.interval_days")
    engine = app.engine
    resumed: Audit | None = None
    if resume:
        with Session(engine) as session:
            resumed = find_resumable(session, audit_id)
    sources = build_sources(settings)
    started = time.monotonic()
    final: Audit | None = None
    try:
        with _progress_display(app.err) as show:
            final = run_audit(
                engine, sources, settings.scoring.weights,
                paper_ids=paper or None, due_only=due,
                interval=timedelta(days=settings.audit.interval_days), limit=limit,
                trigger="cli", resume=resumed, progress=show,
                chunk_size=settings.audit.chunk_size,
                concurrency_per_service=settings.http.concurrency_per_service,
                discovery=discovery_for(settings, sources),
                last_known_days=settings.scoring.last_known_days,
                keep_all_days=settings.audit.keep_all_days,
            )
    except KeyboardInterrupt:
        _print_summary_of_latest(app.err, engine, resumed, started)
        raise typer.Exit(code=130) from None
    except AuditTerminated as exc:
        _print_summary_of_latest(app.err, engine, resumed, started)
        raise typer.Exit(code=exc.exit_code) from None
    app.err.print(summary_line(final, time.monotonic() - started), markup=False, highlight=False)
    if resumed is None and final.papers_total == 0:
        app.err.print("nothing to audit" + (" (no paper is due)" if due else ""), markup=False)
    if nothing_reachable(engine, final):
        raise ServiceUnreachable("no service could be reached: every link check failed")


def _print_summary_of_latest(
    err: Console, engine: Engine, resumed: Audit | None, started: float
) -> None:
    """After an interruption: the summary of the audit this process was running."""
    with Session(engine) as session:
        if resumed is not None:
            audit = session.get(Audit, resumed.id)
        else:
            audit = session.exec(select(Audit).order_by(col(Audit.id).desc()).limit(1)).first()
    if audit is not None:
        err.print(summary_line(audit, time.monotonic() - started), markup=False, highlight=False)
        err.print(f"continue with: reprotrack audit --resume {audit.id}", markup=False)


@contextmanager
def _progress_display(err: Console) -> Iterator[Callable[[AuditProgress], None]]:
    """A progress bar on a terminal; otherwise one plain line per chunk on stderr."""
    if not is_terminal(err):
        def log_chunk(state: AuditProgress) -> None:
            stage, _, counts = state.stage.partition(" ")
            if stage == "discovering" and counts.split("/")[0] == "1":
                total = counts.split("/")[1]
                err.print(f"audit #{state.audit_id}: discovering the links of {total} papers",
                          markup=False, highlight=False)
            if state.chunk_done:
                err.print(
                    f"audit #{state.audit_id}: {state.papers_done}/{state.papers_total} papers, "
                    f"{state.links_checked} links, {state.errors} errors, "
                    f"requests {per_service(state.requests)}",
                    markup=False, highlight=False,
                )

        yield log_chunk
        return
    columns = (TextColumn("audit #{task.fields[audit_id]} {task.fields[stage]}"), BarColumn(),
               MofNCompleteColumn(),
               TextColumn("papers · {task.fields[links]} links · {task.fields[requests]} requests"
                          " · {task.fields[errors]} errors"), TimeElapsedColumn())
    with Progress(*columns, console=err) as bar:
        task = bar.add_task("audit", total=None, audit_id="-", stage="", links=0, requests=0,
                            errors=0)

        def update(state: AuditProgress) -> None:
            bar.update(task, total=state.papers_total, completed=state.papers_done,
                       audit_id=state.audit_id, stage=state.stage, links=state.links_checked,
                       requests=sum(state.requests.values()), errors=state.errors)

        yield update
