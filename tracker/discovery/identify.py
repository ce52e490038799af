"""Identify a paper: its arXiv id from the input, else by title in the Hub index, then arXiv.

A hit is accepted only when the normalised titles are equal (`normalise_title`: case,
punctuation, whitespace, LaTeX, unicode dashes and quotes folded). Hits whose titles are
merely close (`similarity` >= `MATCH_THRESHOLD`) become candidates that a user confirms;
several exact hits with different ids are candidates too (the title alone cannot choose).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy.engine import Engine

from tracker.config import DiscoverySettings
from tracker.discovery.cache import fresh_lookup, save_lookup
from tracker.identifiers import is_link_title, normalise_title, parse_arxiv_id
from tracker.sources.arxiv import ArxivClient
from tracker.sources.hf_papers import HubPaperIndex
from tracker.sources.http import SourceFailure

MATCH_THRESHOLD = 0.8
SEARCH_HITS = 5


@dataclass(frozen=True)
class PaperView:
    """What identification reads of a stored paper."""

    id: int
    title: str | None
    arxiv_id: str | None
    doi: str | None
    has_abstract: bool = False


@dataclass(frozen=True)
class TitleMatch:
    """A paper of an index whose title is close to (or, ambiguously, equal to) ours."""

    arxiv_id: str
    title: str
    confidence: float
    provenance: str  # hf-paper | arxiv


@dataclass
class Identification:
    """The outcome of identifying one paper."""

    arxiv_id: str | None = None
    provenance: str | None = None  # input | hf-paper | arxiv
    matches: list[TitleMatch] = field(default_factory=list)
    arxiv_entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> entry
    failures: list[str] = field(default_factory=list)
    cached: int = 0  # look-ups answered by the cache
    searched: int = 0  # look-ups sent to an index


def similarity(key_a: str, key_b: str) -> float:
    """How alike two normalised titles are, 0-1 (difflib's ratio)."""
    return SequenceMatcher(None, key_a, key_b).ratio()


def judge_hits(
    title_key: str, hits: list[dict[str, Any]], provenance: str
) -> tuple[str | None, list[TitleMatch]]:
    """The one exactly matching id (or None) and the candidates among an index's hits."""
    exact: dict[str, str] = {}
    for hit in hits:
        if normalise_title(hit["title"]) == title_key:
            exact.setdefault(hit["arxiv_id"], hit["title"])
    if len(exact) == 1:
        return next(iter(exact)), []
    if exact:
        return None, [TitleMatch(i, t, 1.0, provenance) for i, t in exact.items()]
    close: dict[str, TitleMatch] = {}
    for hit in hits:
        score = similarity(title_key, normalise_title(hit["title"]))
        if score >= MATCH_THRESHOLD and hit["arxiv_id"] not in close:
            close[hit["arxiv_id"]] = TitleMatch(
                hit["arxiv_id"], hit["title"], round(score, 3), provenance
            )
    return None, sorted(close.values(), key=lambda m: -m.confidence)


def _search(
    engine: Engine,
    kind: str,
    title_key: str,
    fetch: Callable[[], list[dict[str, Any]]],
    provenance: str,
    outcome: Identification,
    settings: DiscoverySettings,
    now: datetime,
) -> str | None:
    """One cached title search; returns the exact id, and adds candidates to `outcome`."""
    key = f"{kind}:{title_key}"
    row = fresh_lookup(engine, key, settings, now)
    if row is not None:
        outcome.cached += 1
        hits = list(row.result.get("hits", []))
    else:
        try:
            hits = fetch()
        except SourceFailure as failure:
            outcome.failures.append(f"{kind}: {failure}")
            return None
        outcome.searched += 1
        exact_id, _ = judge_hits(title_key, hits, provenance)
        save_lookup(engine, key, kind, found=exact_id is not None, result={"hits": hits}, now=now)
    exact_id, matches = judge_hits(title_key, hits, provenance)
    for hit in hits:
        if "summary" in hit:
            outcome.arxiv_entries[hit["arxiv_id"]] = hit
    outcome.matches.extend(matches)
    return exact_id


def identify(
    engine: Engine,
    papers_index: HubPaperIndex,
    arxiv: ArxivClient,
    paper: PaperView,
    settings: DiscoverySettings,
    now: datetime,
) -> Identification:
    """Find the paper's arXiv id. A paper with an id, or with no title, costs no request."""
    if paper.arxiv_id:
        return Identification(paper.arxiv_id, "input")
    from_doi = parse_arxiv_id(paper.doi) if paper.doi else None
    if from_doi:
        return Identification(from_doi, "input")
    title_key = normalise_title(paper.title) if paper.title else ""
    if not title_key or not paper.title or is_link_title(paper.title):
        return Identification()  # a stand-in title (a URL) names no paper in any index
    title = paper.title
    outcome = Identification()

    def hub_hits() -> list[dict[str, Any]]:
        return [asdict(hit) for hit in papers_index.search(title, limit=SEARCH_HITS)]

    exact = _search(engine, "hf-search", title_key, hub_hits, "hf-paper", outcome, settings, now)
    if exact:
        outcome.arxiv_id, outcome.provenance = exact, "hf-paper"
        outcome.matches.clear()
        return outcome
    if not settings.arxiv_title_search:
        return outcome

    def arxiv_hits() -> list[dict[str, Any]]:
        feed = arxiv.search_title(title, max_results=SEARCH_HITS)
        return [
            {"arxiv_id": e.arxiv_id, "title": e.title, "summary": e.summary,
             "comment": e.comment}
            for e in feed.entries
        ]

    exact = _search(engine, "arxiv-search", title_key, arxiv_hits, "arxiv", outcome, settings, now)
    if exact:
        outcome.arxiv_id, outcome.provenance = exact, "arxiv"
        outcome.matches.clear()
        # Later runs look the entry up by id: the search already answered that.
        entry = outcome.arxiv_entries.get(exact, {})
        save_lookup(engine, f"arxiv-id:{exact}", "arxiv-id", found=bool(entry), result=entry,
                    now=now)
    return outcome


def arxiv_entry(
    engine: Engine,
    arxiv: ArxivClient,
    arxiv_id: str,
    outcome: Identification,
    settings: DiscoverySettings,
    now: datetime,
) -> dict[str, Any] | None:
    """The arXiv entry of an identified paper (from this run's search, the cache, or by id)."""
    if arxiv_id in outcome.arxiv_entries:
        return outcome.arxiv_entries[arxiv_id]
    key = f"arxiv-id:{arxiv_id}"
    row = fresh_lookup(engine, key, settings, now)
    if row is not None:
        outcome.cached += 1
        return dict(row.result) or None
    try:
        feed = arxiv.by_ids([arxiv_id])
    except SourceFailure as failure:
        outcome.failures.append(f"arxiv-id {arxiv_id}: {failure}")
        return None
    outcome.searched += 1
    entry = next((e for e in feed.entries if e.arxiv_id == arxiv_id), None)
    result = (
        {"arxiv_id": entry.arxiv_id, "title": entry.title, "summary": entry.summary,
         "comment": entry.comment}
        if entry else {}
    )
    save_lookup(engine, key, "arxiv-id", found=entry is not None, result=result, now=now)
    return result or None
