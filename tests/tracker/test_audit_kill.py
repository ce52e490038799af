"""An audit killed with SIGKILL loses at most its unwritten batch, and resumes without repeats."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from hub_papers import papers_citing, sources_for
from sqlalchemy import func
from sqlmodel import Session, select

from tracker.audit_plan import find_resumable
from tracker.auditing import run_audit
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.store.engine import open_store
from tracker.store.models import Audit, ObservationRecord, ScorecardRecord

ROOT = Path(__file__).resolve().parents[2]
AUDIT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from types import SimpleNamespace
    from hub_papers import sources_for
    from tracker.auditing import run_audit
    from tracker.scoring import DEFAULT_WEIGHTS
    from tracker.store.engine import open_store

    hub = SimpleNamespace(url={hub_url!r})  # the fake runs in the test's process
    run_audit(open_store({db_url!r}), sources_for(hub), DEFAULT_WEIGHTS, chunk_size={chunk})
""")


def _looks(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(ObservationRecord)).one()


def test_a_killed_audit_resumes_and_checks_nothing_twice(db_url: str, fake_hub: FakeHub) -> None:
    engine = open_store(db_url)
    for n in range(30):
        fake_hub.add_model(f"org/m{n}", files={"model.safetensors": 5_000_000})
    papers_citing(engine, *[[f"https://huggingface.co/org/m{n}"] for n in range(30)])
    fake_hub.faults.latency = 0.3
    script = AUDIT.format(tests=str(ROOT / "tests"), hub_url=fake_hub.url, db_url=db_url,
                          chunk=5)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 60
    while _looks(engine) < 10 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    assert child.poll() is None, "the audit ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    sent_before_kill = len(fake_hub.info_requests())
    assert 10 <= _looks(engine) < 30  # killed mid-audit

    fake_hub.faults.latency = 0
    with Session(engine) as session:
        stopped = find_resumable(session)
    resumed = run_audit(engine, sources_for(fake_hub), DEFAULT_WEIGHTS, chunk_size=5,
                        resume=stopped)

    with Session(engine) as session:
        looks = dict(session.exec(
            select(ObservationRecord.link_id, func.count())
            .where(ObservationRecord.audit_id == resumed.id)
            .group_by(ObservationRecord.link_id)).all())
        cards = dict(session.exec(
            select(ScorecardRecord.paper_id, func.count())
            .where(ScorecardRecord.audit_id == resumed.id)
            .group_by(ScorecardRecord.paper_id)).all())
    assert resumed.status == "completed"
    assert len(looks) == 30 and set(looks.values()) == {1}  # nothing checked twice
    assert len(cards) == 30 and set(cards.values()) == {1}
    # Only the looks that were made but not yet committed are made again (at most a batch).
    repeated = len(fake_hub.info_requests()) - 30
    assert 0 <= repeated <= sent_before_kill - 10


def _recorded_requests(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        audit = session.exec(select(Audit)).one()
        # the Hub's API and its file downloads (the cards): both are requests sent to it
        return int(sum(audit.requests.get(service, 0)
                       for service in ("huggingface", "huggingface_files")))


def test_after_a_kill_the_recorded_cost_is_what_was_sent_within_the_last_interval(
    db_url: str, fake_hub: FakeHub,
) -> None:
    # One chunk for the whole plan: the per-chunk progress record never comes before the
    # kill, so only the ledger checkpoint can have recorded what was spent.
    engine = open_store(db_url)
    for n in range(40):
        fake_hub.add_model(f"org/m{n}", files={"model.safetensors": 5_000_000})
    papers_citing(engine, *[[f"https://huggingface.co/org/m{n}"] for n in range(40)])
    fake_hub.faults.latency = 0.3  # longer than the writer's idle checkpoint (0.25 s)
    script = AUDIT.format(tests=str(ROOT / "tests"), hub_url=fake_hub.url, db_url=db_url,
                          chunk=100)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 60
    while len(fake_hub.log) < 20 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    assert child.poll() is None, "the audit ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    time.sleep(0.5)  # let the fake answer what was in flight, so its log is whole
    sent, recorded = len(fake_hub.log), _recorded_requests(engine)

    # Unrecorded: the requests in flight (4 workers) and those answered since the last
    # checkpoint (each worker answers at most one per interval: a link's info request and
    # its card are two); never more than was sent.
    workers = 4
    assert sent >= 20
    assert 0 <= sent - recorded <= 2 * workers, (sent, recorded)

    fake_hub.faults.latency = 0
    with Session(engine) as session:
        stopped = find_resumable(session)
    run_audit(engine, sources_for(fake_hub), DEFAULT_WEIGHTS, chunk_size=100, resume=stopped)
    # The resumed run adds exactly what it sent to what the killed one recorded.
    assert _recorded_requests(engine) == recorded + (len(fake_hub.log) - sent)
