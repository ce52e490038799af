"""`reprotrack link add|remove PAPER URL` and `reprotrack confirm PAPER URL|ARXIV_ID`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from sqlmodel import Session

from tracker.checking import check_paper
from tracker.cli.context import app_context, reports_errors
from tracker.cli.help import PlainCommand
from tracker.cli.json_output import JSON_OPTION_HELP, print_json
from tracker.discovery import DiscoverySummary
from tracker.discovery.user import (
    confidence_threshold,
    confirm,
    confirm_candidates,
    find_stored_paper,
)
from tracker.errors import InputError
from tracker.sources import build_sources
from tracker.store.models import Link

link_app = typer.Typer(
    name="link",
    help="Add or remove a paper's link by hand (later discovery never overrides it).",
    no_args_is_help=True,
)

PaperArgument = Annotated[
    str,
    typer.Argument(help="The paper: #id, arXiv id or URL, or its title.", show_default=False,
                   metavar="PAPER"),
]
UrlArgument = Annotated[str, typer.Argument(help="The link's URL.", show_default=False,
                                            metavar="URL")]
JsonOption = Annotated[bool, typer.Option("--json", help=JSON_OPTION_HELP)]


def link_json(row: Link) -> dict[str, Any]:
    """A link as the `link` object of `link add|remove --json`."""
    return {"paper_id": row.paper_id, "url": row.url, "kind": row.kind, "host": row.host,
            "provenance": row.provenance, "state": row.state}


@link_app.command("add", cls=PlainCommand)
@reports_errors
def link_add_command(ctx: typer.Context, paper: PaperArgument, url: UrlArgument,
                     as_json: JsonOption = False) -> None:
    """Add a link to a paper by hand.

    Also restores a link that was removed, or promotes a candidate.

    \b
    Example:
      reprotrack link add 2106.09685 https://huggingface.co/microsoft/lora
    """
    app = app_context(ctx)
    row = app.tracker.add_link(paper, url)
    if as_json:
        print_json(link=link_json(row))
        return
    app.out.print(f"#{row.paper_id}: {row.url} ({row.kind}) is an active link, "
                  f"from {row.provenance}", markup=False, highlight=False)


@link_app.command("remove", cls=PlainCommand)
@reports_errors
def link_remove_command(ctx: typer.Context, paper: PaperArgument, url: UrlArgument,
                        as_json: JsonOption = False) -> None:
    """Remove a link from a paper's scorecard.

    Discovery will not add it back. A URL the paper never had is an error (exit 2).

    \b
    Example:
      reprotrack link remove "#12" https://github.com/someone/reupload
    """
    app = app_context(ctx)
    row = app.tracker.remove_link(paper, url)
    if as_json:
        print_json(link=link_json(row))
        return
    app.out.print(f"#{row.paper_id}: {row.url} removed", markup=False, highlight=False)


@reports_errors
def confirm_command(
    ctx: typer.Context,
    paper: Annotated[
        str | None,
        typer.Argument(help="The paper: #id, arXiv id or URL, or its title (all papers when "
                       "omitted with --min-confidence).", show_default=False),
    ] = None,
    candidate: Annotated[
        str | None,
        typer.Argument(help="A candidate link's URL, or a candidate arXiv id for the paper.",
                       show_default=False, metavar="URL|ARXIV_ID"),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Confirm every candidate link of the paper.")
    ] = False,
    min_confidence: Annotated[
        str | None,
        typer.Option("--min-confidence", metavar="LEVEL",
                     help="Confirm the candidate links at or above this confidence: high, "
                     "medium, low or a number in [0, 1]."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check/--no-check",
                           help="Check the papers again at once, so the scorecard counts them.")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Confirm candidates (see `papers --candidates`): they are then scored.

    One at a time (`confirm PAPER URL`), a paper's all (`confirm PAPER --all`), or in bulk
    (`confirm --min-confidence high`). Confirmed papers are checked again at once, so their
    scorecards count what was confirmed (`--no-check` leaves that to the next audit).

    \b
    Examples:
      reprotrack confirm "#7" 2502.07800
      reprotrack confirm "#9" https://huggingface.co/lab/model
      reprotrack confirm "#9" --all
      reprotrack confirm --min-confidence high --json
    """
    app = app_context(ctx)
    say = (lambda line: None) if as_json else (
        lambda line: app.out.print(line, markup=False, highlight=False))
    if candidate is not None:
        if paper is None or every or min_confidence is not None:
            raise InputError("give PAPER and one CANDIDATE, or --all / --min-confidence",
                             key="confirm")
        with Session(app.engine) as session:  # before: confirming an arXiv id may rename it
            paper_id = find_stored_paper(session, paper).id
        assert paper_id is not None  # a stored paper
        say(confirm(app.engine, paper, candidate))
        confirmed = [(paper_id, candidate)]
        papers = [f"#{paper_id}"]
    else:
        if not every and min_confidence is None:
            raise InputError("nothing to confirm: give a CANDIDATE, --all or --min-confidence",
                             key="confirm")
        if every and paper is None:
            raise InputError("--all needs a PAPER (all papers: --min-confidence low)",
                             key="--all")
        threshold = confidence_threshold(min_confidence) if min_confidence else 0.0
        pairs = confirm_candidates(app.engine, paper, threshold)
        for paper_id, url in pairs:
            say(f"#{paper_id}: {url} is now an active link")
        if not pairs:
            say("no candidate to confirm")
        confirmed = list(pairs)
        papers = sorted({f"#{paper_id}" for paper_id, _ in pairs})
    rescored: list[dict[str, Any]] = []
    if check and confirmed:
        settings = app.settings
        sources = build_sources(settings)
        for reference in papers:
            result = check_paper(app.engine, sources, reference, settings.scoring.weights,
                                 last_known_days=settings.scoring.last_known_days)
            card = result.scorecard
            shown = card.grade or ("withheld" if card.status == "incomplete" else "-")
            say(f"#{result.paper.id}: rescored, grade {shown}")
            rescored.append({"paper_id": result.paper.id,
                             "score": None if card.score is None else round(card.score, 4),
                             "grade": card.grade, "status": card.status})
    if as_json:
        print_json(confirmed=[{"paper_id": paper_id, "candidate": what}
                              for paper_id, what in confirmed],
                   rescored=rescored)


def discovery_json(summary: DiscoverySummary, candidates_left: tuple[int, int]) -> dict[str, Any]:
    """What a discovery run found, as the `discovery` object of `import --resolve --json`."""
    return {
        "papers": summary.papers, "identified": summary.identified,
        "identified_by": dict(sorted(summary.identified_by.items())),
        "already_identified": summary.already_identified,
        "not_identified": summary.not_identified,
        "links_added": dict(sorted(summary.links_added.items())),
        "candidates_added": dict(sorted(summary.candidates_added.items())),
        "title_candidates": summary.title_candidates,
        "candidates_left": {"links": candidates_left[0], "arxiv_matches": candidates_left[1]},
        "lookups_sent": summary.lookups_sent, "lookups_cached": summary.lookups_cached,
        "failures": list(summary.failures),
    }


def print_discovery(out: Console, summary: DiscoverySummary, candidates_left: tuple[int, int]) -> None:
    """One paragraph: papers identified, links found per provenance, candidates left."""
    by = ", ".join(f"{name} {count}" for name, count in sorted(summary.identified_by.items()))
    found = ", ".join(f"{name} {count}" for name, count in sorted(summary.links_added.items()))
    fresh = ", ".join(f"{n} {c}" for n, c in sorted(summary.candidates_added.items()))
    lines = [
        f"discovery: {summary.papers} papers; {summary.identified} identified"
        + (f" ({by})" if by else "")
        + f", {summary.already_identified} already had an arXiv id, "
        f"{summary.not_identified} not found",
        f"  links found: {sum(summary.links_added.values())}" + (f" ({found})" if found else ""),
        f"  candidates added: {sum(summary.candidates_added.values())} links"
        + (f" ({fresh})" if fresh else "") + f", {summary.title_candidates} arXiv matches",
        f"  candidates left: {candidates_left[0]} links, {candidates_left[1]} arXiv matches "
        "(reprotrack papers --candidates)",
        f"  look-ups: {summary.lookups_sent} sent, {summary.lookups_cached} from the cache",
    ]
    lines += [f"  could not look up: {failure}" for failure in summary.failures[:10]]
    if len(summary.failures) > 10:
        lines.append(f"  ... and {len(summary.failures) - 10} more")
    for line in lines:
        out.print(line, markup=False, highlight=False)
