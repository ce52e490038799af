"""Re-judge stored scorecards from their stored observations, without a single request.

After an upgrade (a better classifier, a new criterion) or a change of weights, every
scorecard can be derived again from what the services said at the time: each scorecard is
recomputed from the observations that stood when it was made (`paper_facts(as_of=...)`) and
updated in place, so reports and change detection compare like with like.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.facts import DEFAULT_LAST_KNOWN_DAYS, paper_facts
from tracker.scoring import score_paper
from tracker.snapshots import get_audit
from tracker.store.engine import transaction
from tracker.store.models import Paper, ScorecardRecord
from tracker.store.papers import links_of
from tracker.store.scorecards import scorecard_values

BATCH = 200  # scorecards per transaction


@dataclass
class RescoreSummary:
    """What a rescore did: scorecards re-judged, and how many changed grade or status."""

    scorecards: int = 0
    grade_changed: int = 0
    status_changed: int = 0


def rescore(
    engine: Engine,
    weights: Mapping[str, float],
    *,
    audit_id: int | None = None,
    last_known_days: float = DEFAULT_LAST_KNOWN_DAYS,
    progress: Callable[[int, int], None] | None = None,
) -> RescoreSummary:
    """Re-judge every stored scorecard (or those of one audit) in place; no request is made."""
    with Session(engine) as session:
        if audit_id is not None:
            get_audit(session, audit_id)  # InputError when there is no such audit
        query = select(ScorecardRecord.id)
        if audit_id is not None:
            query = query.where(ScorecardRecord.audit_id == audit_id)
        ids = list(session.exec(query.order_by(col(ScorecardRecord.id))))
    summary = RescoreSummary()
    for start in range(0, len(ids), BATCH):
        with transaction(engine) as session:
            for card_id in ids[start:start + BATCH]:
                _rescore_one(session, card_id, weights, last_known_days, summary)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return summary


def _rescore_one(
    session: Session, card_id: int, weights: Mapping[str, float], last_known_days: float,
    summary: RescoreSummary,
) -> None:
    card = session.get(ScorecardRecord, card_id)
    paper = session.get(Paper, card.paper_id) if card is not None else None
    if card is None or paper is None or paper.id is None:
        return
    links = links_of(session, [paper.id])[paper.id]
    facts = paper_facts(session, paper, links, last_known_days=last_known_days,
                        as_of=card.created_at)
    scorecard = score_paper(facts, weights)
    before = (card.grade, card.status)
    for key, value in scorecard_values(scorecard).items():
        setattr(card, key, value)
    session.add(card)
    summary.scorecards += 1
    summary.grade_changed += before[0] != card.grade
    summary.status_changed += before[1] != card.status
