"""The audit table's queries: start, claim for a resume, progress, finish, and what is done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from tracker.sources.base import LinkStatus, Observation
from tracker.store import audits
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, Link, Paper, ScorecardRecord
from tracker.store.observations import record_observation


def _papers_with_links(engine, count: int) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """(paper id, link id) pairs; every paper cites one dataset of its own."""
    pairs = []
    with transaction(engine) as session:
        for n in range(count):
            paper = Paper(title=f"Paper {n}", title_key=f"paper {n}")
            session.add(paper)
            session.flush()
            link = Link(paper_id=paper.id, url=f"https://huggingface.co/datasets/o/d{n}",
                        kind="hf_dataset", host="huggingface.co", target=f"o/d{n}")
            session.add(link)
            session.flush()
            pairs.append((paper.id, link.id))
    return pairs


def test_an_audit_is_started_claimed_once_and_finished(db_url: str) -> None:
    engine = open_store(db_url)
    with transaction(engine) as session:
        audit = audits.start_audit(session, [3, 1, 2], trigger="cli", host="here", pid=111)
    assert audit.id is not None and audit.papers_total == 3

    with Session(engine) as session:
        stored = audits.get_audit(session, audit.id)
        assert stored is not None and stored.paper_ids == [3, 1, 2]  # the plan keeps its order
        assert audits.latest_unfinished(session).id == audit.id  # type: ignore[union-attr]
    with transaction(engine) as session:
        assert audits.claim_audit(session, stored, host="there", pid=222)
    with transaction(engine) as session:  # a second process holding the old row loses
        assert not audits.claim_audit(session, stored, host="elsewhere", pid=333)
    with transaction(engine) as session:
        audits.record_progress(session, audit.id, papers_done=2, links_checked=5, errors=1,
                               requests={"github": 9}, not_modified={"github": 4},
                               rate_limit_waits={"github": 1.5})
        audits.finish_audit(session, audit.id, "completed")

    with Session(engine) as session:
        done = session.get(Audit, audit.id)
        assert done is not None
        assert (done.status, done.host, done.pid) == ("completed", "there", 222)
        assert (done.papers_done, done.links_checked, done.errors) == (2, 5, 1)
        assert (done.requests, done.not_modified, done.rate_limit_waits) == (
            {"github": 9}, {"github": 4}, {"github": 1.5})
        assert done.finished_at is not None
        assert audits.latest_unfinished(session) is None


def test_what_an_audit_has_already_observed_and_scored(db_url: str) -> None:
    engine = open_store(db_url)
    (p1, l1), (p2, l2), (p3, l3) = _papers_with_links(engine, 3)
    with transaction(engine) as session:
        first = audits.start_audit(session, [p1, p2, p3], trigger="cli", host="h", pid=1)
        other = audits.start_audit(session, [p1], trigger="cli", host="h", pid=1)
        record_observation(session, l1, Observation("huggingface", LinkStatus.OK), audit_id=first.id)
        record_observation(session, l2, Observation("huggingface", LinkStatus.ERROR), audit_id=first.id)
        record_observation(session, l3, Observation("huggingface", LinkStatus.OK), audit_id=other.id)
        session.add(ScorecardRecord(paper_id=p1, audit_id=first.id))
        session.add(ScorecardRecord(paper_id=p3, audit_id=other.id))

    with Session(engine) as session:
        assert audits.observed_link_ids(session, first.id, [l1, l2, l3]) == {l1, l2}
        assert audits.scored_paper_ids(session, first.id, [p1, p2, p3]) == {p1}
        assert audits.papers_scored(session, first.id) == 1
        assert audits.observation_status_counts(session, first.id) == {"ok": 1, "error": 1}
        by_url = audits.observations_by_url(
            session, first.id, ["https://huggingface.co/datasets/o/d0",
                                "https://huggingface.co/datasets/o/d2"])
        assert list(by_url) == ["https://huggingface.co/datasets/o/d0"]  # d2: another audit's


def test_papers_by_last_scored_gives_never_scored_papers_none(db_url: str) -> None:
    engine = open_store(db_url)
    (p1, _), (p2, _) = _papers_with_links(engine, 2)
    old = datetime(2024, 1, 1, tzinfo=UTC)
    with transaction(engine) as session:
        session.add(ScorecardRecord(paper_id=p1, created_at=old))
        session.add(ScorecardRecord(paper_id=p1, created_at=old + timedelta(days=3)))

    with Session(engine) as session:
        assert audits.papers_by_last_scored(session) == [(p1, old + timedelta(days=3)), (p2, None)]
        assert audits.existing_paper_ids(session, [p1, p2, 9999]) == {p1, p2}
