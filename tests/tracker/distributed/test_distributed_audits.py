"""`audit --distributed` with `reprotrack worker` processes on the real PostgreSQL and the fakes:
the same audit as one process, one audit at a time, and PostgreSQL only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed_setup import (
    BOB_TOKEN,
    audit_results,
    audit_row,
    cli,
    environment,
    scorecards_per_paper,
    seed_papers,
    two_account_hub,
    workers,
)
from fakes.huggingface import ALICE_TOKEN, FakeHub

from tracker.distributed.coordinator import follow_audit
from tracker.distributed.queue import make_app, queue_name
from tracker.store.engine import open_store


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with two_account_hub() as hub:
        yield hub  # type: ignore[misc]


@pytest.mark.postgres
def test_two_workers_audit_exactly_as_one_process_does(
    hub: FakeHub, postgres_url: str, sqlite_url: str, tmp_path: Path
) -> None:
    seed_papers(sqlite_url, hub, 9)
    seed_papers(postgres_url, hub, 9)
    alone = cli(environment(tmp_path, sqlite_url, hub, ALICE_TOKEN, chunk_size=2),
                       "audit")
    assert alone.exit_code == 0, alone.stderr
    hub.faults.latency = 0.1  # chunks long enough that both workers get some
    single_process_requests = len(hub.log)
    alice = environment(tmp_path, postgres_url, hub, ALICE_TOKEN, chunk_size=2)
    bob = environment(tmp_path, postgres_url, hub, BOB_TOKEN, chunk_size=2)

    logs: list[str] = []
    with workers([alice, bob], logs=logs):
        distributed = cli(alice, "audit", "--distributed")

    assert distributed.exit_code == 0, distributed.stderr
    lines = distributed.stderr.splitlines()
    assert lines[0] == ("audit #1 queued for the workers: 9 papers in 5 chunks "
                        "(start `reprotrack worker` on each machine)")
    assert lines[-1].startswith("audit #1 completed: 9/9 papers, 18 links, requests huggingface=")
    assert audit_results(postgres_url, 1) == audit_results(sqlite_url, 1)
    assert audit_row(postgres_url, 1).trigger == "distributed"
    # Each machine observed with its own token (the coordinator's own sent none).
    callers = {request.header("authorization") for request in hub.log[single_process_requests:]}
    assert callers == {f"Bearer {ALICE_TOKEN}", f"Bearer {BOB_TOKEN}"}
    # A worker's log: one line per chunk, no traceback, and never its token.
    chunk_lines = [line for log in logs for line in log.splitlines() if "chunk of" in line]
    assert len(chunk_lines) == 5, logs
    assert all("Traceback" not in log and "hf_fake" not in log for log in logs)


@pytest.mark.postgres
def test_one_audit_at_a_time(hub: FakeHub, postgres_url: str, tmp_path: Path) -> None:
    seed_papers(postgres_url, hub, 4)
    env = environment(tmp_path, postgres_url, hub, ALICE_TOKEN, chunk_size=2)

    queued = cli(env, "audit", "--distributed", "--no-wait")
    second = cli(env, "audit", "--distributed", "--no-wait")
    plain = cli(env, "audit")

    assert queued.exit_code == 0, queued.stderr
    assert queued.stderr.startswith("audit #1 queued for the workers: 4 papers in 2 chunks")
    refusal = ("error: [audit]: audit #1 is already running (distributed, on the workers): "
               "wait for it to finish, or stop it; two audits would check the same links twice")
    assert (second.exit_code, second.stderr.strip()) == (2, refusal)
    assert (plain.exit_code, plain.stderr.strip()) == (2, refusal)
    assert hub.log == []  # the refused audits sent nothing; no worker ran yet

    with workers([env], "--burst") as (worker,):
        worker.wait(timeout=60)
    assert audit_row(postgres_url, 1).status == "completed"
    assert audit_row(postgres_url, 1).papers_done == 4
    after = cli(env, "audit", "--distributed", "--no-wait")
    assert after.exit_code == 0 and after.stderr.startswith("audit #2 queued"), after.stderr


@pytest.mark.parametrize("args", [["audit", "--distributed"], ["worker"]])
def test_a_sqlite_store_is_refused_in_one_line(
    hub: FakeHub, sqlite_url: str, tmp_path: Path, args: list[str]
) -> None:
    result = cli(environment(tmp_path, sqlite_url, hub, None, chunk_size=2), *args)

    assert result.exit_code == 2
    assert result.stderr == (
        "error: [--db]: distributed audits need a PostgreSQL store (this one is sqlite); "
        "give one with --db postgresql+psycopg://...\n")


def test_no_wait_is_only_taken_with_distributed(
    hub: FakeHub, sqlite_url: str, tmp_path: Path
) -> None:
    result = cli(environment(tmp_path, sqlite_url, hub, None, chunk_size=2),
                        "audit", "--no-wait")

    assert result.exit_code == 2
    assert result.stderr == "error: [--no-wait]: --no-wait is only taken with --distributed\n"


@pytest.mark.postgres
def test_an_audit_whose_chunks_did_not_succeed_fails_then_resumes(
    hub: FakeHub, postgres_url: str, tmp_path: Path
) -> None:
    paper_ids = seed_papers(postgres_url, hub, 4)
    env = environment(tmp_path, postgres_url, hub, ALICE_TOKEN, chunk_size=2)
    assert cli(env, "audit", "--distributed", "--no-wait").exit_code == 0
    engine = open_store(postgres_url)
    queue = make_app(engine)
    with queue.open():  # what an operator's `procrastinate` cancel would do
        for job in queue.job_manager.list_jobs(queue=queue_name(1)):
            assert job.id is not None
            queue.job_manager.cancel_job_by_id(job.id)
        failed = follow_audit(engine, queue, 1, poll_seconds=0.1)

    assert (failed.status, failed.message) == (
        "failed", "2 chunk job(s) did not succeed (see the workers' logs); continue with: "
        "reprotrack audit --distributed --resume 1")
    resumed = cli(env, "audit", "--distributed", "--resume", "--no-wait")
    assert resumed.exit_code == 0, resumed.stderr
    assert resumed.stderr.startswith("audit #1 queued for the workers: 4 papers in 2 chunks")
    with workers([env], "--burst") as (worker,):
        worker.wait(timeout=60)
    audit = audit_row(postgres_url, 1)
    assert (audit.status, audit.papers_done, audit.message) == ("completed", 4, None)
    assert scorecards_per_paper(postgres_url, 1) == {paper_id: 1 for paper_id in paper_ids}
