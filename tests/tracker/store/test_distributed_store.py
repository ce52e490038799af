"""The store side of distributed audits: the queue's tables installed once, what is left."""

from __future__ import annotations

import threading

import pytest
from procrastinate.schema import SchemaManager
from sqlalchemy import create_engine, text
from sqlmodel import Session

from tracker.distributed.queue import connection_info, install_schema
from tracker.store import audits as store
from tracker.store.distributed import papers_left, reopen_audit
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, Paper, ScorecardRecord


@pytest.mark.postgres
def test_the_queue_tables_are_installed_once_by_workers_starting_together(
    postgres_url: str,
) -> None:
    engine = open_store(postgres_url)
    barrier = threading.Barrier(3)
    installed: list[bool] = []

    def start() -> None:
        barrier.wait()
        installed.append(install_schema(engine))

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(installed) == [False, False, True]
    assert install_schema(engine) is False
    with Session(engine) as session:  # in the store's own schema
        assert session.execute(text("SELECT count(*) FROM procrastinate_jobs")).scalar() == 0
    assert "procrastinate_jobs" in SchemaManager.get_schema()


def test_connection_info_keeps_the_options_and_drops_the_driver() -> None:
    url = "postgresql+psycopg://user:secret@db.lab:5433/rt?options=-csearch_path%3Dlab"
    # create_engine connects lazily: only the URL is read
    assert connection_info(create_engine(url)) == (
        "postgresql://user:secret@db.lab:5433/rt?options=-csearch_path%3Dlab")


def test_papers_left_and_reopening(db_url: str) -> None:
    engine = open_store(db_url)
    with transaction(engine) as session:
        papers = [Paper(title=f"p{n}") for n in range(3)]
        session.add_all(papers)
        session.flush()
        ids = [paper.id for paper in papers]
        audit = store.start_audit(session, [*ids, 999], trigger="distributed", host="", pid=0)
        session.add(ScorecardRecord(paper_id=ids[1], audit_id=audit.id))
        audit_id = audit.id
    with transaction(engine) as session:
        store.finish_audit(session, audit_id, "failed", "chunk jobs failed")
    with transaction(engine) as session:
        audit = session.get(Audit, audit_id)
        assert papers_left(session, audit) == [ids[0], ids[2]]  # 999 is gone: not left
        assert reopen_audit(session, audit) is True
    with transaction(engine) as session:
        reopened = session.get(Audit, audit_id)
        assert (reopened.status, reopened.host, reopened.pid, reopened.message) == (
            "running", None, None, None)
        stale = Audit(id=audit_id, status="failed")
        assert reopen_audit(session, stale) is False  # someone reopened it first
