"""Helpers the criteria share: link status groups, the best code repository, file inventories.

Status groups (REACHABLE, AVAILABLE, INCONCLUSIVE, GONE) are defined once, in
:mod:`tracker.kernel`. File lists are read from the stored facts through
:func:`tracker.kernel.read_listing`, which says whether a list is complete: a criterion may
fail on a complete list only.

Code repositories are the paper's ``github_repo`` links; when there are several, the code
criteria judge the best one (:func:`best_code_repo`) and name it in the finding's ``subject``.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

from checks.base import CriterionDefinition, Finding, LinkFacts, Outcome, PaperFacts
from checks.classify import AssetInventory, FileInventory, classify_assets, classify_paths
from checks.classify.artefact_links import LinkContext, links_in_markdown
from checks.classify.identity import identity_doubt
from checks.classify.readme import analyse_readme
from tracker.kernel import (
    AVAILABLE,
    GONE,
    INCONCLUSIVE,
    REACHABLE,
    CodeRepositoryFacts,
    FileListing,
    LinkStatus,
    read_facts,
    read_listing,
    read_text,
)
from tracker.links import LinkKind

__all__ = ["AVAILABLE", "GONE", "INCONCLUSIVE", "REACHABLE"]

CODE_KINDS: tuple[LinkKind, ...] = (LinkKind.GITHUB_REPO,)
HUB_KINDS: tuple[LinkKind, ...] = (LinkKind.HF_MODEL, LinkKind.HF_DATASET, LinkKind.HF_SPACE)
DEPOSIT_KINDS: tuple[LinkKind, ...] = (LinkKind.OSF_NODE, LinkKind.ZENODO_RECORD)

MAX_NAMED_PATHS = 5


# ---- findings ------------------------------------------------------------------------

def make_finding(
    definition: CriterionDefinition,
    outcome: Outcome,
    score: float | None,
    evidence: Iterable[str],
    remediation: str = "",
    subject: str | None = None,
) -> Finding:
    """Build a finding for ``definition``; the remediation is dropped on pass."""
    return Finding(
        criterion=definition.id,
        outcome=outcome,
        score=score,
        evidence=list(evidence),
        remediation="" if outcome is Outcome.PASS else remediation,
        subject=subject,
    )


def name_paths(paths: Sequence[str], limit: int = MAX_NAMED_PATHS) -> str:
    """``a, b, c (+4 more)``: a short list of paths for evidence."""
    shown = ", ".join(paths[:limit])
    return f"{shown} (+{len(paths) - limit} more)" if len(paths) > limit else shown


def describe_status(link: LinkFacts) -> str:
    """``<url>: missing`` or ``<url>: moved to o/r``: one evidence line about a link."""
    moved_to = link.facts.get("moved_to")
    if link.status is LinkStatus.MOVED and moved_to:
        return f"{link.url}: moved to {moved_to}"
    return f"{link.url}: {link.status}"


# ---- files ---------------------------------------------------------------------------

def listing(link: LinkFacts) -> FileListing | None:
    """The link's file list with its completeness, or None when none was recorded."""
    return read_listing(link.facts)


def file_entries(link: LinkFacts) -> list[dict[str, Any]] | None:
    """The link's file list as ``[{"path", "size"}]``, or None when none was recorded."""
    found = listing(link)
    if found is None:
        return None
    return [{"path": entry.path, "size": entry.size} for entry in found.files]


def listing_gap(link: LinkFacts) -> str | None:
    """Why the link's file list is not the whole of it, or None when it is (or absent)."""
    found = listing(link)
    if found is None or found.complete:
        return None
    return found.gap or "the file list is incomplete"


def readme_analysis(link: LinkFacts) -> dict[str, Any] | None:
    """What the repository's README says (checks.classify.readme), judged now from its text.

    Facts v1 stored the analysis instead of the text: such a row is read as it was judged.
    None when the repository has no README or it could not be read.
    """
    readme = read_text(link.facts.get("readme"))
    if readme is None:
        return None
    if readme.text is not None:
        return {**_analyse(readme.text), "path": readme.path}
    if readme.analysis is not None:
        return {**readme.analysis, "path": readme.path}
    return {"path": readme.path, "size": readme.size}


@functools.lru_cache(maxsize=256)
def _analyse(text: str) -> dict[str, Any]:
    return analyse_readme(text)


def readme_text(link: LinkFacts) -> str | None:
    """The repository's README text as stored (None: no README, or facts v1 without text)."""
    readme = read_text(link.facts.get("readme"))
    return readme.text if readme is not None else None


def readme_links(link: LinkFacts) -> tuple[LinkContext, ...]:
    """Every link of the repository's README with its context (checks.classify.artefact_links)."""
    text = readme_text(link)
    return _links_in_markdown(text) if text else ()


@functools.lru_cache(maxsize=256)
def _links_in_markdown(text: str) -> tuple[LinkContext, ...]:
    return tuple(links_in_markdown(text))


# id(LinkFacts) -> its inventory, for as long as that LinkFacts lives. Every criterion asks for
# the inventory of the same links, and classifying a tree of thousands of paths dominated the
# scoring of an audit. LinkFacts is frozen (and its facts are never changed by a criterion);
# it cannot be a dict key itself, since hashing it would hash its facts dict.
_inventories: dict[int, FileInventory | None] = {}


def inventory(link: LinkFacts) -> FileInventory | None:
    """Classify the link's files (a Hub dataset's as data); None when no list was recorded.

    Computed once per LinkFacts object: the criteria of one scorecard share it.
    """
    key = id(link)
    if key in _inventories:
        return _inventories[key]
    entries = file_entries(link)
    found = None
    if entries is not None:
        repo_type = "dataset" if link.kind is LinkKind.HF_DATASET else None
        found = classify_paths(entries, repo_type=repo_type)
    _inventories[key] = found
    weakref.finalize(link, _inventories.pop, key, None)
    return found


def deposit_assets(link: LinkFacts) -> AssetInventory:
    """Read an OSF/Zenodo deposit's files as release assets (flat, named archives)."""
    entries = file_entries(link) or []
    return classify_assets([{"name": e["path"].rsplit("/", 1)[-1], "size": e.get("size")}
                            for e in entries])


def release_assets(link: LinkFacts) -> AssetInventory:
    """Classify the assets of every non-draft release of a GitHub repository."""
    assets = [
        asset
        for release in link.facts.get("releases") or []
        if not release.get("draft")
        for asset in release.get("assets") or []
    ]
    return classify_assets(assets)


def tree_caveats(link: LinkFacts) -> list[str]:
    """Evidence lines saying the file list was incomplete, and why."""
    gap = listing_gap(link)
    return [f"{link.url}: not every file was seen: {gap}"] if gap else []


# ---- code repositories ---------------------------------------------------------------

def code_repos(paper: PaperFacts) -> tuple[LinkFacts, ...]:
    """The paper's code repository links, in the paper's order."""
    return paper.links_of(*CODE_KINDS)


def placeholder_reason(repo: LinkFacts) -> str | None:
    """Why a reachable repository is only a placeholder, or None when it is not (or unknown).

    Decided on the whole file list: no substantive code, weights or data. An incomplete list
    can hide code, so it calls a repository a placeholder only when the README says the code
    is still to come; with no list recorded, the README's wording alone decides.
    """
    facts = repo.facts
    if facts.get("empty"):
        return "empty repository (no commits)"
    readme = readme_analysis(repo) or {}
    readme_says = bool(readme.get("is_placeholder_text"))
    files = inventory(repo)
    if files is None:
        return "README only announces the code" if readme_says else None
    if not files.is_placeholder:
        return None
    if listing_gap(repo) is not None and not readme_says:
        return None
    if files.total_files == 0:
        return "no files"
    return f"no code, weights or data among {files.total_files} file(s): " \
           f"{name_paths([e['path'] for e in file_entries(repo) or []])}"


def _completeness(repo: LinkFacts) -> int:
    files = inventory(repo)
    if files is None or repo.facts.get("empty"):
        return 0
    roles = (files.dependency_specs, files.training_code, files.evaluation_code,
             files.weight_files, files.data_files, files.readme)
    return int(not files.is_placeholder) + sum(bool(paths) for paths in roles)


def repository_doubt(paper: PaperFacts, repo: LinkFacts) -> str | None:
    """Why a reachable code repository may not be the paper's (checks.classify.identity)."""
    if repo.kind is not LinkKind.GITHUB_REPO or repo.status not in REACHABLE:
        return None
    facts = read_facts(repo.kind, repo.facts)
    assert isinstance(facts, CodeRepositoryFacts)
    return identity_doubt(facts, paper.title, paper.arxiv_id)


def _status_rank(link: LinkFacts) -> int:
    if link.status in REACHABLE:
        return 2
    return 1 if link.status in INCONCLUSIVE else 0


def best_code_repo(paper: PaperFacts) -> LinkFacts | None:
    """The code repository the code criteria judge, or None when the paper links none.

    Reachable repositories first, then those that could not be checked (rate limited,
    error, unchecked) ahead of the gone ones; among equals the most complete file inventory,
    then the most stars, then the first linked.
    """
    repos = code_repos(paper)
    if not repos:
        return None
    ranked = sorted(
        enumerate(repos),
        key=lambda item: (
            _status_rank(item[1]),
            repository_doubt(paper, item[1]) is None,
            _completeness(item[1]),
            item[1].facts.get("stars") or 0,
            -item[0],
        ),
        reverse=True,
    )
    return ranked[0][1]


def choice_evidence(paper: PaperFacts, chosen: LinkFacts) -> list[str]:
    """An evidence line naming the chosen repository when the paper links several."""
    repos = code_repos(paper)
    if len(repos) < 2:
        return []
    others = ", ".join(describe_status(repo) for repo in repos if repo is not chosen)
    return [f"judged {chosen.url}, the best of {len(repos)} code repositories (others: {others})"]


def unreachable_code_finding(
    definition: CriterionDefinition, paper: PaperFacts, remediation: str
) -> Finding | None:
    """The finding of a code criterion when the best repository cannot be read, else None.

    No repository: fail. Best one rate limited / error / unchecked: unavailable. Best one
    missing, private or blocked: fail. Best one reachable but *suspect* (someone else's
    repository under the cited name, checks.classify.identity): fail, with the reason.
    """
    repo = best_code_repo(paper)
    if repo is None:
        return make_finding(definition, Outcome.FAIL, 0.0, ["no code repository is linked"],
                            remediation)
    if repo.status in REACHABLE:
        doubt = repository_doubt(paper, repo)
        if doubt is None:
            return None
        return make_finding(definition, Outcome.FAIL, 0.0,
                            [f"{repo.url}: suspect: {doubt}", *choice_evidence(paper, repo)],
                            "Check that the cited repository is the paper's; link the right "
                            "one (`reprotrack link add`).", subject=repo.url)
    chosen = choice_evidence(paper, repo)
    if repo.status in INCONCLUSIVE:
        return make_finding(definition, Outcome.UNAVAILABLE, None,
                            [f"{repo.url}: could not be checked ({repo.status})", *chosen],
                            subject=repo.url)
    return make_finding(definition, Outcome.FAIL, 0.0,
                        [f"{repo.url}: not reachable ({repo.status})", *chosen],
                        remediation, subject=repo.url)


def repo_role_finding(
    definition: CriterionDefinition,
    paper: PaperFacts,
    role: str,
    what: str,
    remediation: str,
) -> Finding:
    """Pass when the best repository's inventory has paths in ``role``, else fail.

    Shared by environment, training_code and evaluation_code; ``what`` names the role in
    the evidence ("dependency specification").
    """
    early = unreachable_code_finding(definition, paper, remediation)
    if early is not None:
        return early
    repo = best_code_repo(paper)
    assert repo is not None  # unreachable_code_finding returned None, so a repo was reachable
    chosen = choice_evidence(paper, repo)
    files = inventory(repo)
    if repo.facts.get("empty"):
        return make_finding(definition, Outcome.FAIL, 0.0,
                            [f"{repo.url}: empty repository (no commits)", *chosen],
                            remediation, subject=repo.url)
    if files is None:
        return make_finding(definition, Outcome.UNAVAILABLE, None,
                            [f"{repo.url}: no file list was recorded", *chosen],
                            subject=repo.url)
    paths: tuple[str, ...] = getattr(files, role)
    if paths:
        return make_finding(definition, Outcome.PASS, 1.0,
                            [f"{repo.url}: {what}: {name_paths(list(paths))}", *chosen],
                            subject=repo.url)
    evidence = [f"{repo.url}: no {what} among {files.total_files} file(s)", *chosen]
    gap = listing_gap(repo)
    if gap is not None:  # unseen files may hold it: withhold, never fail on partial evidence
        return make_finding(definition, Outcome.UNAVAILABLE, None,
                            [*evidence, *tree_caveats(repo)], subject=repo.url)
    return make_finding(definition, Outcome.FAIL, 0.0, evidence, remediation, subject=repo.url)
