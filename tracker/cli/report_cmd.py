"""`reprotrack report`: the report of an audit (what changed, every scorecard) as files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reports.output import check_output_directory
from reports.publish import write_report
from tracker.cli.context import app_context, reports_errors

DEFAULT_FORMATS = ["md", "html"]


@reports_errors
def report_command(
    ctx: typer.Context,
    format: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help="md or html; repeat for both (default: both)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Directory to write to (default: [reports] dir)."),
    ] = None,
    audit: Annotated[
        int | None,
        typer.Option("--audit", help="Audit id (default: the latest completed audit)."),
    ] = None,
    allow_degraded: Annotated[
        bool,
        typer.Option("--allow-degraded",
                     help="Let a degraded audit's report replace latest.md / latest.html."),
    ] = False,
) -> None:
    """Write the report of an audit: a dated file per format plus a `latest` copy."""
    if out is not None:
        check_output_directory(out)
    app = app_context(ctx)
    paths = write_report(app.engine, app.settings, audit, format or DEFAULT_FORMATS, out,
                         allow_degraded=allow_degraded)
    for path in paths:
        app.out.print(str(path), markup=False, highlight=False)
