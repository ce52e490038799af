"""Assemble what the criteria read (PaperFacts) from the stored links and observations."""

from __future__ import annotations

from sqlmodel import Session, col, select

from checks.base import LinkFacts, PaperFacts
from tracker.sources.base import LinkStatus
from tracker.store.models import Link, ObservationRecord, Paper
from tracker.store.papers import LinkState

HISTORY_WINDOW = 20  # observations per link that link_health looks back over


def paper_facts(session: Session, paper: Paper, links: list[Link]) -> PaperFacts:
    """The paper's latest facts: each link with its newest observation and recent statuses.

    Only active links count: candidates and links a user removed are never scored.
    """
    link_facts = []
    for link in links:
        if link.state != LinkState.ACTIVE:
            continue
        rows = list(
            session.exec(
                select(ObservationRecord)
                .where(ObservationRecord.link_id == link.id)
                .order_by(col(ObservationRecord.id).desc())
                .limit(HISTORY_WINDOW)
            )
        )
        rows.reverse()
        latest = rows[-1] if rows else None
        link_facts.append(
            LinkFacts(
                url=link.url,
                kind=link.kind,
                provenance=link.provenance,
                status=latest.status if latest else LinkStatus.UNCHECKED,
                facts=dict(latest.facts) if latest else {},
                checked_at=latest.checked_at if latest else None,
                history=tuple(row.status for row in rows),
            )
        )
    return PaperFacts(
        title=paper.title or "", abstract=paper.abstract or "", links=tuple(link_facts)
    )
