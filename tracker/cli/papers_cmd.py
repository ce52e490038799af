"""`reprotrack papers`: list the stored papers with their links."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import Session

from tracker.cli.context import app_context, reports_errors
from tracker.store.models import Link, Paper
from tracker.store.papers import links_of, list_papers


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


@reports_errors
def papers_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List the stored papers and their links."""
    app = app_context(ctx)
    with Session(app.engine) as session:
        papers = list_papers(session)
        grouped = links_of(session, [p.id for p in papers if p.id is not None])
    if as_json:
        data = [paper_json(p, grouped[p.id]) for p in papers if p.id is not None]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
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
