"""One writer thread commits observations and scorecards in batches; SQLite runs in WAL mode."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from hub_papers import papers_citing, sources_for
from sqlalchemy import event, text
from sqlmodel import Session, func, select

from tracker.auditing import run_audit
from tracker.kernel import LinkStatus, Observation
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.store.engine import open_store
from tracker.store.models import ObservationRecord, ScorecardRecord
from tracker.store.writer import StoreWriter


def _writes_by_transaction(engine: Any) -> list[tuple[str, frozenset[str]]]:
    """(thread name, tables inserted into) of every committed transaction that inserted."""
    committed: list[tuple[str, frozenset[str]]] = []
    pending: dict[int, set[str]] = {}
    lock = threading.Lock()

    @event.listens_for(engine, "before_cursor_execute")
    def seen(conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO"):
            table = statement.split()[2].strip('"')
            with lock:
                pending.setdefault(id(conn), set()).add(table)

    @event.listens_for(engine, "commit")
    def commit(conn) -> None:  # type: ignore[no-untyped-def]
        with lock:
            tables = pending.pop(id(conn), None)
            if tables:
                committed.append((threading.current_thread().name, frozenset(tables)))

    return committed


def test_a_file_database_runs_in_wal_mode_with_a_busy_timeout(sqlite_url: str) -> None:
    engine = open_store(sqlite_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_an_audit_commits_in_batches_from_one_writer_thread(db_url: str, fake_hub: FakeHub) -> None:
    engine = open_store(db_url)
    for n in range(24):
        fake_hub.add_model(f"org/m{n}", files={"model.safetensors": 5_000_000})
    papers_citing(engine, *[[f"https://huggingface.co/org/m{n}"] for n in range(24)])
    writes = _writes_by_transaction(engine)

    audit = run_audit(engine, sources_for(fake_hub), DEFAULT_WEIGHTS, chunk_size=12)

    assert audit.status == "completed" and audit.links_checked == 24
    observation_commits = [thread for thread, tables in writes if "observation" in tables]
    scorecard_commits = [thread for thread, tables in writes if "scorecard" in tables]
    assert set(observation_commits) == set(scorecard_commits) == {"store-writer"}
    assert len(observation_commits) < 24 / 2  # one commit per row was 24
    assert len(scorecard_commits) <= 2  # one per chunk
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ScorecardRecord)).one() == 24


def test_flush_commits_what_was_handed_over_and_close_stops_the_thread(db_url: str) -> None:
    engine = open_store(db_url)
    (paper_id,) = papers_citing(engine, ["https://huggingface.co/org/m"])
    with Session(engine) as session:
        link_id = session.exec(select(func.min(text("id"))).select_from(text("link"))).one()
    look = Observation("huggingface", LinkStatus.OK, {"repo_id": "org/m"})
    with StoreWriter(engine, linger=5.0) as writer:
        writer.observation([link_id, link_id], look, audit_id=None)
        writer.flush()  # does not wait for the linger
        with Session(engine) as session:
            rows = session.exec(select(ObservationRecord)).all()
        assert [row.facts for row in rows] == [{"repo_id": "org/m"}] * 2
        assert writer.commits == 1
    assert Counter(thread.name for thread in threading.enumerate())["store-writer"] == 0
    assert paper_id
