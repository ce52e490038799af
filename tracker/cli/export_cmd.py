"""`reprotrack export`: every paper's latest scorecard as CSV or JSON Lines."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session

from reports.exporters import EXPORTERS
from reports.output import check_output_file, output_failure, write_output
from reports.rows import export_rows
from tracker.cli.context import app_context, reports_errors
from tracker.errors import InputError


@reports_errors
def export_command(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", "-f", help="csv or jsonl.")] = "csv",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write to this file, in an existing directory "
                     "(default: stdout)."),
    ] = None,
) -> None:
    """Export one row per paper with its latest scorecard (empty cells where never checked)."""
    if format not in EXPORTERS:
        raise InputError(f"unknown export format {format!r}; valid: {', '.join(EXPORTERS)}",
                         key="--format")
    if out is not None:
        check_output_file(out)  # before the work: no directory is created silently
    app = app_context(ctx)
    with Session(app.engine) as session:
        text = EXPORTERS[format](export_rows(session))
    if out is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError as exc:  # `> /dev/full`, a closed pipe
            raise output_failure(exc, Path("<stdout>")) from None
    else:
        write_output(out, text)
        app.err.print(f"wrote {out}", markup=False, highlight=False)
