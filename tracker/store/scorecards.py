"""Store and read back scorecards (one row per paper per check or audit)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.scoring import Scorecard, to_json
from tracker.store.content import gather_bodies, pinned_bodies
from tracker.store.models import ScorecardRecord


def scorecard_values(scorecard: Scorecard) -> dict[str, Any]:
    """The stored columns of a scorecard (all but its paper, audit and time)."""
    data = to_json(scorecard)
    return {
        "score": scorecard.score,
        "grade": scorecard.grade,
        "coverage": round(scorecard.coverage, 4),
        "status": str(scorecard.status),
        "checklist": scorecard.checklist,
        "promise_unfulfilled": scorecard.promise_unfulfilled,
        "best_code_url": scorecard.best_code_url,
        "weights": dict(scorecard.weights),
        "findings": data,
        "figures": dict(data.get("reported") or {}),
    }


def scorecard_row(
    paper_id: int, scorecard: Scorecard, *, audit_id: int | None = None
) -> dict[str, Any]:
    """Every stored column of a new scorecard row (for `tracker.store.writer.StoreWriter`)."""
    return {"paper_id": paper_id, "audit_id": audit_id, "created_at": datetime.now(UTC),
            **scorecard_values(scorecard)}


def save_scorecard(
    session: Session, paper_id: int, scorecard: Scorecard, *, audit_id: int | None = None
) -> ScorecardRecord:
    """Append a paper's scorecard; the full findings are kept so the score can be explained."""
    row = ScorecardRecord(paper_id=paper_id, audit_id=audit_id, **scorecard_values(scorecard))
    session.add(row)
    return row


def latest_scorecards(session: Session, paper_ids: Iterable[int] | None = None) -> dict[int, ScorecardRecord]:
    """The newest scorecard of each paper (papers never scored are absent).

    For given papers, the bodies their findings refer to are read together first (a few
    queries per 500 cards), so that loading the cards reads none of them one card at a time.
    """
    newest = select(ScorecardRecord.paper_id, func.max(ScorecardRecord.id).label("last_id"))
    if paper_ids is None:
        sub = newest.group_by(ScorecardRecord.paper_id).subquery()
        query = select(ScorecardRecord).join(sub, col(ScorecardRecord.id) == sub.c.last_id)
        return {row.paper_id: row for row in session.exec(query)}
    ids = list(paper_ids)
    if not ids:
        return {}
    row_ids = [last_id for _, last_id in session.exec(
        newest.where(col(ScorecardRecord.paper_id).in_(ids)).group_by(ScorecardRecord.paper_id))]
    rows: dict[int, ScorecardRecord] = {}
    with pinned_bodies(gather_bodies(session.connection(), ScorecardRecord, row_ids)):
        for start in range(0, len(row_ids), 500):
            query = select(ScorecardRecord).where(
                col(ScorecardRecord.id).in_(row_ids[start:start + 500]))
            rows.update({row.paper_id: row for row in session.exec(query)})
    return rows


def score_history(session: Session, paper_id: int) -> list[ScorecardRecord]:
    """A paper's scorecards, oldest first."""
    query = (
        select(ScorecardRecord)
        .where(ScorecardRecord.paper_id == paper_id)
        .order_by(col(ScorecardRecord.id))
    )
    return list(session.exec(query))
