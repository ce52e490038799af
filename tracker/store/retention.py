"""Retention: every audit is kept whole for `keep_all_days`, then one a month, changes always.

An audit older than `keep_all_days` that is not the first finished audit of its calendar
month is thinned: its observations that repeat the link's previous observation (same status,
reason and facts) and its scorecards that repeat the paper's previous scorecard (same score,
grade, status, coverage, checklist, promise and outcome of every criterion) are deleted. What
changed is never deleted, so every change event (`tracker.changes`) is still found, between
the audits that remain. The audit rows stay, with their cost figures. Bodies in `content`
that nothing refers to any more are deleted last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Engine

from tracker.store.audits import aware
from tracker.store.content import (
    CONTENT_COLUMNS,
    NESTED,
    expand_value,
    fetch_bodies,
    reference_of,
    references_on_row,
)
from tracker.store.models import Audit, ContentRecord, ObservationRecord, ScorecardRecord

FINISHED = ("completed", "degraded")
_OUTCOME_KEYS = ("score", "grade", "status", "coverage", "checklist", "promise_unfulfilled")


@dataclass(frozen=True)
class Thinned:
    """What one pass of `thin_history` removed."""

    audits: int
    observations: int
    scorecards: int
    bodies: int


def audits_to_thin(
    audits: Iterable[tuple[int, str, datetime | None]], *, keep_all_days: float, now: datetime
) -> list[int]:
    """Of (id, status, started_at), the audits to thin: older than the window, not monthly."""
    cutoff = now - timedelta(days=keep_all_days)
    monthly: dict[tuple[int, int], int] = {}
    old: list[tuple[int, str, datetime]] = []
    for audit_id, status, started in sorted(audits, key=lambda a: a[0]):
        started = aware(started)
        if started is None or started >= cutoff or status not in FINISHED + ("failed",):
            continue
        old.append((audit_id, status, started))
        if status in FINISHED:
            monthly.setdefault((started.year, started.month), audit_id)
    kept = set(monthly.values())
    return [audit_id for audit_id, _, _ in old if audit_id not in kept]


def thin_history(engine: Engine, *, keep_all_days: float, now: datetime | None = None) -> Thinned:
    """Thin the audits older than `keep_all_days` (0 or less: keep everything)."""
    if keep_all_days <= 0:
        return Thinned(0, 0, 0, 0)
    now = now or datetime.now(UTC)
    with engine.begin() as connection:
        audits = connection.execute(select(Audit.id, Audit.status, Audit.started_at)).all()
        thinned = audits_to_thin([tuple(a) for a in audits],  # type: ignore[misc]
                                 keep_all_days=keep_all_days, now=now)
        if not thinned:
            return Thinned(0, 0, 0, 0)
        observations = _repeated_observations(connection, set(thinned))
        scorecards = _repeated_scorecards(connection, set(thinned))
        for table, ids in ((ObservationRecord, observations), (ScorecardRecord, scorecards)):
            for start in range(0, len(ids), 500):
                connection.execute(delete(table).where(table.id.in_(ids[start:start + 500])))  # type: ignore[attr-defined]
        bodies = _drop_unreferenced_bodies(connection)
    return Thinned(len(thinned), len(observations), len(scorecards), bodies)


def _repeated_observations(connection: Connection, audit_ids: set[int]) -> list[int]:
    """Observations of these audits equal to their link's previous observation."""
    table = ObservationRecord.__table__  # type: ignore[attr-defined]
    query = select(table.c.id, table.c.link_id, table.c.audit_id, table.c.status,
                   table.c.reason, table.c.facts).order_by(table.c.link_id, table.c.id)
    repeated, previous = [], None
    for row in connection.execute(query):
        key = (row.link_id, row.status, row.reason, _stored_form(row.facts))
        if previous is not None and key == previous and row.audit_id in audit_ids:
            repeated.append(row.id)
        previous = key
    return repeated


def _repeated_scorecards(connection: Connection, audit_ids: set[int]) -> list[int]:
    """Scorecards of these audits that conclude what their paper's previous one did."""
    table = ScorecardRecord.__table__  # type: ignore[attr-defined]
    query = select(table).order_by(table.c.paper_id, table.c.id)
    repeated, previous = [], None
    for row in connection.execute(query):
        findings = expand_value(connection, row.findings) or {}
        outcomes = tuple(sorted((name, (finding or {}).get("outcome"))
                                for name, finding in (findings.get("criteria") or {}).items()))
        key = (row.paper_id, *(getattr(row, k) for k in _OUTCOME_KEYS), outcomes)
        if previous is not None and key == previous and row.audit_id in audit_ids:
            repeated.append(row.id)
        previous = key
    return repeated


def _stored_form(value: Any) -> str:
    digest = reference_of(value)
    return digest if digest is not None else repr(value)


def _drop_unreferenced_bodies(connection: Connection) -> int:
    """Delete content bodies that no row refers to, directly or through a criterion."""
    used: set[str] = set()
    for model, columns in CONTENT_COLUMNS.items():
        table = model.__table__  # type: ignore[attr-defined]
        for row in connection.execute(select(*(table.c[name] for name in columns))):
            for name, value in zip(columns, row, strict=True):
                used |= _references(connection, value, nested=name in NESTED)
    stored = set(connection.execute(select(ContentRecord.digest)).scalars())  # type: ignore[call-overload]
    unused = sorted(stored - used)
    for start in range(0, len(unused), 500):
        connection.execute(delete(ContentRecord).where(
            ContentRecord.digest.in_(unused[start:start + 500])))  # type: ignore[attr-defined]
    return len(unused)


def _references(connection: Connection, value: Any, *, nested: bool) -> set[str]:
    """The digests a stored value refers to (and, for findings, its criteria's)."""
    digest = reference_of(value)
    found = references_on_row(value)
    if nested:
        outer = fetch_bodies(connection, [digest]).get(digest) if digest is not None else value
        criteria = outer.get("criteria") if isinstance(outer, dict) else None
        if isinstance(criteria, dict):
            found |= {d for part in criteria.values() if (d := reference_of(part)) is not None}
    return found
