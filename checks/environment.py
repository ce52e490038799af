"""Criterion environment: does the code repository specify its software environment?"""

from __future__ import annotations

from checks.base import CriterionDefinition, Finding, Outcome, PaperFacts, criterion
from checks.common import repo_role_finding

DEFINITION = CriterionDefinition(
    id="environment",
    label="Env",
    weight=0.10,
    title="Environment specified",
    question="Does the code repository say which software, at which versions, the code needs?",
    motivation="Code run against other library versions often fails or gives other numbers; "
               "a dependency specification is the first item of the ML Code Completeness "
               "Checklist.",
    how="The best code repository's file tree is classified: requirements*.txt, "
        "environment*.yml, pyproject.toml, setup.py/setup.cfg, Pipfile, lock files, "
        "Dockerfiles, Singularity recipes (and package.json, CMakeLists.txt ... in projects "
        "written in that ecosystem) are dependency specifications. Files in vendored "
        "third-party folders do not count. When GitHub listed only two levels of the tree, "
        "a fail says so.",
    outcomes={
        Outcome.PASS: "a dependency specification is in the repository",
        Outcome.FAIL: "none found, or no reachable code repository",
        Outcome.UNAVAILABLE: "the code repository could not be checked, or its file list "
                             "was not recorded",
    },
    remediation="Add a requirements.txt, environment.yml or pyproject.toml with pinned versions.",
    checklist_item="dependencies",
)


@criterion(DEFINITION)
def check_environment(paper: PaperFacts) -> Finding:
    """Look for a dependency specification in the best code repository."""
    return repo_role_finding(DEFINITION, paper, "dependency_specs", "dependency specification",
                             DEFINITION.remediation)
