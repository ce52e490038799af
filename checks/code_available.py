"""Criterion code_available: is the code in a reachable, public, non-placeholder repository?"""

from __future__ import annotations

from checks.base import CriterionDefinition, Finding, Outcome, PaperFacts, criterion
from checks.common import (
    best_code_repo,
    choice_evidence,
    describe_status,
    inventory,
    listing_gap,
    make_finding,
    placeholder_reason,
    tree_caveats,
    unreachable_code_finding,
)

PLACEHOLDER_SCORE = 0.25

DEFINITION = CriterionDefinition(
    id="code_available",
    label="Code",
    weight=0.25,
    title="Code is available",
    question="Is the paper's code in a public repository that a reader can reach, and is it "
             "more than a placeholder?",
    motivation="Without the code nothing else can be reproduced. A repository that only says "
               "\"code coming soon\" promises a release without making one.",
    how="The paper's GitHub repositories are ranked (reachable first, then the most complete "
        "file inventory, then stars) and the best one is judged on its whole file list. It "
        "passes when it is reachable and public and holds source code: files of a programming "
        "language, notebooks, build or run scripts outside docs and web-asset folders (never "
        "a README, a licence, a PDF, images or a project page). A repository with nothing "
        "but a README and such files is a placeholder; one that holds weights or data but no "
        "code fails here and counts for those criteria only. An archived repository with "
        "code passes: archived is read-only, not gone. A file list that is not whole (GitHub "
        "truncated it, or it could not be read) withholds the finding unless code was seen.",
    outcomes={
        Outcome.PASS: "a reachable public repository with real content",
        Outcome.PARTIAL: f"the repository exists but is empty or a placeholder "
                         f"(score {PLACEHOLDER_SCORE})",
        Outcome.FAIL: "no code repository is linked, none is reachable (missing, private, "
                      "blocked), or the repository holds no source code",
        Outcome.UNAVAILABLE: "the code repository could not be checked (rate limited, error, "
                             "not yet checked) or its file list is incomplete",
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
    if files is None:
        return make_finding(DEFINITION, Outcome.UNAVAILABLE, None,
                            [f"{repo.url}: no file list was recorded", *evidence],
                            subject=repo.url)
    if files.substantive_code_files:
        evidence.insert(0, f"{repo.url}: {files.substantive_code_files} source file(s) among "
                           f"{files.total_files}")
        return make_finding(DEFINITION, Outcome.PASS, 1.0, evidence, subject=repo.url)
    if listing_gap(repo) is not None:
        return make_finding(DEFINITION, Outcome.UNAVAILABLE, None,
                            [f"{repo.url}: no source file among the "
                             f"{files.total_files} file(s) seen", *evidence,
                             *tree_caveats(repo)], subject=repo.url)
    held = [what for what, paths in (("weights", files.weight_files), ("data", files.data_files))
            if paths]
    return make_finding(
        DEFINITION, Outcome.FAIL, 0.0,
        [f"{repo.url}: no source code among {files.total_files} file(s); it holds "
         f"{' and '.join(held) or 'no code'} (counted under those criteria only)", *evidence],
        "Publish the code that produced the released files (training, evaluation).",
        subject=repo.url,
    )
