"""`reprotrack check --json` as a GitHub job summary (Markdown), and as step outputs.

Used by the CI action (action.yml):

    python -m reports.check_summary check.json            # Markdown, for $GITHUB_STEP_SUMMARY
    python -m reports.check_summary check.json --outputs  # score=, grade=, paper=, for $GITHUB_OUTPUT
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUTCOME_MARKS = {"pass": "✅", "partial": "⚠️", "fail": "❌", "unavailable": "❔",
                 "not_applicable": "➖"}


def _cell(text: Any) -> str:
    """A table cell: one line, pipes escaped."""
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def check_markdown(check: dict[str, Any], *, fail_under: float | None = None) -> str:
    """The scorecard of one `check --json` object as GitHub-flavoured Markdown."""
    paper, card = check["paper"], check["scorecard"]
    name = paper.get("title") or (check["links"][0]["url"] if check["links"] else "the paper")
    score = card.get("score")
    shown = "no conclusive score" if score is None else f"{score:.2f}"
    grade = card.get("grade") or "withheld"
    lines = [f"## Reproducibility scorecard: {_cell(name)}", ""]
    if paper.get("arxiv_id"):
        lines += [f"arXiv [{paper['arxiv_id']}](https://arxiv.org/abs/{paper['arxiv_id']})", ""]
    verdict = ""
    if fail_under is not None:
        passed = score is not None and score >= fail_under
        verdict = f" · {'✅ at or above' if passed else '❌ below'} --fail-under {fail_under:.2f}"
    headline = (f"**Grade {grade}** · score {shown} · {card.get('status', '')} "
                f"(coverage {card.get('coverage', 1.0):.0%}) · "
                f"ML code checklist {card.get('checklist', 0)}/5{verdict}")
    lines += [headline, ""]
    if card.get("withheld"):
        lines += [f"> Grade withheld: {_cell(card['withheld'])}", ""]
    lines += ["| criterion | weight | score | | evidence | remediation |",
              "|---|---:|---:|:-:|---|---|"]
    for criterion, finding in card["criteria"].items():
        value = "-" if finding.get("score") is None else f"{finding['score']:.2f}"
        lines.append(
            f"| {criterion} | {finding.get('weight') or 0:.3g} | {value} | "
            f"{OUTCOME_MARKS.get(finding.get('outcome', ''), '')} | "
            f"{_cell('; '.join(finding.get('evidence') or []))} | "
            f"{_cell(finding.get('remediation'))} |")
    lines += ["", "| link | kind | status |", "|---|---|---|"]
    lines += [f"| {_cell(link['url'])} | {link['kind']} | {link['status']} |"
              for link in check["links"]]
    return "\n".join(lines) + "\n"


def step_outputs(check: dict[str, Any]) -> str:
    """`name=value` lines for $GITHUB_OUTPUT: score, grade (empty when withheld), paper."""
    card, paper = check["scorecard"], check["paper"]
    score = card.get("score")
    return (f"score={'' if score is None else f'{score:.4f}'}\n"
            f"grade={card.get('grade') or ''}\n"
            f"paper={'#' + str(paper['id']) if paper.get('id') is not None else ''}\n")


def main(argv: list[str]) -> int:
    """`python -m reports.check_summary CHECK_JSON [--outputs] [--fail-under SCORE]`."""
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    check = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    if "--outputs" in argv:
        sys.stdout.write(step_outputs(check))
        return 0
    fail_under = None
    if "--fail-under" in argv:
        raw = argv[argv.index("--fail-under") + 1]
        fail_under = float(raw) if raw else None
    sys.stdout.write(check_markdown(check, fail_under=fail_under))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
