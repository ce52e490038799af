"""`reprotrack rescore`: re-judge the stored observations, without a single request."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.context import app_context, reports_errors
from tracker.cli.json_output import JSON_OPTION_HELP, print_json


@reports_errors
def rescore_command(
    ctx: typer.Context,
    audit: Annotated[
        int | None,
        typer.Option("--audit", metavar="ID",
                     help="Only this audit's scorecards (default: every scorecard)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_OPTION_HELP)] = False,
) -> None:
    """Re-judge stored scorecards from their stored observations, without a request.

    After an upgrade or a change of weights: every scorecard (or one audit's) is derived
    again from what the services said at the time.

    \b
    Examples:
      reprotrack rescore
      reprotrack rescore --audit 12 --json
    """
    app = app_context(ctx)
    summary = app.tracker.rescore(audit)
    if as_json:
        print_json(audit=audit, scorecards=summary.scorecards,
                   grade_changed=summary.grade_changed, status_changed=summary.status_changed)
        return
    app.out.print(f"rescored {summary.scorecards} scorecard(s): {summary.grade_changed} changed "
                  f"grade, {summary.status_changed} changed status (no request was made)",
                  markup=False, highlight=False)
