"""Render docs/scorecard.md from the criteria's definitions, so the page cannot drift from the code.

Regenerate with ``python -m checks.docs`` (writes docs/scorecard.md); a test compares the
committed page with :func:`render_scorecard_docs`.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Mapping
from pathlib import Path

from checks.base import CHECKLIST_ITEMS, CRITERIA, CriterionDefinition, Outcome
from tracker.scoring import (
    DEFAULT_WEIGHTS,
    GRADE_BANDS,
    LOWEST_GRADE,
    MIN_GRADED_COVERAGE,
    WEIGHTS_KEY,
)

DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "scorecard.md"

CHECKLIST_LABELS: dict[str, str] = {
    "dependencies": "Specification of dependencies",
    "training_code": "Training code",
    "evaluation_code": "Evaluation code",
    "pretrained_models": "Pre-trained models",
    "results_readme": "README file with results",
}


def _weight(value: float) -> str:
    return f"{value:g}"


def _intro() -> list[str]:
    return [
        "# The reproducibility scorecard",
        "",
        "<!-- Generated from the criteria's definitions by `python -m checks.docs`; "
        "do not edit by hand. -->",
        "",
        "Each paper is judged by the criteria below. A criterion reads the latest facts of "
        "all the paper's links (no network, no clock) and returns a finding: an outcome "
        "(`pass`, `partial`, `fail`, `not_applicable`, `unavailable`), a score in [0, 1], "
        "the evidence that decided it (which link, file, release or fact) and a one-line "
        "remediation. When a paper links several code repositories, the code criteria judge "
        "the best one (reachable first, then the most complete file inventory, then stars) "
        "and name it.",
        "",
    ]


def _scoring(weights: Mapping[str, float]) -> list[str]:
    lines = [
        "## How the score is computed",
        "",
        "The score is the weighted mean of the criteria's scores over the *conclusive* "
        "criteria: `sum(weight * score) / sum(weight)` over the criteria whose outcome is "
        "neither `unavailable` nor `not_applicable`. An `unavailable` finding (after a rate "
        "limit or a service error) leaves the denominator and is listed as *inconclusive*; "
        "it is never scored zero. When no criterion is conclusive, the score and the grade "
        "are empty, never 0.",
        "",
        "A paper that links nothing at all is conclusive: every release criterion fails, "
        "`link_health` is not applicable, and the paper scores 0 (grade F).",
        "",
        "### Complete evidence, coverage and withheld grades",
        "",
        "Missing information never changes a grade: it withholds it. A criterion may fail "
        "only on complete evidence: a file list that is not whole (GitHub truncated it and "
        "the walk by subtrees could not finish, a listing cap, a tree that could not be read) "
        "makes a criterion `unavailable` unless what it looks for was seen. A link whose "
        "latest look was inconclusive (rate limited, error) is judged on its last conclusive "
        "observation when that is recent enough (`[scoring] last_known_days`), and the "
        "evidence says so with its date.",
        "",
        "Each scorecard carries its **coverage**, the share of the rubric's weight whose "
        "criteria concluded, the **range** its score could still take (every unavailable "
        "criterion scored 0, or 1), and a **status**:",
        "",
        "| status | grade | when |",
        "|---|---|---|",
        "| `complete` | given | every criterion concluded |",
        f"| `provisional` | given | some criteria are unavailable, but `code_available` and "
        f"`license` concluded, coverage is at least {MIN_GRADED_COVERAGE:.0%}, and the lowest "
        "and highest possible scores fall in the same grade band: what is missing cannot "
        "change the grade |",
        "| `incomplete` | withheld | otherwise; the scorecard says why and what to do "
        "(\"GitHub rate limited: set GITHUB_TOKEN\") |",
        "",
        f"The {MIN_GRADED_COVERAGE:.0%} floor keeps a grade from resting on a corner of the "
        "rubric even when the bands happen to agree; the same-band rule is what makes a "
        "provisional grade equal to the grade the complete evidence would give.",
        "",
        "| grade | score |",
        "|---|---|",
    ]
    lines += [f"| {grade} | >= {lowest:.2f} |" for grade, lowest in GRADE_BANDS]
    lines += [f"| {LOWEST_GRADE} | below {GRADE_BANDS[-1][1]:.2f} |", ""]
    lines += [
        "Stars, forks, downloads, likes and the last commit date are reported next to the "
        "score but never scored: popularity is not reproducibility.",
        "",
        "A paper whose abstract promises code (\"will be released\", \"coming soon\") while "
        "no code link exists, or the best code repository is missing, private, blocked, "
        "empty or a placeholder, is flagged `promise_unfulfilled`. The flag is not scored.",
        "",
        "## The ML Code Completeness Checklist",
        "",
        "The first five items of the ML Code Completeness Checklist are criteria of this "
        "rubric; the scorecard's `checklist` is the number of them that passed (0-5).",
        "",
        "| checklist item | criterion |",
        "|---|---|",
    ]
    by_item = {d.checklist_item: d.id for d in _definitions() if d.checklist_item}
    lines += [f"| {CHECKLIST_LABELS[item]} | `{by_item.get(item, '-')}` |"
              for item in CHECKLIST_ITEMS]
    lines += [
        "",
        "## Changing the weights",
        "",
        f"Weights live in the configuration file's `[{WEIGHTS_KEY}]` table; each criterion's "
        "default weight is part of its definition. Each weight must be a number >= 0 (0 "
        "leaves a criterion out of the score). A table that names every criterion must sum "
        "to 1; a table written before a criterion existed gets that criterion's default and "
        "is rescaled to sum to 1, so old configurations keep loading. Otherwise the tool "
        "stops with a configuration error naming the offending key or the sum. After a "
        "change, `reprotrack rescore` re-judges the stored observations without a request. "
        "The defaults:",
        "",
        "```toml",
        f"[{WEIGHTS_KEY}]",
    ]
    lines += [f"{criterion_id} = {_weight(weight)}" for criterion_id, weight in weights.items()]
    lines += ["```", ""]
    return lines


def _summary(weights: Mapping[str, float]) -> list[str]:
    lines = ["## Criteria", "", "| criterion | weight | checklist item | question |",
             "|---|---|---|---|"]
    for definition in _definitions():
        item = CHECKLIST_LABELS[definition.checklist_item] if definition.checklist_item else ""
        lines.append(f"| [`{definition.id}`](#{definition.id}) | "
                     f"{_weight(weights[definition.id])} | {item} | {definition.question} |")
    return [*lines, ""]


def _criterion_section(definition: CriterionDefinition, weight: float) -> list[str]:
    item = CHECKLIST_LABELS[definition.checklist_item] if definition.checklist_item else "none"
    lines = [
        f'<a id="{definition.id}"></a>',
        f"### `{definition.id}`: {definition.title}",
        "",
        f"**Question.** {definition.question}",
        "",
        f"**Why it matters.** {definition.motivation}",
        "",
        f"**How it is decided.** {definition.how}",
        "",
        "**Outcomes.**",
        "",
    ]
    lines += [f"- `{outcome}`: {meaning}" for outcome, meaning in definition.outcomes.items()]
    lines += [
        "",
        f"**Remediation.** {definition.remediation}",
        "",
        f"**Weight** {_weight(weight)}; **checklist item:** {item}.",
        "",
    ]
    return lines


def _definitions() -> list[CriterionDefinition]:
    return [registered.definition for registered in CRITERIA.values()]


def render_scorecard_docs(weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> str:
    """The Markdown of docs/scorecard.md, generated from the registered definitions."""
    lines = [*_intro(), *_scoring(weights), *_summary(weights)]
    for definition in _definitions():
        lines += _criterion_section(definition, weights[definition.id])
    lines += _release_contents()
    return "\n".join(lines).rstrip("\n") + "\n"


def _docstring(module: object) -> list[str]:
    """A module's docstring, its first line as a lead, as Markdown lines."""
    text = inspect.cleandoc(getattr(module, "__doc__", "") or "")
    return [*text.replace("``", "`").splitlines(), ""]


def _release_contents() -> list[str]:
    """Where weights and data are found, whose they are, promises and per-artefact licenses."""
    from checks import artefact_licenses
    from checks.classify import artefact_links, attribution, identity, promises_in_readme
    from tracker.discovery import rules as discovery_rules

    lines = ["## Release contents: where weights and data are found", "",
             "Weights and data count wherever the paper released them. READMEs, Hub model and "
             "dataset cards and project pages are read with their context, each link judged by the rules below; "
             "high-confidence artefacts count at once, medium ones are listed as unconfirmed "
             "candidates (`reprotrack confirm`), third-party inputs never count.", ""]
    for title, module in (("Reading links in context", artefact_links),
                          ("What a link is, and whose", attribution),
                          ("Links found by discovery: which count at once", discovery_rules),
                          ("Promises and placeholders", promises_in_readme),
                          ("Each artefact's license", artefact_licenses),
                          ("Is the cited repository the paper's?", identity)):
        lines += [f"### {title}", "", *_docstring(module)]
    return lines


def missing_definition_parts(definition: CriterionDefinition) -> list[str]:
    """The parts of a definition left empty (a complete one returns [])."""
    missing = [name for name in ("id", "title", "question", "motivation", "how", "remediation")
               if not str(getattr(definition, name)).strip()]
    for outcome in (Outcome.PASS, Outcome.FAIL):
        if not definition.outcomes.get(outcome, "").strip():
            missing.append(f"outcomes[{outcome}]")
    return missing


if __name__ == "__main__":
    DOCS_PATH.write_text(render_scorecard_docs(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOCS_PATH}\n")
