"""`reprotrack worker`: run the chunk jobs of distributed audits on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.context import app_context, reports_errors
from tracker.discovery import discovery_for
from tracker.sources import build_sources

DEFAULT_STALLED_AFTER = 30.0  # tracker.distributed.worker.DEFAULT_STALLED_AFTER


@reports_errors
def worker_command(
    ctx: typer.Context,
    burst: Annotated[
        bool,
        typer.Option("--burst", help="Exit once no chunk job is waiting (default: run until "
                     "stopped)."),
    ] = False,
    stalled_after: Annotated[
        float,
        typer.Option("--stalled-after", min=1.0, metavar="SECONDS",
                     help="Retry the chunk of a worker silent this long (killed, or its "
                     "machine gone)."),
    ] = DEFAULT_STALLED_AFTER,
) -> None:
    """Run the chunks of distributed audits (`audit --distributed`) with this machine's tokens.

    Start one on each machine, against the same PostgreSQL store. A worker observes with its
    own GITHUB_TOKEN / HF_TOKEN (from its environment or config) and paces itself against
    its own token's quota; tokens never enter the queue or the store. It runs one chunk at
    a time; Ctrl-C or SIGTERM lets the running chunk finish first. A killed worker's chunk
    is retried by another once the killed one has been silent for --stalled-after seconds.

    \b
    Examples:
      reprotrack --db postgresql+psycopg://tracker@db/reprotrack worker
      reprotrack worker --burst

    Exit codes: 0 stopped (or, with --burst, nothing left); 2 the store is not PostgreSQL;
    3 the database could not be reached.
    """
    # Imported here: the task engine is not loaded by the commands that do not use it.
    from tracker.distributed.chunk_job import WorkerState
    from tracker.distributed.queue import install_schema, make_app, require_postgres
    from tracker.distributed.worker import run_worker, worker_name

    app = app_context(ctx)
    settings = app.settings
    engine = app.engine
    require_postgres(engine)
    # A long-running service: its own INFO lines (one per chunk) are its log.
    app.log_to_stderr(timestamps=True, at_least=1)
    install_schema(engine)
    sources = build_sources(settings)
    state = WorkerState(
        engine=engine, sources=sources,
        concurrency_per_service=settings.http.concurrency_per_service,
        discovery=discovery_for(settings, sources),
        keep_all_days=settings.audit.keep_all_days,
    )
    app.err.print(f"worker {worker_name()} ready", markup=False, highlight=False)
    run_worker(make_app(engine), state, burst=burst, stalled_after=stalled_after)
