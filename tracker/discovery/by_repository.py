"""Identify a paper known only by its repository (a URL list): the arXiv ids its README cites,
and the Hugging Face paper page that names the same repository as the paper's code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from tracker.config import DiscoverySettings
from tracker.discovery.hf_papers import IndexFindings, cached_paper_page
from tracker.identifiers import parse_arxiv_id
from tracker.links import LinkKind, normalise_url
from tracker.sources.hf_papers import HubPaperIndex
from tracker.sources.http import SourceFailure

# A README cites its own paper near the top, and often the papers it builds on after it.
MAX_CITED = 5


@dataclass
class RepositoryIdentity:
    """What a repository's README and the Hub index say about whose code it is."""

    arxiv_id: str | None = None  # a cited paper whose Hub page names this very repository
    cited: list[str] = field(default_factory=list)  # the arXiv ids the README links, in order


def cited_arxiv_ids(urls: Iterable[str]) -> list[str]:
    """The distinct arXiv ids of the arXiv and Hugging Face paper links among `urls`."""
    found: list[str] = []
    for url in urls:
        link = normalise_url(url)
        if link is None or link.kind not in (LinkKind.ARXIV, LinkKind.HF_PAPER):
            continue
        arxiv_id = parse_arxiv_id(link.url)
        if arxiv_id and arxiv_id not in found:
            found.append(arxiv_id)
    return found


def same_repository(url_a: str, url_b: str) -> bool:
    """Whether two URLs name the same GitHub repository (case and deep links aside)."""
    a, b = normalise_url(url_a), normalise_url(url_b)
    return (a is not None and b is not None and a.kind == b.kind == LinkKind.GITHUB_REPO
            and a.target.lower() == b.target.lower())


def identity_of(
    engine: Engine, index: HubPaperIndex, repository_url: str, readme_urls: Iterable[str],
    settings: DiscoverySettings, now: datetime, findings: IndexFindings,
) -> RepositoryIdentity:
    """The paper whose code this repository is, when the README cites it and its Hub page
    names the repository back; else only the ids the README cites (candidates at best)."""
    cited = cited_arxiv_ids(readme_urls)
    for arxiv_id in cited[:MAX_CITED]:
        try:
            page = cached_paper_page(engine, index, arxiv_id, settings, now, findings)
        except SourceFailure:
            continue
        if page is not None and page.github_repo and same_repository(page.github_repo,
                                                                     repository_url):
            return RepositoryIdentity(arxiv_id, cited)
    return RepositoryIdentity(None, cited)
