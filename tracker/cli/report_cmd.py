"""`reprotrack report`: the report of an audit (what changed, every scorecard) as files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reports.output import check_output_directory
from tracker.cli.context import app_context, reports_errors
from tracker.cli.json_output import JSON_OPTION_HELP, print_json

DEFAULT_FORMATS = ["md", "html"]


@reports_errors
def report_command(
    ctx: typer.Context,
    format: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", metavar="FORMAT", show_default=False,
                     help="md or html; repeat for both (default: both)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="DIR", show_default=False,
                     help="Folder to write to (default: the config's [reports] dir, "
                     "./reprotrack-reports)."),
    ] = None,
    audit: Annotated[
        int | None,
        typer.Option("--audit", metavar="ID", show_default=False,
                     help="Audit id (default: the latest completed audit)."),
    ] = None,
    allow_degraded: Annotated[
        bool,
        typer.Option("--allow-degraded",
                     help="Let a degraded audit's report replace latest.md / latest.html."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_OPTION_HELP)] = False,
) -> None:
    """Write the report of an audit as Markdown and HTML.

    Writes a dated file per format plus a `latest` copy, in ./reprotrack-reports unless
    --out or the config's [reports] dir says otherwise.

    \b
    Examples:
      reprotrack report
      reprotrack report --format html --out site/ --audit 3
      reprotrack report --json

    A degraded audit's report is written to its dated file only, unless --allow-degraded.
    """
    if out is not None:
        check_output_directory(out)
    app = app_context(ctx)
    written = app.tracker.report(format or DEFAULT_FORMATS, out, audit_id=audit,
                                 allow_degraded=allow_degraded)
    if as_json:
        print_json(files=[str(path) for path in written.paths])
        return
    for path in written.paths:
        app.out.print(str(path), markup=False, highlight=False)
