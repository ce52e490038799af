"""`reprotrack schedule`: run audits and reports on the configured schedule."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.auditing import AuditTerminated, nothing_reachable
from tracker.cli.audits_cmd import audit_json
from tracker.cli.context import app_context, reports_errors
from tracker.cli.json_output import JSON_OPTION_HELP, print_json
from tracker.errors import InputError, ServiceUnreachable
from tracker.scheduling import build_trigger, run_once, serve


@reports_errors
def schedule_command(
    ctx: typer.Context,
    once: Annotated[
        bool,
        typer.Option("--once", help="Run the job once now and exit (for cron or systemd timers)."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="With --once: " + JSON_OPTION_HELP[0].lower()
                           + JSON_OPTION_HELP[1:])
    ] = False,
) -> None:
    """Run audits and reports on the configured schedule.

    The schedule is the config's [schedule] cron expression or interval. Logs one line per
    run on stderr (quiet it with -q, or see the HTTP requests with -vv).

    \b
    Examples:
      reprotrack --config lab.toml schedule
      reprotrack schedule --once
      reprotrack schedule --once --json
    """
    if as_json and not once:
        raise InputError("--json needs --once: a running scheduler reports in its log",
                         key="--json")
    app = app_context(ctx)
    settings = app.settings
    build_trigger(settings.schedule, where=settings.source)  # bad schedules fail before work
    # A long-running service: its own INFO lines are its log; the libraries stay quiet.
    app.log_to_stderr(timestamps=True, at_least=1)
    if not once:
        serve(app.engine, settings)
        return
    try:
        run = run_once(app.engine, settings)
    except KeyboardInterrupt:
        raise typer.Exit(code=130) from None
    except AuditTerminated as exc:
        raise typer.Exit(code=exc.exit_code) from None
    if as_json:
        print_json(audit=audit_json(run.audit) if run.audit is not None else None,
                   reports=[str(path) for path in run.reports],
                   skipped=run.skipped, failed=run.failed)
    else:
        for path in run.reports:
            app.out.print(str(path), markup=False, highlight=False)
    if run.skipped:
        return
    if run.failed:
        raise typer.Exit(code=1)
    if run.audit is not None and nothing_reachable(app.engine, run.audit):
        raise ServiceUnreachable("no service could be reached: every link check failed")
