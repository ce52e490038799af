"""An audit read as a snapshot: the papers it covered, and each link's and paper's state in it.

A link's state in an audit is its observation made in that audit, else its latest observation
made before the audit ended (a link the audit skipped keeps what was last seen); a paper's
scorecard likewise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.errors import InputError
from tracker.kernel import CONCLUSIVE
from tracker.store.models import Audit, ObservationRecord, Paper, ScorecardRecord


def as_utc(value: datetime | None) -> datetime | None:
    """A stored timestamp as aware UTC (SQLite hands back naive datetimes stored as UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def audit_end(audit: Audit) -> datetime:
    """When the audit's snapshot was taken: its end, else its last heartbeat, else now."""
    return as_utc(audit.finished_at) or as_utc(audit.heartbeat_at) or datetime.now(UTC)


def get_audit(session: Session, audit_id: int) -> Audit:
    """The audit with this id; InputError (exit 2) when there is none."""
    audit = session.get(Audit, audit_id)
    if audit is None:
        raise InputError(f"no audit #{audit_id}", key="--audit")
    return audit


COMPARABLE_STATUSES = ("completed", "degraded")


def previous_completed_audit(session: Session, audit_id: int) -> int | None:
    """The latest audit before this one that ran to its end, completed or degraded (None:
    this is the first). A degraded audit is a fair baseline because changes are detected on
    conclusive observations only."""
    query = (
        select(Audit.id)
        .where(col(Audit.id) < audit_id, col(Audit.status).in_(COMPARABLE_STATUSES))
        .order_by(col(Audit.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def audit_paper_ids(session: Session, audit: Audit) -> list[int]:
    """The papers an audit covered: its recorded list, else those it scored, in id order."""
    if audit.paper_ids:
        ids = set(audit.paper_ids)
    else:
        query = select(ScorecardRecord.paper_id).where(ScorecardRecord.audit_id == audit.id)
        ids = set(session.exec(query))
    existing = session.exec(select(Paper.id).where(col(Paper.id).in_(ids))) if ids else []
    return sorted(i for i in existing if i is not None)


def observation_ids_as_of(
    session: Session, audit: Audit, link_ids: Iterable[int], *, conclusive_only: bool = False
) -> dict[int, int]:
    """Link id -> the id of its observation in the audit, else of its latest one before the
    audit ended (`observations_as_of` says which, and what `conclusive_only` passes over)."""
    ids = list(link_ids)
    if not ids:
        return {}
    wanted = [col(ObservationRecord.status).in_([str(s) for s in CONCLUSIVE])] \
        if conclusive_only else []
    in_audit = (
        select(ObservationRecord.link_id, func.max(ObservationRecord.id).label("last_id"))
        .where(col(ObservationRecord.link_id).in_(ids), ObservationRecord.audit_id == audit.id,
               *wanted)
        .group_by(ObservationRecord.link_id)
    )
    chosen = {link_id: last_id for link_id, last_id in session.exec(in_audit)}
    rest = [i for i in ids if i not in chosen]
    if rest:
        before_end = (
            select(ObservationRecord.link_id, func.max(ObservationRecord.id).label("last_id"))
            .where(col(ObservationRecord.link_id).in_(rest),
                   col(ObservationRecord.checked_at) <= audit_end(audit), *wanted)
            .group_by(ObservationRecord.link_id)
        )
        chosen.update({link_id: last_id for link_id, last_id in session.exec(before_end)})
    return chosen


def observations_as_of(
    session: Session, audit: Audit, link_ids: Iterable[int], *, conclusive_only: bool = False
) -> dict[int, ObservationRecord]:
    """Each link's observation in the audit, else its latest one before the audit ended.

    With `conclusive_only`, rate-limited, failed and unchecked looks are passed over: the link's
    state is then the last thing a service actually said about it (what change detection
    compares, so that an outage never reads as links dying).
    """
    chosen = observation_ids_as_of(session, audit, link_ids, conclusive_only=conclusive_only)
    if not chosen:
        return {}
    rows = session.exec(select(ObservationRecord).where(col(ObservationRecord.id).in_(
        list(chosen.values()))))
    return {row.link_id: row for row in rows}


def statuses_as_of(session: Session, audit: Audit, link_ids: Iterable[int]) -> dict[int, str]:
    """Each link's status as of the audit: `observations_as_of`'s choice, without loading
    facts (what a history of many audits needs)."""
    chosen = observation_ids_as_of(session, audit, link_ids)
    if not chosen:
        return {}
    rows = session.exec(select(ObservationRecord.link_id, ObservationRecord.status)
                        .where(col(ObservationRecord.id).in_(list(chosen.values()))))
    return dict(rows.all())


def scorecard_ids_as_of(session: Session, audit: Audit, paper_ids: Iterable[int]
                        ) -> dict[int, int]:
    """Paper id -> the id of its scorecard from the audit, else of its latest one before the
    audit ended."""
    ids = list(paper_ids)
    if not ids:
        return {}
    in_audit = (
        select(ScorecardRecord.paper_id, func.max(ScorecardRecord.id))
        .where(col(ScorecardRecord.paper_id).in_(ids), ScorecardRecord.audit_id == audit.id)
        .group_by(ScorecardRecord.paper_id)
    )
    chosen = {paper_id: last_id for paper_id, last_id in session.exec(in_audit)}
    rest = [i for i in ids if i not in chosen]
    if rest:
        before_end = (
            select(ScorecardRecord.paper_id, func.max(ScorecardRecord.id))
            .where(col(ScorecardRecord.paper_id).in_(rest),
                   col(ScorecardRecord.created_at) <= audit_end(audit))
            .group_by(ScorecardRecord.paper_id)
        )
        chosen.update({paper_id: last_id for paper_id, last_id in session.exec(before_end)})
    return chosen


def scorecards_as_of(
    session: Session, audit: Audit, paper_ids: Iterable[int]
) -> dict[int, ScorecardRecord]:
    """Each paper's scorecard from the audit, else its latest one before the audit ended."""
    chosen = scorecard_ids_as_of(session, audit, paper_ids)
    if not chosen:
        return {}
    rows = session.exec(select(ScorecardRecord).where(col(ScorecardRecord.id).in_(
        list(chosen.values()))))
    return {row.paper_id: row for row in rows}
