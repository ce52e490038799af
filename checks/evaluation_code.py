"""Criterion evaluation_code: does the code repository contain the evaluation code?"""

from __future__ import annotations

from checks.base import CriterionDefinition, Finding, Outcome, PaperFacts, criterion
from checks.common import repo_role_finding

DEFINITION = CriterionDefinition(
    id="evaluation_code",
    label="Eval",
    weight=0.10,
    title="Evaluation code",
    question="Does the code repository contain the code that computes the paper's reported "
             "results?",
    motivation="The paper's numbers can only be checked by running the evaluation that "
               "produced them, on the same metrics and splits.",
    how="The best code repository's file tree is classified: code files named for "
        "evaluation or benchmarking (eval.py, evaluate.sh, benchmark.py, a root or scripts/ "
        "test.py, tools/test_net.py ...) or inside an evaluation folder count; unit tests "
        "(tests/, test_*.py) and inference-only scripts (predict.py, demo.py) do not. When "
        "GitHub listed only two levels of the tree, a fail says so.",
    outcomes={
        Outcome.PASS: "evaluation code is in the repository",
        Outcome.FAIL: "none found, or no reachable code repository",
        Outcome.UNAVAILABLE: "the code repository could not be checked, or its file list "
                             "was not recorded",
    },
    remediation="Add the evaluation scripts that produce the paper's tables.",
    checklist_item="evaluation_code",
)


@criterion(DEFINITION)
def check_evaluation_code(paper: PaperFacts) -> Finding:
    """Look for evaluation code in the best code repository."""
    return repo_role_finding(DEFINITION, paper, "evaluation_code", "evaluation code",
                             DEFINITION.remediation)
