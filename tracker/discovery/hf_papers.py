"""Links from the Hugging Face index: the paper page, and the Hub repos tagged `arxiv:<id>`.

The paper page (`paper_info`) gives the code repository and the project page (both count:
the page names them as the paper's), the organisation that claimed the paper, and a preview
of the models, datasets and Spaces citing it. The full list of citing models and datasets
(`list_models` / `list_datasets` with `filter=arxiv:<id>`) is asked for only when the page
has none or its preview is incomplete, or when the Hub has no page for the paper.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from tracker.config import DiscoverySettings
from tracker.discovery.cache import fresh_lookup, save_lookup
from tracker.sources.hf_papers import HubPaperIndex, PaperPage
from tracker.sources.http import SourceFailure

TAG_LISTING_LIMIT = 50
_HUB = "https://huggingface.co"
_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}


def hub_url(repo_type: str, repo_id: str) -> str:
    """The Hub page of a repository."""
    return f"{_HUB}/{_PREFIX[repo_type]}{repo_id}"


@dataclass
class IndexFindings:
    """What the Hub index says about one paper."""

    page_found: bool = False
    title: str | None = None
    organisation: str | None = None
    claimed: list[tuple[str, float]] = field(default_factory=list)  # (url, confidence)
    linked: list[str] = field(default_factory=list)  # Hub URLs on the paper page
    tagged: list[str] = field(default_factory=list)  # Hub URLs of repos citing the paper
    failures: list[str] = field(default_factory=list)
    cached: int = 0
    searched: int = 0


def _cached(
    engine: Engine, key: str, settings: DiscoverySettings, now: datetime, findings: IndexFindings
) -> dict[str, Any] | None:
    row = fresh_lookup(engine, key, settings, now)
    if row is None:
        return None
    findings.cached += 1
    return dict(row.result)


def _paper_page(
    engine: Engine, index: HubPaperIndex, arxiv_id: str, settings: DiscoverySettings,
    now: datetime, findings: IndexFindings,
) -> PaperPage | None:
    key = f"hf-paper:{arxiv_id}"
    result = _cached(engine, key, settings, now, findings)
    if result is None:
        try:
            page = index.paper_page(arxiv_id)
        except SourceFailure as failure:
            findings.failures.append(f"hf-paper {arxiv_id}: {failure}")
            raise
        findings.searched += 1
        result = asdict(page) if page else {}
        save_lookup(engine, key, "hf-paper", found=page is not None, result=result, now=now)
    return PaperPage(**result) if result else None


def _tagged(
    engine: Engine, index: HubPaperIndex, arxiv_id: str, repo_types: list[str],
    settings: DiscoverySettings, now: datetime, findings: IndexFindings,
) -> dict[str, list[str]]:
    key = f"hf-arxiv-tag:{arxiv_id}:{','.join(repo_types)}"
    result = _cached(engine, key, settings, now, findings)
    if result is None:
        result = {}
        for repo_type in repo_types:
            try:
                result[repo_type] = index.citing_repos(arxiv_id, repo_type, TAG_LISTING_LIMIT)
            except SourceFailure as failure:
                findings.failures.append(f"hf-arxiv-tag {arxiv_id}: {failure}")
                return {}
            findings.searched += 1
        found = any(result.values())
        save_lookup(engine, key, "hf-arxiv-tag", found=found, result=result, now=now)
    return result


def index_findings(
    engine: Engine, index: HubPaperIndex, arxiv_id: str, settings: DiscoverySettings,
    now: datetime,
) -> IndexFindings:
    """The paper page's links and the citing repos, through the cache."""
    findings = IndexFindings()
    try:
        page = _paper_page(engine, index, arxiv_id, settings, now, findings)
    except SourceFailure:
        return findings
    if page is not None:
        findings.page_found = True
        findings.title = page.title
        findings.organisation = page.organization
        if page.github_repo:
            by_person = page.github_repo_added_by not in (None, "", "auto")
            findings.claimed.append((page.github_repo, 1.0 if by_person else 0.95))
        if page.project_page:
            findings.claimed.append((page.project_page, 0.95))
        for repo_type, ids in page.linked.items():
            findings.linked.extend(hub_url(repo_type, repo_id) for repo_id in ids)
    missing = [t for t in ("model", "dataset") if page is None or not page.complete(t)]
    if missing:
        tagged = _tagged(engine, index, arxiv_id, missing, settings, now, findings)
        for repo_type, ids in tagged.items():
            findings.tagged.extend(hub_url(repo_type, repo_id) for repo_id in ids)
    return findings


def cached_paper_page(
    engine: Engine, index: HubPaperIndex, arxiv_id: str, settings: DiscoverySettings,
    now: datetime, findings: IndexFindings,
) -> PaperPage | None:
    """The Hub paper page of `arxiv_id` through the cache (None: the Hub has none);
    SourceFailure when the index cannot answer now (noted in `findings.failures`)."""
    return _paper_page(engine, index, arxiv_id, settings, now, findings)
