"""Queries and writes of distributed audits: the audit row locked while a chunk's figures are
added, what of the plan is left, reopening an audit, and the task queue's schema."""

from __future__ import annotations

from sqlalchemy import text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.store.audits import existing_paper_ids, scored_paper_ids
from tracker.store.models import Audit, _now

# Any fixed number (not the audit-start key): serialises installing the queue's tables.
_SCHEMA_LOCK = 0x72707471  # "rptq"


def lock_audit(session: Session, audit_id: int) -> Audit | None:
    """The audit row, locked (SELECT ... FOR UPDATE) until the session's transaction ends."""
    return session.exec(
        select(Audit).where(col(Audit.id) == audit_id).with_for_update()
    ).first()


def papers_left(session: Session, audit: Audit) -> list[int]:
    """Planned papers, still stored, without a scorecard in this audit (in plan order)."""
    assert audit.id is not None
    plan = list(dict.fromkeys(audit.paper_ids))
    stored = existing_paper_ids(session, plan)
    scored = scored_paper_ids(session, audit.id, plan)
    return [paper_id for paper_id in plan if paper_id in stored and paper_id not in scored]


def reopen_audit(session: Session, audit: Audit) -> bool:
    """Mark an unfinished audit running again, owned by no process (workers run it).

    False when another process changed its status first (the same compare-and-set as
    `tracker.store.audits.claim_audit`).
    """
    statement = (
        update(Audit)
        .where(col(Audit.id) == audit.id, col(Audit.status) == audit.status)
        .values(status="running", host=None, pid=None, heartbeat_at=_now(), message=None,
                finished_at=None)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def disown_audit(session: Session, audit: Audit) -> None:
    """A distributed audit belongs to no process: its liveness is its heartbeat alone."""
    audit.host, audit.pid = None, None
    session.add(audit)
    session.flush()


def install_queue_schema(engine: Engine, schema_sql: str) -> bool:
    """Create the task queue's tables (procrastinate's schema) unless they exist.

    Serialised by an advisory lock, so that workers starting together install it once;
    True when it was installed now.
    """
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        found = connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar()
        if found is not None:
            return False
        # psycopg's own connection, in the same transaction: the schema is many statements,
        # which psycopg runs as one simple query when given no parameters.
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute(schema_sql)
        return True
