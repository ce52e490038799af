"""Criterion documentation: does the README tell how to install, how to run, what results?"""

from __future__ import annotations

from checks.base import CriterionDefinition, Finding, Outcome, PaperFacts, criterion
from checks.common import (
    best_code_repo,
    choice_evidence,
    make_finding,
    readme_analysis,
    unreachable_code_finding,
)

# The three things a README must tell, as (fact key, what it means) pairs.
README_PARTS: tuple[tuple[str, str], ...] = (
    ("has_install", "installation instructions"),
    ("has_usage", "how to run"),
    ("has_results_table", "a results table"),
)

DEFINITION = CriterionDefinition(
    id="documentation",
    label="Docs",
    weight=0.05,
    title="README documents install, usage and results",
    question="Does the code repository's README tell how to install the code, how to run it, "
             "and which results it should give?",
    motivation="A reader who cannot install or run the code cannot reproduce anything; a "
               "results table says what a successful run looks like. A README with results "
               "is the fifth item of the ML Code Completeness Checklist.",
    how="The best code repository's README (as analysed when it was observed) is read for "
        "three things: installation instructions (an install heading or a pip/conda/docker "
        "command), usage (a usage heading or a run command such as python train.py) and a "
        "results table (a table of numbers under a results heading or with a metric "
        "column). All three pass; one or two are partial, scored by the share present.",
    outcomes={
        Outcome.PASS: "install, usage and a results table are all there",
        Outcome.PARTIAL: "one or two of the three (score 1/3 or 2/3)",
        Outcome.FAIL: "none of the three, no README, or no reachable code repository",
        Outcome.UNAVAILABLE: "the code repository could not be checked",
    },
    remediation="Document installation, the commands that reproduce the results, and a "
                "table of the expected results in the README.",
    checklist_item="results_readme",
)


@criterion(DEFINITION)
def check_documentation(paper: PaperFacts) -> Finding:
    """Count the README's install, usage and results-table parts."""
    early = unreachable_code_finding(DEFINITION, paper, DEFINITION.remediation)
    if early is not None:
        return early
    repo = best_code_repo(paper)
    assert repo is not None
    chosen = choice_evidence(paper, repo)
    readme = readme_analysis(repo)
    if not readme:
        return make_finding(DEFINITION, Outcome.FAIL, 0.0, [f"{repo.url}: no README", *chosen],
                            "Add a README with installation, usage and expected results.",
                            subject=repo.url)
    present = [label for key, label in README_PARTS if readme.get(key)]
    missing = [label for key, label in README_PARTS if not readme.get(key)]
    path = readme.get("path") or "README"
    evidence = [f"{repo.url}: {path} has {', '.join(present)}"] if present else []
    if missing:
        evidence.append(f"{repo.url}: {path} lacks {', '.join(missing)}")
    evidence.extend(chosen)
    share = len(present) / len(README_PARTS)
    if share == 1.0:
        return make_finding(DEFINITION, Outcome.PASS, 1.0, evidence, subject=repo.url)
    remediation = f"Add to the README: {', '.join(missing)}."
    outcome = Outcome.PARTIAL if present else Outcome.FAIL
    return make_finding(DEFINITION, outcome, share, evidence, remediation,
                        subject=repo.url)
