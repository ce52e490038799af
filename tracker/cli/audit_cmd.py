"""`reprotrack audit`: check many papers in one resumable run, with progress and its cost."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.audit_plan import find_resumable, plan_audit
from tracker.auditing import (
    AuditProgress,
    AuditTerminated,
    per_service,
    summary_line,
)
from tracker.cli.audits_cmd import audit_json
from tracker.cli.context import app_context, is_terminal, reports_errors
from tracker.cli.json_output import JSON_OPTION_HELP, print_json
from tracker.discovery import DISCOVERY_PASSES
from tracker.errors import InputError, ServiceUnreachable
from tracker.store.models import Audit


@reports_errors
def audit_command(
    ctx: typer.Context,
    audit_id: Annotated[
        int | None,
        typer.Argument(help="With --resume: the audit to continue (default: the newest "
                       "unfinished one).", show_default=False, metavar="[AUDIT_ID]"),
    ] = None,
    due: Annotated[
        bool,
        typer.Option("--due", help="Only papers not scored within audit.interval_days."),
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, metavar="N", show_default=False,
                                 help="Check at most N papers.")
    ] = None,
    paper: Annotated[
        list[int] | None,
        typer.Option("--paper", metavar="ID", help="Check this paper id (repeatable).",
                     show_default=False),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue an interrupted, crashed or failed audit "
                     "without re-checking what it did."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_OPTION_HELP)] = False,
    distributed: Annotated[
        bool,
        typer.Option("--distributed", help="Queue the audit's chunks for `reprotrack worker` "
                     "processes (PostgreSQL store only) and follow it."),
    ] = False,
    no_wait: Annotated[
        bool,
        typer.Option("--no-wait", help="With --distributed: queue the chunks and return at "
                     "once."),
    ] = False,
) -> None:
    """Check every tracked paper and record the audit.

    Observes the tracked papers' links, scores every paper, and records what the audit
    checked and cost; the report of the audit is written by `reprotrack report`.

    \b
    Examples:
      reprotrack audit
      reprotrack audit --due --limit 200
      reprotrack audit --resume
      reprotrack audit --due --json
      reprotrack audit --distributed --no-wait

    Exit codes: 0 completed (a link that failed is an observation, not a failure);
    2 bad input, nothing to resume, another audit still running, or --distributed on a
    SQLite store; 3 no service could be reached at all (with --distributed: or chunk jobs
    failed for good);
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
    if no_wait and not distributed:
        raise InputError("--no-wait is only taken with --distributed", key="--no-wait")
    engine = app.engine
    if distributed:
        # Imported here: the task engine is not loaded by the commands that do not use it.
        from tracker.cli.distributed_audit import run_distributed_audit
        from tracker.distributed.queue import require_postgres

        require_postgres(engine)
    resumed: Audit | None = None
    if distributed:
        if as_json:
            raise InputError("--json is not taken with --distributed (follow it with "
                             "`reprotrack audits --json`)", key="--json")
        if not resume:
            interval = timedelta(days=settings.audit.interval_days)
            with Session(engine) as session:
                planned = plan_audit(session, paper_ids=paper or None, due_only=due,
                                     interval=interval, limit=1)
            if not planned:
                # An audit of nothing would only become the default report: record none.
                app.err.print("nothing to audit: " + (
                    f"no paper is due (each was scored within "
                    f"{settings.audit.interval_days:g} days)"
                    if due else "no paper is tracked (see `reprotrack import`)"), markup=False)
                return
        run_distributed_audit(app, paper_ids=paper or None, due_only=due, limit=limit,
                              resume=resume, audit_id=audit_id, wait=not no_wait)
        return
    if resume:
        with Session(engine) as session:
            resumed = find_resumable(session, audit_id)  # to name it if it is interrupted
    started = time.monotonic()
    try:
        with _progress_display(app.err) as show:
            result = app.tracker.audit(
                due=due, limit=limit, papers=paper or None,
                resume=(resumed.id if resumed is not None else None), progress=show,
                trigger="cli",
            )
    except KeyboardInterrupt:
        _print_summary_of_latest(app.err, engine, resumed, started)
        raise typer.Exit(code=130) from None
    except AuditTerminated as exc:
        _print_summary_of_latest(app.err, engine, resumed, started)
        raise typer.Exit(code=exc.exit_code) from None
    if result.audit is None:
        # An audit of nothing would only become the default report: none is recorded.
        nothing = f"nothing to audit: {result.skipped}"
        app.err.print(nothing, markup=False)
        if as_json:
            print_json(audit=None, message=nothing)
        return
    final = result.audit
    app.err.print(summary_line(final, time.monotonic() - started), markup=False, highlight=False)
    if as_json:
        print_json(audit=audit_json(final), message=None)
    if result.nothing_reachable:
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
            if state.stage == "discovering" and state.stage_done == 1:
                err.print(f"audit #{state.audit_id}: discovering the links of "
                          f"{state.chunk_papers} papers", markup=False, highlight=False)
            if state.chunk_done:
                err.print(
                    f"audit #{state.audit_id}: {state.papers_done}/{state.papers_total} papers, "
                    f"{state.links_checked} links, {state.errors} errors, "
                    f"requests {per_service(state.requests)}",
                    markup=False, highlight=False,
                )

        yield log_chunk
        return
    with Progress(*progress_columns(), console=err) as bar:
        task = bar.add_task("audit", total=None, audit_id="-", stage="starting", papers="",
                            links=0, requests=0, errors=0)

        def update(state: AuditProgress) -> None:
            bar.update(task, total=state.papers_total, completed=state.completed,
                       audit_id=state.audit_id, stage=stage_text(state),
                       papers=f"{state.papers_done}/{state.papers_total}",
                       links=state.links_checked, requests=sum(state.requests.values()),
                       errors=state.errors)

        yield update


_STAGE_UNITS = {"discovering": "papers", "observing": "links", "scoring": "papers"}


def stage_text(state: AuditProgress) -> str:
    """`observing 40/85 links`: each stage under way and how far it is.

    While a chunk is scored and the next observed, both show: `scoring 12/100 papers ·
    observing 40/85 links`.
    """
    if len(state.stages) > 1:
        return " · ".join(
            _one_stage(replace(state, stage=s.name, stage_done=s.done, stage_total=s.total,
                               chunk_papers=s.chunk_papers, stages=()))
            for s in state.stages)
    return _one_stage(state)


def _one_stage(state: AuditProgress) -> str:
    unit = _STAGE_UNITS.get(state.stage)
    if unit is None:
        return state.stage
    if state.stage == "discovering" and state.chunk_papers and state.stage_done:
        # Discovery counts each paper once per pass: say which pass, and how far into it.
        per_pass = state.chunk_papers
        index = min(len(DISCOVERY_PASSES), (state.stage_done - 1) // per_pass + 1)
        within = state.stage_done - (index - 1) * per_pass
        return f"{DISCOVERY_PASSES[index - 1]} {within}/{per_pass} {unit}"
    return f"{state.stage} {state.stage_done}/{state.stage_total} {unit}"


def progress_columns() -> tuple[ProgressColumn, ...]:
    """The audit bar: stage, bar, papers done, links, requests, errors, elapsed and ETA."""
    return (
        TextColumn("audit #{task.fields[audit_id]} {task.fields[stage]:<26}"), BarColumn(),
        TextColumn("{task.fields[papers]} papers · {task.fields[links]} links · "
                   "{task.fields[requests]} requests · {task.fields[errors]} errors"),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
    )
