"""`reprotrack export`: every paper's latest scorecard as CSV or JSON Lines."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session

from reports.exporters import WRITERS
from reports.output import check_output_file, output_failure, write_output_stream
from reports.rows import iter_export_rows
from tracker.cli.context import app_context, reports_errors
from tracker.errors import InputError


@reports_errors
def export_command(
    ctx: typer.Context,
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="csv or jsonl.")
    ] = "csv",
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", metavar="FILE|DIR", show_default=False,
                     help="Write to this file, or to reprotrack-export.<format> in this folder "
                     "(default: standard output)."),
    ] = None,
) -> None:
    """Export every paper's latest scorecard as CSV or JSON Lines.

    One row per paper, empty cells where a paper was never checked.

    \b
    Examples:
      reprotrack export > papers.csv
      reprotrack export --format jsonl --out reprotrack-reports/
    """
    if format not in WRITERS:
        raise InputError(f"unknown export format {format!r}; valid: {', '.join(WRITERS)}",
                         key="--format")
    path: Path | None = None
    if out is not None:
        path = Path(out)
        if path.is_dir() or out.endswith(("/", os.sep)):
            path = path / f"reprotrack-export.{format}"  # a folder: a default name inside it
        check_output_file(path)  # before the work: no directory is created silently
    app = app_context(ctx)
    write = WRITERS[format]
    # Rows are read a page of papers at a time and written as they come (bounded memory).
    with Session(app.engine) as session:
        if path is None:
            try:
                write(iter_export_rows(session), sys.stdout)
                sys.stdout.flush()
            except OSError as exc:  # `> /dev/full`, a closed pipe
                raise output_failure(exc, Path("<stdout>")) from None
        else:
            write_output_stream(path, lambda out: write(iter_export_rows(session), out))
    if path is not None:
        app.err.print(f"wrote {path}", markup=False, highlight=False)
