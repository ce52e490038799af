"""Retention thins old audits to one a month without losing any change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from hub_papers import papers_citing, sources_for
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tracker.auditing import run_audit
from tracker.changes import detect_changes
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, ObservationRecord, ScorecardRecord
from tracker.store.retention import audits_to_thin, thin_history

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_only_old_audits_that_are_not_the_first_of_their_month_are_thinned() -> None:
    audits = [(1, "completed", datetime(2026, 5, 3, tzinfo=UTC)),
              (2, "completed", datetime(2026, 5, 10, tzinfo=UTC)),
              (3, "failed", datetime(2026, 5, 17, tzinfo=UTC)),
              (4, "interrupted", datetime(2026, 6, 1, tzinfo=UTC)),  # resumable: left alone
              (5, "degraded", datetime(2026, 6, 2, tzinfo=UTC)),
              (6, "completed", datetime(2026, 11, 20, tzinfo=UTC))]  # inside 90 days
    assert audits_to_thin(audits, keep_all_days=90, now=NOW) == [2, 3]


def _changes(engine, audit_id: int, previous: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return [(c.paper_id, c.link_url, c.kind, c.before, c.after, c.summary)
                for c in detect_changes(session, audit_id, previous)]


def test_thinning_keeps_every_change_and_drops_repeats(db_url: str, fake_hub: FakeHub) -> None:
    engine = open_store(db_url)
    for n in range(3):
        fake_hub.add_model(f"org/m{n}", license="mit",
                           files={f"shard-{k}.safetensors": k for k in range(8)})
    papers_citing(engine, *[[f"https://huggingface.co/org/m{n}"] for n in range(3)])
    ids = []
    for week in range(4):
        if week == 2:  # a license changes between the second and third audit
            fake_hub.repos[("model", "org/m1")].license = "cc-by-nc-4.0"
        ids.append(run_audit(engine, sources_for(fake_hub), DEFAULT_WEIGHTS).id)
    with transaction(engine) as session:  # audits 1-3 in May, audit 4 in November
        for audit_id, day in zip(ids, (3, 10, 17, 170), strict=True):
            when = datetime(2026, 5, 1, tzinfo=UTC) + timedelta(days=day)
            session.execute(update(Audit).where(col(Audit.id) == audit_id)
                            .values(started_at=when, finished_at=when))
            for table in (ObservationRecord, ScorecardRecord):
                column = table.checked_at if table is ObservationRecord else table.created_at
                session.execute(update(table).where(col(table.audit_id) == audit_id)
                                .values({column: when}))
    before = _changes(engine, ids[2], ids[0]), _changes(engine, ids[3], ids[0])
    assert before[0]  # the license change

    thinned = thin_history(engine, keep_all_days=90, now=NOW)

    assert thinned.audits == 2 and thinned.observations == 3 + 2  # audit 2, and 3's repeats
    assert (_changes(engine, ids[2], ids[0]), _changes(engine, ids[3], ids[0])) == before
    with Session(engine) as session:
        left = dict(session.exec(select(ObservationRecord.audit_id, func.count())
                                 .group_by(ObservationRecord.audit_id)).all())
    assert left == {ids[0]: 3, ids[2]: 1, ids[3]: 3}
