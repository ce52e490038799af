"""Assemble what the criteria read (PaperFacts) from the stored links and observations.

A link whose latest look was inconclusive (rate limited, error) is judged on its last
conclusive observation when that is at most ``last_known_days`` old: an outage says nothing
new about a repository seen yesterday. The LinkFacts then says so (``as_of``, and the
``latest_status`` that was set aside), and the scorecard lists it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from checks.base import LinkFacts, PaperFacts
from tracker.kernel import CONCLUSIVE, LinkStatus, is_conclusive
from tracker.store.models import Link, ObservationRecord, Paper
from tracker.store.papers import LinkState

HISTORY_WINDOW = 20  # observations per link that link_health looks back over
DEFAULT_LAST_KNOWN_DAYS = 30.0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _last_conclusive(
    session: Session, link_id: int, rows: list[ObservationRecord], since: datetime,
    until: datetime | None = None,
) -> ObservationRecord | None:
    """The newest conclusive observation of the link in [since, until], if any."""
    for row in reversed(rows):
        if is_conclusive(row.status):
            return row if _aware(row.checked_at) >= since else None
    query = (
        select(ObservationRecord)
        .where(ObservationRecord.link_id == link_id)
        .where(col(ObservationRecord.status).in_([str(s) for s in CONCLUSIVE]))
        .where(ObservationRecord.checked_at >= since)
    )
    if until is not None:
        query = query.where(ObservationRecord.checked_at <= until)
    return session.exec(query.order_by(col(ObservationRecord.id).desc()).limit(1)).first()


def paper_facts(
    session: Session,
    paper: Paper,
    links: list[Link],
    *,
    last_known_days: float = DEFAULT_LAST_KNOWN_DAYS,
    now: datetime | None = None,
    as_of: datetime | None = None,
    discovery_gap: str | None = None,
) -> PaperFacts:
    """The paper's latest facts: each link with its newest observation and recent statuses.

    Only active links count: candidates and links a user removed are never scored. With
    `as_of`, the facts are those that stood then: links added later and observations made
    later are left out (how `rescore` re-judges an old scorecard). `discovery_gap` says why
    discovery could not finish for the paper (see `tracker.scoring.withhold_absences`).
    """
    if as_of is not None:
        as_of = _aware(as_of)
    since = (as_of or now or datetime.now(UTC)) - timedelta(days=last_known_days)
    link_facts = []
    for link in links:
        if link.state != LinkState.ACTIVE:
            continue
        if as_of is not None and _aware(link.created_at) > as_of:
            continue
        query = select(ObservationRecord).where(ObservationRecord.link_id == link.id)
        if as_of is not None:
            query = query.where(ObservationRecord.checked_at <= as_of)
        rows = list(
            session.exec(query.order_by(col(ObservationRecord.id).desc()).limit(HISTORY_WINDOW))
        )
        rows.reverse()
        latest = rows[-1] if rows else None
        judged, as_of, set_aside = latest, None, None
        if latest is not None and not is_conclusive(latest.status) and last_known_days > 0:
            assert link.id is not None
            earlier = _last_conclusive(session, link.id, rows, since, as_of)
            if earlier is not None:
                judged, as_of, set_aside = earlier, _aware(earlier.checked_at), latest.status
        link_facts.append(
            LinkFacts(
                url=link.url,
                kind=link.kind,
                provenance=link.provenance,
                status=judged.status if judged else LinkStatus.UNCHECKED,
                facts=dict(judged.facts) if judged else {},
                checked_at=judged.checked_at if judged else None,
                history=tuple(row.status for row in rows),
                as_of=as_of,
                latest_status=set_aside,
            )
        )
    return PaperFacts(
        title=paper.title or "", abstract=paper.abstract or "", links=tuple(link_facts),
        arxiv_id=paper.arxiv_id or "", discovery_gap=discovery_gap,
    )
