"""`reprotrack badge TARGET`: a tracked paper's grade as a shields.io endpoint JSON and an SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.context import app_context, reports_errors


@reports_errors
def badge_command(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(help="A tracked paper: #id, arXiv id or URL, one of its links, or its "
                       "title.", show_default=False, metavar="TARGET"),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="DIR", show_default=False,
                     help="Folder to write to (default: badges/ in the config's [reports] dir, "
                     "./reprotrack-reports)."),
    ] = None,
) -> None:
    """Write a paper's grade as a badge for its README.

    Writes `paper-<id>.json`, a shields.io endpoint document (serve it and point
    https://img.shields.io/endpoint?url=... at it), and `paper-<id>.svg`, a static badge to
    commit next to the README. The grade is the paper's latest scorecard (run `check` or
    `audit` first); a withheld or missing grade gives a grey badge.

    \b
    Examples:
      reprotrack badge 2106.09685
      reprotrack badge "#12" --out docs/badges
    """
    app = app_context(ctx)
    written = app.tracker.badge(target, out)
    for path in written:
        app.out.print(str(path), markup=False, highlight=False)
