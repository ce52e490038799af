"""One audit at a time per database: a second one is refused while the first is alive."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, col, select

from tracker.audit_plan import is_live
from tracker.errors import InputError
from tracker.store.models import Audit

# Any fixed number: the key of PostgreSQL's advisory lock that serialises audit starts.
_START_LOCK = 0x72707472  # "rptr"


def lock_audit_starts(session: Session) -> None:
    """Serialise audit starts until the session's transaction ends, so that two audits
    started at the same moment cannot both find none running."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _START_LOCK})
    elif dialect == "sqlite":
        # A write statement, even one touching no row, takes SQLite's write lock now
        # (waiting up to busy_timeout) instead of at the insert, after the check.
        session.execute(text("UPDATE audit SET id = id WHERE 0"))


def refuse_concurrent_audit(session: Session) -> None:
    """InputError (exit 2) when an audit is running in a live process (call it inside the
    transaction that starts the new audit, after `lock_audit_starts`)."""
    lock_audit_starts(session)
    running = session.exec(
        select(Audit).where(col(Audit.status) == "running").order_by(col(Audit.id).desc())
    ).all()
    for audit in running:
        if is_live(audit):
            where = (f"pid {audit.pid} on {audit.host}" if audit.host is not None
                     else "distributed, on the workers")
            raise InputError(
                f"audit #{audit.id} is already running ({where}): "
                "wait for it to finish, or stop it; two audits would check the same links "
                "twice",
                key="audit",
            )
