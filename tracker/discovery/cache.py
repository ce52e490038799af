"""Look-ups in paper indexes, cached in the database with their time.

A found answer is reused for `refresh_days`; a not-found answer for `retry_not_found_days`
(so a paper no index knows is searched again only after that interval). Failures (rate
limits, outages) are never cached: the next run simply asks again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.config import DiscoverySettings
from tracker.store.engine import transaction
from tracker.store.models import Lookup


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fresh_lookup(
    engine: Engine, key: str, settings: DiscoverySettings, now: datetime
) -> Lookup | None:
    """The cached answer for `key` when it is still young enough to trust, else None."""
    with Session(engine) as session:
        row = session.exec(select(Lookup).where(Lookup.key == key)).first()
    if row is None:
        return None
    days = settings.refresh_days if row.found else settings.retry_not_found_days
    if now - _aware(row.looked_up_at) >= timedelta(days=days):
        return None
    return row


def save_lookup(
    engine: Engine,
    key: str,
    kind: str,
    *,
    found: bool,
    result: dict[str, Any],
    now: datetime,
) -> None:
    """Record (or replace) the answer to a look-up, stamped with `now`."""
    with transaction(engine) as session:
        row = session.exec(select(Lookup).where(Lookup.key == key)).first()
        if row is None:
            row = Lookup(key=key, kind=kind)
        row.found = found
        row.result = result
        row.looked_up_at = now
        session.add(row)
