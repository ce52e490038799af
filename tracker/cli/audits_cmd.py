"""`reprotrack audits`: the audits run so far, how each ended, and what each service did."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from tracker.auditing import per_service
from tracker.cli.context import app_context, reports_errors
from tracker.cli.json_output import JSON_OPTION_HELP, print_json
from tracker.snapshots import as_utc
from tracker.store.models import Audit


def audit_json(audit: Audit) -> dict[str, Any]:
    """One audit as plain values (the items of `audits --json`)."""
    started, finished = as_utc(audit.started_at), as_utc(audit.finished_at)
    return {
        "id": audit.id,
        "trigger": audit.trigger,
        "status": audit.status,
        "started_at": started.isoformat() if started else None,
        "finished_at": finished.isoformat() if finished else None,
        "papers_total": audit.papers_total,
        "papers_done": audit.papers_done,
        "links_checked": audit.links_checked,
        "errors": audit.errors,
        "requests": dict(audit.requests or {}),
        "not_modified": dict(audit.not_modified or {}),
        "services": dict(audit.services or {}),
        "message": audit.message,
    }


@reports_errors
def audits_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_OPTION_HELP)] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, metavar="N", help="Show the newest N audits.")
    ] = None,
) -> None:
    """List audits, newest first, with how each ended and what each service did.

    Status is completed, degraded (a service failed for part of it), interrupted, failed or
    running; per service: requests, 304s and inconclusive looks.

    \b
    Examples:
      reprotrack audits
      reprotrack audits --json --limit 5
    """
    app = app_context(ctx)
    audits = app.tracker.audits(limit)
    if as_json:
        print_json(audits=[audit_json(audit) for audit in audits])
        return
    if not audits:
        app.err.print("no audit yet: run `reprotrack audit` first", markup=False)
        return
    table = Table(show_edge=False)
    for column in ("id", "trigger", "status", "started", "finished", "papers", "requests",
                   "304s", "errors"):
        table.add_column(column, overflow="fold")
    for audit in audits:
        started, finished = as_utc(audit.started_at), as_utc(audit.finished_at)
        errors = {name: figures.get("inconclusive", 0)
                  for name, figures in (audit.services or {}).items()}
        table.add_row(
            str(audit.id), audit.trigger, audit.status,
            f"{started:%Y-%m-%d %H:%M}" if started else "",
            f"{finished:%Y-%m-%d %H:%M}" if finished else "",
            f"{audit.papers_done}/{audit.papers_total}",
            per_service(audit.requests or {}), per_service(audit.not_modified or {}),
            per_service(errors) if errors else str(audit.errors),
        )
    app.out.print(table)
    for audit in audits:
        if audit.status == "degraded" and audit.message:
            app.out.print(f"audit #{audit.id} {audit.message}", markup=False, highlight=False)
