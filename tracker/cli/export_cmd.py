"""`reprotrack export`: every paper's latest scorecard as CSV, JSON Lines or Parquet."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from reports.exporters import BINARY_FORMATS, EXPORTERS, require_format
from reports.output import check_output_file, output_failure, write_output_stream
from tracker.cli.context import app_context, reports_errors
from tracker.errors import InputError


@reports_errors
def export_command(
    ctx: typer.Context,
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT",
                            help="csv, jsonl or parquet (parquet needs the [parquet] extra).")
    ] = "csv",
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", metavar="FILE|DIR", show_default=False,
                     help="Write to this file, or to reprotrack-export.<format> in this folder "
                     "(default: standard output)."),
    ] = None,
) -> None:
    """Export every paper's latest scorecard as CSV, JSON Lines or Parquet.

    One row per paper, empty cells where a paper was never checked. The CSV reads back
    unchanged in pandas, duckdb and spreadsheets (arXiv ids are written arXiv:2111.10050).

    \b
    Examples:
      reprotrack export > papers.csv
      reprotrack export --format jsonl --out reprotrack-reports/
      reprotrack export --format parquet --out papers.parquet
    """
    if format not in EXPORTERS:
        raise InputError(f"unknown export format {format!r}; valid: {', '.join(EXPORTERS)}",
                         key="--format")
    require_format(format)
    path: Path | None = None
    if out is not None:
        path = Path(out)
        if path.is_dir() or out.endswith(("/", os.sep)):
            path = path / f"reprotrack-export.{format}"  # a folder: a default name inside it
        check_output_file(path)  # before the work: no directory is created silently
    elif format in BINARY_FORMATS and sys.stdout.isatty():
        raise InputError(f"{format} is binary: give --out FILE or redirect standard output",
                         key="--out")
    app = app_context(ctx)
    binary = format in BINARY_FORMATS
    # CSV and JSON Lines are read a page of papers at a time and written as they come.
    if path is None:
        try:
            stream = sys.stdout.buffer if binary else sys.stdout
            sys.stdout.flush()
            app.tracker.export_to(format, stream)
            stream.flush()
        except OSError as exc:  # `> /dev/full`, a closed pipe
            raise output_failure(exc, Path("<stdout>")) from None
    else:
        write_output_stream(path, lambda handle: app.tracker.export_to(format, handle),
                            binary=binary)
    if path is not None:
        app.err.print(f"wrote {path}", markup=False, highlight=False)
