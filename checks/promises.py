"""The promise_unfulfilled flag: the paper promises code, and the code is not there."""

from __future__ import annotations

from checks.artifacts import find_releases
from checks.base import PaperFacts
from checks.classify import promises_code
from checks.classify.promises_in_readme import placeholders, promises
from checks.common import (
    GONE,
    REACHABLE,
    best_code_repo,
    describe_status,
    placeholder_reason,
    readme_links,
    readme_text,
)


def promise_unfulfilled(paper: PaperFacts) -> tuple[bool, list[str]]:
    """(flag, evidence): code, weights or data promised and not delivered.

    Flagged by the abstract's promise of code (:func:`code_promise_unfulfilled`), or by the
    README of the paper's code repository: a template placeholder where a model or data link
    should be, or "weights / dataset coming soon" wording, while no such artefact is released
    (:func:`readme_promises_unfulfilled`). The placeholder or sentence is quoted.
    """
    flagged, evidence = code_promise_unfulfilled(paper)
    readme_flag, readme_evidence = readme_promises_unfulfilled(paper)
    return flagged or readme_flag, evidence + readme_evidence


def readme_promises_unfulfilled(paper: PaperFacts) -> tuple[bool, list[str]]:
    """(flag, evidence) from the best code repository's README (see promise_unfulfilled)."""
    repo = best_code_repo(paper)
    if repo is None or repo.status not in REACHABLE:
        return False, []
    text = readme_text(repo) or ""
    found = placeholders(list(readme_links(repo))) + promises(text)
    evidence: list[str] = []
    released: dict[str, bool] = {}
    for promise in found:
        if promise.about == "code":
            kept = placeholder_reason(repo) is None
        else:
            if promise.about not in released:
                search = find_releases(paper, "weights" if promise.about == "weights"
                                       else "data")
                released[promise.about] = bool(search.releases) or bool(search.unknown)
            kept = released[promise.about]
        if not kept:
            kind = "placeholder" if promise.placeholder else "promise"
            evidence.append(f"{repo.url}: README {kind} for {promise.about}: {promise.quote!r}")
    return bool(evidence), evidence


def code_promise_unfulfilled(paper: PaperFacts) -> tuple[bool, list[str]]:
    """(flag, evidence): the abstract promises code and no real code repository delivers it.

    Flagged when the abstract has a promise ("code will be released", "coming soon") and
    there is no code link, or the best code repository is missing, private, blocked, empty
    or a placeholder. Not flagged when the repository could not be checked (rate limited,
    error): a flag must rest on something seen.
    """
    phrases = promises_code(paper.abstract)
    if not phrases:
        return False, []
    promised = f"the abstract promises code: {'; '.join(repr(p) for p in phrases)}"
    repo = best_code_repo(paper)
    if repo is None:
        return True, [promised, "no code repository is linked"]
    if repo.status in GONE:
        return True, [promised, describe_status(repo)]
    if repo.status not in REACHABLE:
        return False, [promised, f"{repo.url}: could not be checked ({repo.status})"]
    reason = placeholder_reason(repo)
    if reason is not None:
        return True, [promised, f"{repo.url}: placeholder: {reason}"]
    return False, [promised, f"{repo.url}: holds code"]
