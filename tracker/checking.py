"""Check one paper now: resolve it, observe its links, score it, store everything."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.facts import DEFAULT_LAST_KNOWN_DAYS, paper_facts
from tracker.observing import ObservationCallback, observe_links
from tracker.scoring import Scorecard, score_paper, to_json
from tracker.sources import SourceSet
from tracker.sources.base import LinkStatus, Observation
from tracker.store.engine import transaction
from tracker.store.models import Link, Paper
from tracker.store.observations import as_observation, latest_observations
from tracker.store.papers import links_of
from tracker.store.scorecards import save_scorecard, scorecard_row
from tracker.store.writer import StoreWriter
from tracker.targets import resolve_target

if TYPE_CHECKING:
    from tracker.discovery import Discovery


@dataclass
class PaperCheck:
    """The outcome of checking one paper."""

    paper: Paper
    links: list[Link]
    latest: dict[int, Observation]  # link id -> its newest observation (this run's when observed)
    observed: dict[int, Observation]  # link id -> observation made in this run
    scorecard: Scorecard

    @property
    def unreachable(self) -> bool:
        """True when links were observed and every one of them failed with an error."""
        return bool(self.observed) and all(
            o.status == LinkStatus.ERROR for o in self.observed.values()
        )


def check_paper(
    engine: Engine,
    sources: SourceSet,
    target: str,
    weights: Mapping[str, float],
    *,
    audit_id: int | None = None,
    on_observation: ObservationCallback | None = None,
    discovery: Discovery | None = None,
    last_known_days: float = DEFAULT_LAST_KNOWN_DAYS,
) -> PaperCheck:
    """Resolve `target` to a paper (adding it if new), observe its links, store the scorecard.

    With `discovery`, the paper is first identified and its undeclared links discovered;
    the links discovery already fetched (to read a page or README) are not fetched again.
    """
    with transaction(engine) as session:
        paper = resolve_target(session, target)
    assert paper.id is not None
    fetched: dict[int, Observation] = {}
    gap: str | None = None
    if discovery is not None:
        summary = discovery.run(engine, [paper.id], audit_id=audit_id)
        fetched, gap = summary.observed, summary.gaps.get(paper.id)
    with Session(engine) as session:
        paper = session.get(Paper, paper.id) or paper  # discovery may have named it
        links = links_of(session, [paper.id])[paper.id]
    to_observe = [link for link in links if link.id not in fetched]
    observed = observe_links(engine, sources, to_observe, on_observation=on_observation)
    for link in links:
        if link.id in fetched:
            observed[link.id] = fetched[link.id]
            if on_observation:
                on_observation(link, fetched[link.id])
    return score_and_store(engine, paper, links, observed, weights, audit_id=audit_id,
                           last_known_days=last_known_days, discovery_gap=gap)


def score_and_store(
    engine: Engine,
    paper: Paper,
    links: list[Link],
    observed: dict[int, Observation],
    weights: Mapping[str, float],
    *,
    audit_id: int | None = None,
    last_known_days: float = DEFAULT_LAST_KNOWN_DAYS,
    discovery_gap: str | None = None,
) -> PaperCheck:
    """Score a paper from its stored facts and append the scorecard (`discovery_gap`: why
    discovery could not finish for it, which withholds judgements on absent links)."""
    assert paper.id is not None
    with transaction(engine) as session:
        facts = paper_facts(session, paper, links, last_known_days=last_known_days,
                            discovery_gap=discovery_gap)
        scorecard = score_paper(facts, weights)
        save_scorecard(session, paper.id, scorecard, audit_id=audit_id)
        rows = latest_observations(session, [link.id for link in links if link.id])
    latest = {link_id: as_observation(row) for link_id, row in rows.items()}
    return PaperCheck(paper, links, latest, observed, scorecard)


def score_papers(
    engine: Engine,
    papers: Sequence[tuple[Paper, list[Link]]],
    weights: Mapping[str, float],
    writer: StoreWriter,
    *,
    audit_id: int | None = None,
    last_known_days: float = DEFAULT_LAST_KNOWN_DAYS,
    on_scored: Callable[[int], None] | None = None,
    discovery_gaps: Mapping[int, str] | None = None,
) -> dict[int, Scorecard]:
    """Score many papers from their stored facts, reading in one session (`on_scored` is
    told each paper id as it is scored, for progress).

    The scorecards are handed to `writer` together (one transaction when it commits them);
    an audit scores each chunk this way while the next chunk is observed. `discovery_gaps`
    gives, by paper id, why discovery could not finish for it.
    """
    scorecards: dict[int, Scorecard] = {}
    with Session(engine) as session:
        for paper, links in papers:
            assert paper.id is not None
            facts = paper_facts(session, paper, links, last_known_days=last_known_days,
                                discovery_gap=(discovery_gaps or {}).get(paper.id))
            scorecards[paper.id] = score_paper(facts, weights)
            if on_scored is not None:
                on_scored(paper.id)
    writer.scorecards([scorecard_row(paper_id, scorecard, audit_id=audit_id)
                       for paper_id, scorecard in scorecards.items()])
    return scorecards


def check_json(result: PaperCheck) -> dict[str, Any]:
    """The `check --json` object of DESIGN.md."""
    paper = result.paper
    links = []
    for link in result.links:
        observation = result.latest.get(link.id) if link.id else None
        links.append(
            {
                "url": link.url,
                "kind": link.kind,
                "host": link.host,
                "provenance": link.provenance,
                "status": str(observation.status) if observation else str(LinkStatus.UNCHECKED),
                "facts": observation.facts if observation else {},
                "checked_at": observation.checked_at.isoformat() if observation else None,
                "evidence": observation.evidence if observation else [],
                "reason": observation.reason if observation else None,
            }
        )
    return {
        "paper": {
            "id": paper.id,
            "title": paper.title,
            "arxiv_id": paper.arxiv_id,
            "doi": paper.doi,
        },
        "links": links,
        "scorecard": to_json(result.scorecard),
    }
