"""Criterion code_available: is the code in a reachable, public, non-placeholder repository?"""

from __future__ import annotations

from checks.base import CriterionDefinition, Finding, Outcome, PaperFacts, criterion
from checks.common import (
    best_code_repo,
    choice_evidence,
    describe_status,
    inventory,
    make_finding,
    placeholder_reason,
    unreachable_code_finding,
)

PLACEHOLDER_SCORE = 0.25

DEFINITION = CriterionDefinition(
    id="code_available",
    title="Code is available",
    question="Is the paper's code in a public repository that a reader can reach, and is it "
             "more than a placeholder?",
    motivation="Without the code nothing else can be reproduced. A repository that only says "
               "\"code coming soon\" promises a release without making one.",
    how="The paper's GitHub repositories are ranked (reachable first, then the most complete "
        "file inventory, then stars) and the best one is judged. It passes when it is "
        "reachable and public, has commits, and its file tree holds substantive code, weights "
        "or data (not only a README, a licence or a project page). An archived repository "
        "with real content passes: archived is read-only, not gone. When the tree was listed "
        "only two levels deep, the README's placeholder wording is also required before "
        "calling it a placeholder.",
    outcomes={
        Outcome.PASS: "a reachable public repository with real content",
        Outcome.PARTIAL: f"the repository exists but is empty or a placeholder "
                         f"(score {PLACEHOLDER_SCORE})",
        Outcome.FAIL: "no code repository is linked, or none is reachable "
                      "(missing, private, blocked)",
        Outcome.UNAVAILABLE: "the only code repositories could not be checked "
                             "(rate limited, error, not yet checked)",
    },
    remediation="Publish the code in a public repository and link it from the paper.",
)


@criterion(DEFINITION)
def check_code_available(paper: PaperFacts) -> Finding:
    """Judge the best code repository's reachability and content."""
    early = unreachable_code_finding(DEFINITION, paper, DEFINITION.remediation)
    if early is not None:
        return early
    repo = best_code_repo(paper)
    assert repo is not None
    evidence = [describe_status(repo), *choice_evidence(paper, repo)]
    if repo.facts.get("private") or repo.facts.get("disabled"):
        # A token can see its owner's private repositories: reachable for us, not for readers.
        state = "private" if repo.facts.get("private") else "disabled"
        return make_finding(DEFINITION, Outcome.FAIL, 0.0,
                            [f"{repo.url}: {state}: readers cannot reach it", *evidence],
                            "Make the code repository public.", subject=repo.url)
    if repo.facts.get("archived"):
        evidence.append(f"{repo.url}: archived (read-only)")
    reason = placeholder_reason(repo)
    if reason is not None:
        return make_finding(
            DEFINITION, Outcome.PARTIAL, PLACEHOLDER_SCORE,
            [f"{repo.url}: placeholder: {reason}", *evidence],
            "Push the code (training, evaluation, environment) to the linked repository.",
            subject=repo.url,
        )
    files = inventory(repo)
    if files is not None:
        evidence.insert(0, f"{repo.url}: {files.code_files} code file(s) among "
                           f"{files.total_files}")
    elif repo.facts.get("readme") is None:
        evidence.append(f"{repo.url}: no file list recorded; judged on reachability alone")
    return make_finding(DEFINITION, Outcome.PASS, 1.0, evidence, subject=repo.url)

