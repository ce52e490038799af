"""`reprotrack import FILE`: add papers and their links from a file."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from tracker.cli.context import AppContext, app_context, is_terminal, reports_errors
from tracker.cli.discovery_cmd import discovery_json, print_discovery
from tracker.cli.json_output import JSON_OPTION_HELP, print_json
from tracker.discovery import DiscoverySummary
from tracker.importing import ImportSummary, InvalidRecords
from tracker.ingest import FORMATS
from tracker.ingest.problems import problem_lines


@reports_errors
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The file of papers to import.", show_default=False,
                                         metavar="FILE")],
    format: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT",
                     help="auto (detect it), " + ", ".join(FORMATS) + "."),
    ] = "auto",
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the good records of a partly bad file."),
    ] = False,
    resolve: Annotated[
        bool,
        typer.Option("--resolve", help="Then look the papers up in paper indexes to discover "
                     "the code, weights and data their text does not link."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_OPTION_HELP)] = False,
) -> None:
    """Import papers and their links from a file.

    Reads a Daily Papers text, BibTeX, CSV, JSON Lines, a list of arXiv ids or DOIs, or a
    list of URLs (repositories, Hub entries, OSF nodes), detecting the format. Importing the
    same file again adds nothing.

    \b
    Examples:
      reprotrack import examples/daily-papers.txt
      reprotrack import accepted.bib --resolve
      reprotrack import repos.txt --format urls --skip-invalid
      reprotrack import accepted.bib --resolve --json
    """
    app = app_context(ctx)
    try:
        if is_terminal(app.err):
            with Progress(
                TextColumn("importing"), BarColumn(), MofNCompleteColumn(),
                console=app.err, transient=True,
            ) as bar:
                task = bar.add_task("import", total=None)
                summary = app.tracker.import_papers(
                    file, format, skip_invalid=skip_invalid,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                ).summary
        else:
            summary = app.tracker.import_papers(file, format, skip_invalid=skip_invalid).summary
    except InvalidRecords as exc:
        for line in problem_lines(exc.path, exc.invalid):
            app.err.print(line, markup=False, highlight=False)
        raise
    if not as_json:
        _print_summary(app.out, summary)
    found = _resolve(app, summary, show=not as_json) if resolve else None
    if as_json:
        print_json(**import_json(summary),
                   discovery=discovery_json(*found) if found is not None else None)


def import_json(summary: ImportSummary) -> dict[str, Any]:
    """The `import --json` keys of an import (`discovery` is added by the command)."""
    return {
        "file": str(summary.path), "format": summary.format,
        "papers_read": summary.papers_read, "papers_added": summary.papers_added,
        "papers_updated": summary.papers_updated, "papers_unchanged": summary.papers_unchanged,
        "links_added": summary.links_added,
        "skipped": [{"line": record.line, "reason": record.reason}
                    for record in summary.skipped],
        "paper_ids": list(dict.fromkeys(summary.paper_ids)),
    }


def _resolve(
    app: AppContext, summary: ImportSummary, *, show: bool
) -> tuple[DiscoverySummary, tuple[int, int]]:
    """Run discovery over the imported papers; print what it found when `show`."""
    paper_ids = list(dict.fromkeys(summary.paper_ids))
    status = app.err.status(f"resolving {len(paper_ids)} papers ...")
    with status if is_terminal(app.err) else nullcontext():
        found, left = app.tracker.resolve(paper_ids)
    if show:
        print_discovery(app.out, found, left)
    return found, left


def _print_summary(out, summary: ImportSummary) -> None:  # type: ignore[no-untyped-def]
    out.print(
        f"{summary.path} ({summary.format}): {summary.papers_read} papers read; "
        f"{summary.papers_added} added, {summary.papers_updated} merged, "
        f"{summary.papers_unchanged} unchanged; {summary.links_added} links added; "
        f"{len(summary.skipped)} skipped",
        markup=False,
        highlight=False,
    )
    for line in problem_lines(summary.path, summary.skipped):
        out.print(f"  skipped {line}", markup=False, highlight=False)
