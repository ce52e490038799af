"""One chunk of a distributed audit, run in this process on both stores: what it records, that
running it again adds nothing, that the last chunk ends the audit, and when it is skipped."""

from __future__ import annotations

import pytest
from distributed_setup import seed_papers
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session

from tracker.auditing import ChunkCost
from tracker.distributed.chunk_job import WorkerState, record_chunk, run_chunk
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.sources import SourceSet
from tracker.sources.base import RequestLedger
from tracker.sources.huggingface import HuggingFaceSource
from tracker.store import audits as store
from tracker.store.distributed import disown_audit, papers_left
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit


def worker_state(db_url: str, hub: FakeHub) -> WorkerState:
    ledger = RequestLedger()
    source = HuggingFaceSource(endpoint=hub.url, ledger=ledger, backoff_base=0.01,
                               max_retries=1, timeout=5)
    return WorkerState(engine=open_store(db_url),
                       sources=SourceSet({source.service: source}, ledger),
                       concurrency_per_service=2)


def queued_audit(db_url: str, paper_ids: list[int]) -> int:
    """A running distributed audit of these papers, as `audit --distributed` records it."""
    with transaction(open_store(db_url)) as session:
        audit = store.start_audit(session, paper_ids, trigger="distributed", host="", pid=0)
        disown_audit(session, audit)
        assert audit.id is not None
        return audit.id


def stored(db_url: str, audit_id: int) -> Audit:
    with Session(open_store(db_url)) as session:
        audit = store.get_audit(session, audit_id)
        assert audit is not None
        return audit


def test_chunks_record_their_cost_and_the_last_one_ends_the_audit(
    db_url: str, fake_hub: FakeHub  # noqa: F811
) -> None:
    paper_ids = seed_papers(db_url, fake_hub, 4)
    audit_id = queued_audit(db_url, paper_ids)
    state = worker_state(db_url, fake_hub)

    first = run_chunk(state, audit_id, paper_ids[:2], DEFAULT_WEIGHTS, 30.0)
    halfway = stored(db_url, audit_id)
    last = run_chunk(state, audit_id, paper_ids[2:], DEFAULT_WEIGHTS, 30.0)
    audit = stored(db_url, audit_id)

    assert (first, halfway.papers_done, halfway.links_checked) == ("running", 2, 4)
    # two models and the shared dataset, and their cards
    assert halfway.requests == {"huggingface": 3, "huggingface_files": 3}
    assert last == "completed"
    assert (audit.status, audit.papers_done, audit.links_checked) == ("completed", 4, 8)
    # the dataset's look was reused; model-2 is missing (no card to read)
    assert audit.requests == {"huggingface": 5, "huggingface_files": 4}
    assert audit.services["huggingface"]["healthy"] is True
    assert audit.host is None and audit.pid is None


def test_a_chunk_run_again_sends_and_stores_nothing_more(
    db_url: str, fake_hub: FakeHub  # noqa: F811
) -> None:
    paper_ids = seed_papers(db_url, fake_hub, 2)
    audit_id = queued_audit(db_url, paper_ids)
    state = worker_state(db_url, fake_hub)
    run_chunk(state, audit_id, paper_ids, DEFAULT_WEIGHTS, 30.0)
    sent = len(fake_hub.log)
    # As a retried job would run it while the audit still runs (reopened for the purpose).
    with transaction(open_store(db_url)) as session:
        session.get(Audit, audit_id).status = "running"  # type: ignore[union-attr]

    again = run_chunk(state, audit_id, paper_ids, DEFAULT_WEIGHTS, 30.0)

    assert again == "completed"
    assert len(fake_hub.log) == sent
    audit = stored(db_url, audit_id)
    assert (audit.papers_done, audit.links_checked) == (2, 4)
    with Session(open_store(db_url)) as session:
        assert papers_left(session, audit) == []


@pytest.mark.parametrize("status", ["interrupted", "failed", "completed"])
def test_a_chunk_of_an_audit_no_longer_running_is_skipped(
    db_url: str, fake_hub: FakeHub, status: str  # noqa: F811
) -> None:
    paper_ids = seed_papers(db_url, fake_hub, 2)
    audit_id = queued_audit(db_url, paper_ids)
    with transaction(open_store(db_url)) as session:
        store.finish_audit(session, audit_id, status, "superseded")

    skipped = run_chunk(worker_state(db_url, fake_hub), audit_id, paper_ids, DEFAULT_WEIGHTS,
                        30.0)

    assert skipped is None
    assert fake_hub.log == []
    assert stored(db_url, audit_id).papers_done == 0


def test_a_late_chunks_cost_is_added_after_the_audit_ended(
    db_url: str, fake_hub: FakeHub  # noqa: F811
) -> None:
    paper_ids = seed_papers(db_url, fake_hub, 2)
    audit_id = queued_audit(db_url, paper_ids)
    run_chunk(worker_state(db_url, fake_hub), audit_id, paper_ids, DEFAULT_WEIGHTS, 30.0)

    status = record_chunk(open_store(db_url), audit_id,
                          ChunkCost({"huggingface": 2}, {"huggingface": 1}, {}))

    audit = stored(db_url, audit_id)
    assert status == "completed"
    assert audit.requests == {"huggingface": 5, "huggingface_files": 3}
    assert audit.not_modified == {"huggingface": 1}
