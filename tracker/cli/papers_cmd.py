"""`reprotrack papers`: list the stored papers with their links."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Annotated, Any, TextIO

import typer
from rich.table import Table
from sqlmodel import Session

from tracker.cli.context import AppContext, app_context, reports_errors
from tracker.cli.json_output import JSON_OPTION_HELP, JSON_SCHEMA_VERSION, print_json
from tracker.discovery.user import PaperCandidates, list_candidates
from tracker.store.models import Link, Paper
from tracker.store.papers import iter_papers


def paper_json(paper: Paper, links: list[Link]) -> dict[str, Any]:
    """The JSON shape of a paper in `papers --json`."""
    return {
        "id": paper.id,
        "title": paper.title,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "links": [
            {
                "url": link.url,
                "host": link.host,
                "kind": link.kind,
                "target": link.target,
                "provenance": link.provenance,
            }
            for link in links
        ],
    }


def write_json_document(key: str, items: Iterable[Any], out: TextIO) -> None:
    """Write `{"schema_version": N, key: [items]}` as `print_json` would (indent 2), one item
    at a time, so a list of any length is never held whole."""
    out.write(f'{{\n  "schema_version": {JSON_SCHEMA_VERSION},\n  {json.dumps(key)}: ')
    first = True
    for item in items:
        out.write("[\n" if first else ",\n")
        out.write("\n".join("    " + line for line in
                            json.dumps(item, indent=2, ensure_ascii=False,
                                       default=str).split("\n")))
        first = False
    out.write("[]\n}\n" if first else "\n  ]\n}\n")


@reports_errors
def papers_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_OPTION_HELP)] = False,
    candidates: Annotated[
        bool,
        typer.Option("--candidates", help="List what discovery found but a user must confirm "
                     "(`reprotrack confirm PAPER URL|ARXIV_ID`)."),
    ] = False,
) -> None:
    """List the tracked papers and their links.

    \b
    Examples:
      reprotrack papers
      reprotrack papers --candidates
      reprotrack papers --json | jq '.papers[].title'
    """
    app = app_context(ctx)
    if candidates:
        _print_candidates(app, as_json)
        return
    if as_json:  # a page of papers at a time (bounded memory)
        with Session(app.engine) as session:
            items = (paper_json(paper, links) for page in iter_papers(session)
                     for paper, links in page if paper.id is not None)
            write_json_document("papers", items, sys.stdout)
        return
    listed = app.tracker.papers()
    papers = [paper for paper, _ in listed]
    grouped = {paper.id: links for paper, links in listed}
    table = Table(title=f"{len(papers)} papers", show_lines=False)
    table.add_column("id", justify="right")
    table.add_column("title", overflow="fold")
    table.add_column("arXiv")
    table.add_column("links", overflow="fold")
    for paper in papers:
        links = grouped[paper.id] if paper.id is not None else []
        table.add_row(
            str(paper.id),
            paper.title or "",
            paper.arxiv_id or "",
            "\n".join(f"{link.kind}: {link.url}" for link in links),
        )
    app.out.print(table)


def candidates_json(entry: PaperCandidates) -> dict[str, Any]:
    """The JSON shape of a paper in `papers --candidates --json`."""
    paper = entry.paper
    return {
        "id": paper.id,
        "title": paper.title,
        "arxiv_id": paper.arxiv_id,
        "links": [
            {"url": link.url, "kind": link.kind, "provenance": link.provenance,
             "confidence": link.confidence}
            for link in entry.links
        ],
        "arxiv_matches": [
            {"arxiv_id": m.arxiv_id, "title": m.title, "confidence": m.confidence,
             "provenance": m.provenance}
            for m in entry.matches
        ],
    }


def _print_candidates(app: AppContext, as_json: bool) -> None:
    with Session(app.engine) as session:
        listed = list_candidates(session)
    if as_json:
        print_json(candidates=[candidates_json(e) for e in listed])
        return
    table = Table(title=f"{len(listed)} papers with candidates to confirm")
    for column in ("paper", "title", "candidate", "from", "confidence"):
        table.add_column(column, overflow="fold")
    for entry in listed:
        rows = [(f"arXiv {m.arxiv_id}: {m.title}", m.provenance, m.confidence)
                for m in entry.matches]
        rows += [(f"{link.kind}: {link.url}", link.provenance, link.confidence)
                 for link in entry.links]
        for index, (what, provenance, confidence) in enumerate(rows):
            table.add_row(f"#{entry.paper.id}" if index == 0 else "",
                          (entry.paper.title or "") if index == 0 else "",
                          what, provenance, f"{confidence:.2f}")
    app.out.print(table)
