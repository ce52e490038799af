"""The promise_unfulfilled flag: the paper promises code, and the code is not there."""

from __future__ import annotations

from checks.base import PaperFacts
from checks.classify import promises_code
from checks.common import GONE, REACHABLE, best_code_repo, describe_status, placeholder_reason


def promise_unfulfilled(paper: PaperFacts) -> tuple[bool, list[str]]:
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
