"""Criterion training_code: does the code repository contain the code that trains the model?"""

from __future__ import annotations

from checks.base import CriterionDefinition, Finding, Outcome, PaperFacts, criterion
from checks.common import repo_role_finding

DEFINITION = CriterionDefinition(
    id="training_code",
    label="Train",
    weight=0.10,
    title="Training code",
    question="Does the code repository contain the code that trains the paper's models?",
    motivation="Released weights let others use a model; only the training code lets them "
               "check how it was obtained, or retrain it on other data.",
    how="The best code repository's file tree is classified: code files named for training "
        "(train.py, run_pretraining.py, finetune.sh, tools/train_net.py ...) or inside a "
        "training folder count; configuration files alone, data-preparation scripts "
        "(train_test_split.py) and unit tests do not. When GitHub listed only two levels of "
        "the tree, a fail says so.",
    outcomes={
        Outcome.PASS: "training code is in the repository",
        Outcome.FAIL: "none found, or no reachable code repository",
        Outcome.UNAVAILABLE: "the code repository could not be checked, or its file list "
                             "was not recorded",
    },
    remediation="Add the training scripts with the configurations used for the paper.",
    checklist_item="training_code",
)


@criterion(DEFINITION)
def check_training_code(paper: PaperFacts) -> Finding:
    """Look for training code in the best code repository."""
    return repo_role_finding(DEFINITION, paper, "training_code", "training code",
                             DEFINITION.remediation)
