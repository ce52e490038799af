"""Queries and writes on audits: start, claim for resuming, progress, finish, what is done."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tracker.store.models import Audit, Link, ObservationRecord, Paper, ScorecardRecord, _now

UNFINISHED = ("running", "interrupted")
ERROR_STATUSES = ("error", "rate_limited")


def aware(moment: datetime | None) -> datetime | None:
    """A stored timestamp as aware UTC (SQLite hands timezone-aware columns back naive)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def start_audit(
    session: Session, paper_ids: Sequence[int], *, trigger: str, host: str, pid: int
) -> Audit:
    """Record a new running audit with its plan (the paper ids, in the order they are done)."""
    now = _now()
    audit = Audit(
        trigger=trigger,
        status="running",
        started_at=now,
        heartbeat_at=now,
        paper_ids=list(paper_ids),
        papers_total=len(paper_ids),
        host=host,
        pid=pid,
    )
    session.add(audit)
    session.flush()
    return audit


def get_audit(session: Session, audit_id: int) -> Audit | None:
    """One audit by id."""
    return session.get(Audit, audit_id)


def latest_unfinished(session: Session) -> Audit | None:
    """The newest audit that is running (perhaps dead) or interrupted."""
    query = (
        select(Audit)
        .where(col(Audit.status).in_(UNFINISHED))
        .order_by(col(Audit.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def claim_audit(session: Session, audit: Audit, *, host: str, pid: int) -> bool:
    """Take over an unfinished audit for this process; False when another process got there first.

    A compare-and-set on (status, host, pid): two processes resuming the same dead audit
    cannot both win.
    """
    assert audit.id is not None
    statement = (
        update(Audit)
        .where(
            col(Audit.id) == audit.id,
            col(Audit.status) == audit.status,
            col(Audit.host).is_(None) if audit.host is None else col(Audit.host) == audit.host,
            col(Audit.pid).is_(None) if audit.pid is None else col(Audit.pid) == audit.pid,
        )
        .values(status="running", host=host, pid=pid, heartbeat_at=_now(), message=None)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def beat(session: Session, audit_id: int) -> None:
    """Refresh a running audit's heartbeat (proof that its process is alive)."""
    session.execute(
        update(Audit)
        .where(col(Audit.id) == audit_id, col(Audit.status) == "running")
        .values(heartbeat_at=_now())
    )


def record_progress(
    session: Session,
    audit_id: int,
    *,
    papers_done: int,
    links_checked: int,
    errors: int,
    requests: Mapping[str, int],
    not_modified: Mapping[str, int],
    rate_limit_waits: Mapping[str, float],
) -> None:
    """Write an audit's figures so far and refresh its heartbeat."""
    session.execute(
        update(Audit)
        .where(col(Audit.id) == audit_id)
        .values(
            papers_done=papers_done,
            links_checked=links_checked,
            errors=errors,
            requests=dict(requests),
            not_modified=dict(not_modified),
            rate_limit_waits=dict(rate_limit_waits),
            heartbeat_at=_now(),
        )
    )


def finish_audit(session: Session, audit_id: int, status: str, message: str | None = None) -> None:
    """End an audit: completed, interrupted or failed, with why when it did not complete."""
    now = _now()
    session.execute(
        update(Audit)
        .where(col(Audit.id) == audit_id)
        .values(status=status, message=message, finished_at=now, heartbeat_at=now)
    )


def observed_link_ids(session: Session, audit_id: int, link_ids: Iterable[int]) -> set[int]:
    """Which of these links already have an observation in this audit."""
    ids = list(link_ids)
    if not ids:
        return set()
    query = select(ObservationRecord.link_id).where(
        ObservationRecord.audit_id == audit_id, col(ObservationRecord.link_id).in_(ids)
    )
    return set(session.exec(query))


def observations_by_url(
    session: Session, audit_id: int, urls: Iterable[str]
) -> dict[str, ObservationRecord]:
    """The observation this audit already made of each URL (another paper citing it)."""
    wanted = sorted(set(urls))
    if not wanted:
        return {}
    query = (
        select(Link.url, ObservationRecord)
        .join(Link, col(Link.id) == ObservationRecord.link_id)
        .where(ObservationRecord.audit_id == audit_id, col(Link.url).in_(wanted))
        .order_by(col(ObservationRecord.id))
    )
    return {url: row for url, row in session.exec(query)}


def scored_paper_ids(session: Session, audit_id: int, paper_ids: Iterable[int]) -> set[int]:
    """Which of these papers already have a scorecard in this audit."""
    ids = list(paper_ids)
    if not ids:
        return set()
    query = select(ScorecardRecord.paper_id).where(
        ScorecardRecord.audit_id == audit_id, col(ScorecardRecord.paper_id).in_(ids)
    )
    return set(session.exec(query))


def papers_scored(session: Session, audit_id: int) -> int:
    """How many papers have a scorecard in this audit."""
    query = select(func.count(func.distinct(ScorecardRecord.paper_id))).where(
        ScorecardRecord.audit_id == audit_id
    )
    return int(session.exec(query).one())


def observation_status_counts(session: Session, audit_id: int) -> dict[str, int]:
    """Observations made in this audit, counted by status."""
    query = (
        select(ObservationRecord.status, func.count())
        .where(ObservationRecord.audit_id == audit_id)
        .group_by(ObservationRecord.status)
    )
    return {status: int(count) for status, count in session.exec(query)}


def status_counts_by_service(session: Session, audit_id: int) -> dict[str, dict[str, int]]:
    """Observations made in this audit, counted by service and status."""
    query = (
        select(ObservationRecord.service, ObservationRecord.status, func.count())
        .where(ObservationRecord.audit_id == audit_id)
        .group_by(ObservationRecord.service, ObservationRecord.status)
    )
    counts: dict[str, dict[str, int]] = {}
    for service, status, count in session.exec(query):
        counts.setdefault(service, {})[status] = int(count)
    return counts


def record_services(session: Session, audit_id: int, services: dict[str, Any]) -> None:
    """Store an audit's per-service health (tracker.service_health)."""
    session.execute(update(Audit).where(col(Audit.id) == audit_id).values(services=services))


def list_audits(session: Session, limit: int | None = None) -> list[Audit]:
    """Audits, newest first."""
    query = select(Audit).order_by(col(Audit.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def existing_paper_ids(session: Session, paper_ids: Iterable[int]) -> set[int]:
    """Which of these ids are stored papers."""
    ids = list(paper_ids)
    if not ids:
        return set()
    query = select(Paper.id).where(col(Paper.id).in_(ids))
    return {paper_id for paper_id in session.exec(query) if paper_id is not None}


def papers_by_last_scored(session: Session) -> list[tuple[int, datetime | None]]:
    """Every paper with the time of its newest scorecard (None: never scored), by paper id."""
    newest = (
        select(ScorecardRecord.paper_id, func.max(ScorecardRecord.created_at).label("last"))
        .group_by(ScorecardRecord.paper_id)
        .subquery()
    )
    query = (
        select(Paper.id, newest.c.last)
        .join(newest, newest.c.paper_id == Paper.id, isouter=True)
        .order_by(col(Paper.id))
    )
    return [(int(paper_id), aware(last)) for paper_id, last in session.exec(query)]


def papers_awaiting_a_look(session: Session) -> list[int]:
    """Papers with a link whose newest observation is rate limited (deferred or refused).

    Least recently observed first: ordered by the time of the link's newest observation that
    was not rate limited (never observed first), then by paper id.
    """
    newest = (
        select(ObservationRecord.link_id, func.max(ObservationRecord.id).label("last_id"))
        .group_by(ObservationRecord.link_id)
        .subquery()
    )
    waiting = (
        select(Link.id, Link.paper_id)
        .join(newest, newest.c.link_id == Link.id)
        .join(ObservationRecord, col(ObservationRecord.id) == newest.c.last_id)
        .where(ObservationRecord.status == "rate_limited")
    )
    link_papers = {int(link_id): int(paper_id) for link_id, paper_id in session.exec(waiting)}
    if not link_papers:
        return []
    looked = (
        select(ObservationRecord.link_id, func.max(ObservationRecord.checked_at))
        .where(col(ObservationRecord.link_id).in_(list(link_papers)))
        .where(ObservationRecord.status != "rate_limited")
        .group_by(ObservationRecord.link_id)
    )
    last_look = {int(link_id): aware(moment) for link_id, moment in session.exec(looked)}
    never = datetime.min.replace(tzinfo=UTC)
    oldest: dict[int, datetime] = {}
    for link_id, paper_id in link_papers.items():
        moment = last_look.get(link_id) or never
        oldest[paper_id] = min(moment, oldest.get(paper_id, moment))
    return sorted(oldest, key=lambda paper_id: (oldest[paper_id], paper_id))
