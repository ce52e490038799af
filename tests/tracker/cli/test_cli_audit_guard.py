"""One audit at a time: a second `audit` is refused while one runs; a failed audit resumes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading

from fakes.huggingface import fake_hub  # noqa: F401
from fakes.osf import fake_osf  # noqa: F401
from sqlmodel import Session, col, select
from test_cli_audit import hub_papers, looks_and_cards, run, services  # noqa: F401

from tracker.audit_guard import refuse_concurrent_audit
from tracker.errors import InputError
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit


def test_a_second_audit_is_refused_while_one_runs(services, db_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    hub, _ = services
    paper_ids, _ = hub_papers(db_url, hub, 2)
    with transaction(open_store(db_url)) as session:  # alive: this very process
        session.add(Audit(status="running", host=socket.gethostname(), pid=os.getpid(),
                          paper_ids=paper_ids, papers_total=2))

    refused = run("--db", db_url, "audit")

    assert refused.exit_code == 2
    assert refused.stderr.strip() == (
        f"error: [audit]: audit #1 is already running (pid {os.getpid()} on "
        f"{socket.gethostname()}): wait for it to finish, or stop it; two audits would "
        "check the same links twice")
    with Session(open_store(db_url)) as session:
        assert len(session.exec(select(Audit)).all()) == 1  # nothing recorded for the refusal


def test_a_dead_running_audit_does_not_block_a_new_one(services, db_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    hub, _ = services
    paper_ids, _ = hub_papers(db_url, hub, 1)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with transaction(open_store(db_url)) as session:
        session.add(Audit(status="running", host=socket.gethostname(), pid=gone.pid,
                          paper_ids=paper_ids, papers_total=1))
    assert run("--db", db_url, "audit").exit_code == 0


def test_audits_started_at_the_same_moment_are_serialised(db_url: str) -> None:
    engine = open_store(db_url)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start() -> None:
        barrier.wait()
        try:
            with transaction(engine) as session:
                refuse_concurrent_audit(session)
                session.add(Audit(status="running", host=socket.gethostname(),
                                  pid=os.getpid(), paper_ids=[], papers_total=0))
            outcomes.append("started")
        except InputError:
            outcomes.append("refused")

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["refused", "started"]


def test_resume_accepts_a_failed_audit(services, db_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    hub, _ = services
    paper_ids, link_ids = hub_papers(db_url, hub, 3)
    with transaction(open_store(db_url)) as session:
        session.add(Audit(status="failed", paper_ids=paper_ids, papers_total=3,
                          message="InvalidSchema: No connection adapters were found"))

    resumed = run("--db", db_url, "audit", "--resume")
    again = run("--db", db_url, "audit", "--resume", "1")

    assert resumed.exit_code == 0, resumed.output
    assert "audit #1 completed: 3/3 papers" in resumed.stderr
    assert again.exit_code == 2 and "audit #1 is completed: nothing to resume" in again.stderr
    looks, cards = looks_and_cards(db_url, 1)
    assert set(looks) == set(link_ids) and set(cards) == set(paper_ids)
    with Session(open_store(db_url)) as session:
        assert session.exec(select(Audit.status).where(col(Audit.id) == 1)).one() == "completed"
