"""`reprotrack check TARGET`: check one paper now and print its scorecard."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tracker.checking import PaperCheck, check_json
from tracker.cli.context import app_context, reports_errors
from tracker.cli.json_output import JSON_OPTION_HELP, print_json
from tracker.errors import ServiceUnreachable
from tracker.sources.rejections import configuration_failure

_OUTCOME_STYLE = {
    "pass": "green",
    "partial": "yellow",
    "fail": "red",
    "unavailable": "magenta",
    "not_applicable": "dim",
}


@reports_errors
def check_command(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            help="An arXiv id or URL, a Hugging Face paper URL, a GitHub / Hugging Face / OSF "
            "URL, a tracked paper's #id, or its title.",
            show_default=False,
            metavar="TARGET",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_OPTION_HELP)] = False,
    fail_under: Annotated[
        float | None,
        typer.Option("--fail-under", help="Exit 1 when the score is below this (0-1).",
                     min=0.0, max=1.0, metavar="SCORE", show_default=False),
    ] = None,
    track: Annotated[
        bool,
        typer.Option("--track", help="Add the paper to the tracked papers if it is not tracked "
                     "yet (without it, an untracked paper is checked and forgotten)."),
    ] = False,
) -> None:
    """Check one paper now and print its scorecard.

    Observes every link of the paper through its service and prints the criteria (score,
    evidence, remediation), the links with their status and the facts that matter.

    \b
    Examples:
      reprotrack check 2106.09685
      reprotrack check https://github.com/microsoft/LoRA --json
      reprotrack check "#12" --fail-under 0.7
      reprotrack check https://github.com/lab/new-method --track
    """
    app = app_context(ctx)
    with app.err.status("checking links ...") if not as_json and app.err.is_terminal else nullcontext():
        result = app.tracker.check(target, track=track)
    if not result.tracked:
        app.err.print("not tracked: checked without adding it to the tracked papers "
                      "(--track adds it)", markup=False, highlight=False)
    if as_json:
        print_json(**check_json(result))
    else:
        print_check(app.out, result)
    if result.unreachable:
        rejected = configuration_failure(o.reason for o in result.observed.values())
        raise rejected or ServiceUnreachable(
            "no service could be reached: every link check failed")
    score = result.scorecard.score
    if fail_under is not None and (score is None or score < fail_under):
        shown = "no conclusive score" if score is None else f"score {score:.2f}"
        app.err.print(f"{shown} is below --fail-under {fail_under:.2f}", markup=False)
        raise typer.Exit(code=1)


def print_check(out: Console, result: PaperCheck) -> None:
    """The scorecard as rich tables: criteria first, then links, then the facts that matter."""
    card = check_json(result)["scorecard"]
    paper = result.paper
    name = paper.title or (result.links[0].url if result.links else f"paper #{paper.id}")
    score = "no conclusive score" if card["score"] is None else f"{card['score']:.2f}"
    out.print(f"[bold]{name}[/bold]" + (f"  (arXiv {paper.arxiv_id})" if paper.arxiv_id else ""))
    grade = card["grade"] or ("withheld" if card.get("status") == "incomplete" else "-")
    out.print(
        f"score {score}  grade {grade}  {card.get('status', '')} "
        f"(coverage {card.get('coverage', 1.0):.0%})  "
        f"ML code checklist {card['checklist']}/5"
        + ("  [red]promise unfulfilled[/red]" if card.get("promise_unfulfilled") else ""),
        highlight=False,
    )
    if card.get("withheld"):
        out.print(f"grade withheld: {card['withheld']}", markup=False, highlight=False)
    for line in card.get("not_checked") or []:
        out.print(f"not checked: {line}", markup=False, highlight=False)
    for line in card.get("last_known") or []:
        out.print(f"last known: {line}", markup=False, highlight=False)
    criteria = Table(title="criteria", show_lines=False, expand=False)
    for column in ("criterion", "weight", "score", "outcome", "evidence", "remediation"):
        criteria.add_column(column, overflow="fold")
    for name_, finding in card["criteria"].items():
        outcome = finding.get("outcome", "")
        criteria.add_row(
            name_,
            f"{finding['weight']:.3g}",
            "-" if finding["score"] is None else f"{finding['score']:.2f}",
            f"[{_OUTCOME_STYLE.get(outcome, '')}]{outcome}[/]",
            "; ".join(finding.get("evidence") or []),
            finding.get("remediation") or "",
        )
    out.print(criteria)
    links = Table(title="links", show_lines=False)
    for column in ("url", "kind", "from", "status"):
        links.add_column(column, overflow="fold")
    for link in result.links:
        observation = result.latest.get(link.id) if link.id else None
        links.add_row(link.url, link.kind, link.provenance,
                      str(observation.status) if observation else "unchecked")
    out.print(links)
    facts = _facts_that_matter(result)
    if facts:
        table = Table(title="facts (reported, not scored)", show_header=False)
        table.add_column("fact")
        table.add_column("value", overflow="fold")
        for key, value in facts.items():
            table.add_row(key, str(value))
        out.print(table)


def _facts_that_matter(result: PaperCheck) -> dict[str, Any]:
    card = result.scorecard
    facts: dict[str, Any] = {}
    best = next((l for l in result.links if l.url == card.best_code_url), None)
    observation = result.latest.get(best.id) if best and best.id else None
    if observation:
        f = observation.facts
        facts["code repository"] = best.url if best else ""
        facts["license"] = f.get("license_spdx") or "none detected"
        facts["releases"] = len(f.get("releases") or [])
        facts["last commit"] = f.get("last_commit_at") or f.get("pushed_at") or ""
    for label, value in (("stars", card.stars), ("forks", card.forks),
                         ("downloads", card.downloads), ("likes", card.likes)):
        if value is not None:
            facts[label] = value
    return facts


