"""Append and read the observation history of links."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.sources.base import LinkStatus, Observation
from tracker.store.content import gather_bodies, pinned_bodies
from tracker.store.models import ObservationRecord


def record_observation(
    session: Session, link_id: int, observation: Observation, *, audit_id: int | None = None
) -> ObservationRecord:
    """Append one observation of a link (never updates an older one)."""
    row = ObservationRecord(
        link_id=link_id,
        audit_id=audit_id,
        service=observation.service,
        status=str(observation.status),
        facts=observation.facts,
        evidence=list(observation.evidence),
        validators=dict(observation.validators),
        reason=observation.reason,
        requests=observation.requests,
        unchanged=observation.unchanged,
        checked_at=observation.checked_at,
    )
    session.add(row)
    return row


def as_observation(row: ObservationRecord) -> Observation:
    """The stored row as the value sources and checks work with."""
    return Observation(
        service=row.service,
        status=LinkStatus(row.status),
        facts=dict(row.facts or {}),
        evidence=list(row.evidence or []),
        checked_at=row.checked_at,
        requests=row.requests,
        reason=row.reason,
        validators=dict(row.validators or {}),
        unchanged=row.unchanged,
    )


def latest_observations(session: Session, link_ids: Iterable[int]) -> dict[int, ObservationRecord]:
    """The newest observation of each of these links (links never observed are absent)."""
    ids = list(link_ids)
    if not ids:
        return {}
    newest = (
        select(ObservationRecord.link_id, func.max(ObservationRecord.id).label("last_id"))
        .where(col(ObservationRecord.link_id).in_(ids))
        .group_by(ObservationRecord.link_id)
    )
    row_ids = [last_id for _, last_id in session.exec(newest)]
    rows: dict[int, ObservationRecord] = {}
    with pinned_bodies(gather_bodies(session.connection(), ObservationRecord, row_ids)):
        for start in range(0, len(row_ids), 500):
            query = select(ObservationRecord).where(
                col(ObservationRecord.id).in_(row_ids[start:start + 500]))
            rows.update({row.link_id: row for row in session.exec(query)})
    return rows


def history(session: Session, link_id: int, limit: int | None = None) -> list[ObservationRecord]:
    """A link's observations, oldest first (the last `limit` when given)."""
    query = (
        select(ObservationRecord)
        .where(ObservationRecord.link_id == link_id)
        .order_by(col(ObservationRecord.id).desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(reversed(session.exec(query).all()))
