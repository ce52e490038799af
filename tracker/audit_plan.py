"""What an audit will check (its plan), and which unfinished audit may be resumed."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from tracker.errors import InputError
from tracker.store.audits import (
    aware,
    existing_paper_ids,
    get_audit,
    latest_unfinished,
    papers_awaiting_a_look,
    papers_by_last_scored,
)
from tracker.store.models import Audit

DEFAULT_INTERVAL = timedelta(days=7)  # [audit] interval_days
STALE_HEARTBEAT = timedelta(minutes=10)  # a running audit this quiet is taken for dead


def plan_audit(
    session: Session,
    *,
    paper_ids: Sequence[int] | None = None,
    due_only: bool = False,
    interval: timedelta = DEFAULT_INTERVAL,
    limit: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """The ids of the papers an audit will check, in the order it checks them.

    Explicit `paper_ids` are kept in their order (an unknown id is an InputError). Otherwise
    every paper, by id; with `due_only`, only those never scored or whose newest scorecard
    is older than `interval`, never-scored first and then the longest-unscored first, so that
    `--due --limit N` works through a backlog in rotation. `limit` keeps the first N.

    Either way, papers with a link whose last look was rate limited (deferred when a quota
    ran out) come first, least recently observed first, and are due: a quota-bound audit
    leaves them to the next one, which must reach them before it spends the quota again.
    """
    now = now or datetime.now(UTC)
    if paper_ids:
        wanted = list(dict.fromkeys(paper_ids))
        unknown = [i for i in wanted if i not in existing_paper_ids(session, wanted)]
        if unknown:
            shown = ", ".join(f"#{i}" for i in unknown)
            raise InputError(f"no stored paper {shown} (see `reprotrack papers`)", key="--paper")
        candidates = [(i, None) for i in wanted]
    else:
        candidates = papers_by_last_scored(session)
    awaiting: list[int] = []
    if not paper_ids:
        awaiting = papers_awaiting_a_look(session)
    if due_only:
        cutoff = now - interval
        due = [(i, last) for i, last in candidates if last is None or last < cutoff]
        never = datetime.min.replace(tzinfo=UTC)
        candidates = sorted(due, key=lambda item: (item[1] or never, item[0]))
    first = set(awaiting)
    planned = awaiting + [paper_id for paper_id, _ in candidates if paper_id not in first]
    return planned[:limit] if limit is not None else planned


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def is_live(audit: Audit, *, now: datetime | None = None, host: str | None = None) -> bool:
    """Whether an audit is running in a live process.

    A running audit is dead when its process is gone from this host, or (on any host) when
    its heartbeat is older than `STALE_HEARTBEAT`.
    """
    if audit.status != "running":
        return False
    now = now or datetime.now(UTC)
    host = host or socket.gethostname()
    if audit.host == host and audit.pid is not None and not process_alive(audit.pid):
        return False
    last = aware(audit.heartbeat_at or audit.started_at)
    return last is not None and now - last <= STALE_HEARTBEAT


#: A failed audit resumes too: its observations are kept, and what failed it may be fixed.
RESUMABLE = ("running", "interrupted", "failed")


def _latest_if_failed(session: Session) -> Audit | None:
    """The newest audit of all when it failed (an older failed one was superseded)."""
    newest = session.exec(select(Audit).order_by(col(Audit.id).desc()).limit(1)).first()
    return newest if newest is not None and newest.status == "failed" else None


def find_resumable(session: Session, audit_id: int | None = None) -> Audit:
    """The audit `--resume` continues: the given one, else the newest unfinished one, else
    the newest audit if it failed.

    Raises InputError (exit 2) when there is none, when it has finished, or when it is
    still running in a live process.
    """
    if audit_id is None:
        audit = latest_unfinished(session) or _latest_if_failed(session)
        if audit is None:
            raise InputError("no unfinished audit to resume", key="--resume")
    else:
        audit = get_audit(session, audit_id)
        if audit is None:
            raise InputError(f"no audit #{audit_id}", key="--resume")
        if audit.status not in RESUMABLE:
            raise InputError(f"audit #{audit_id} is {audit.status}: nothing to resume",
                             key="--resume")
    if is_live(audit):
        raise InputError(
            f"audit #{audit.id} is still running (pid {audit.pid} on {audit.host}); "
            "stop it first, or wait for it to finish",
            key="--resume",
        )
    return audit
