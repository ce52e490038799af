"""A worker killed with -9 in the middle of a chunk: another finishes the audit, and what the
killed one had finished is not done again."""

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
    wait_for,
    workers,
)
from fakes.huggingface import ALICE_TOKEN, FakeHub


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with two_account_hub() as hub:
        yield hub  # type: ignore[misc]


def second_chunk(path: str) -> bool:
    """Whether a Hub request is about a model of the second chunk (papers 3-5)."""
    return any(f"/org/model-{n}" in path for n in range(3, 6))


@pytest.mark.postgres
def test_a_killed_workers_chunk_is_finished_by_another(
    hub: FakeHub, postgres_url: str, tmp_path: Path
) -> None:
    paper_ids = seed_papers(postgres_url, hub, 6)
    hub.faults.latency = 1.0  # a chunk takes long enough to be killed in the middle of it
    alice = environment(tmp_path, postgres_url, hub, ALICE_TOKEN, chunk_size=3)
    bob = environment(tmp_path, postgres_url, hub, BOB_TOKEN, chunk_size=3)
    assert cli(alice, "audit", "--distributed", "--no-wait").exit_code == 0

    with workers([alice], "--stalled-after", "2") as (alice_worker,):
        wait_for(lambda: any(second_chunk(request.path) for request in hub.log),
                 "alice's second chunk to send a request")
        alice_worker.kill()  # SIGKILL, its requests unanswered: no clean-up at all
        alice_worker.wait()
    assert audit_row(postgres_url, 1).status == "running"
    assert audit_row(postgres_url, 1).papers_done == 3  # killed in the middle of chunk 2

    with workers([bob], "--stalled-after", "2"):
        wait_for(lambda: audit_row(postgres_url, 1).status != "running", "the audit's end")

    audit = audit_row(postgres_url, 1)
    assert (audit.status, audit.papers_done, audit.links_checked) == ("completed", 6, 12)
    assert scorecards_per_paper(postgres_url, 1) == {paper_id: 1 for paper_id in paper_ids}
    looks, _ = audit_results(postgres_url, 1)
    assert all(len(observations) == 1 for observations in looks.values())
    # The chunk alice finished was not observed again; bob did the rest with his own token.
    bob_asked = {request.path for request in hub.log
                 if request.header("authorization") == f"Bearer {BOB_TOKEN}"}
    assert not any(f"/org/model-{n}" in path for path in bob_asked for n in range(3))
    assert any(second_chunk(path) for path in bob_asked)
