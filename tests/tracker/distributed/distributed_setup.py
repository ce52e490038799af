"""What the distributed-audit tests share: a Hub with two accounts, papers, workers, results."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fakes.huggingface import ALICE_TOKEN, FakeHub
from click.testing import Result
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.links import normalise_url
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, Link, ObservationRecord, Paper, ScorecardRecord
from tracker.store.papers import add_links

BOB_TOKEN = "hf_fakeBobToken0123456789abcdef0"
REPROTRACK = str(Path(sys.executable).with_name("reprotrack"))
CONFIG = (
    "[discovery]\nenabled = false\n"
    "[http]\nbackoff_base = 0.01\nmax_retries = 1\ntimeout = 5\n"
    "[audit]\nchunk_size = {chunk_size}\n"
)


def two_account_hub() -> FakeHub:
    """A Hub knowing alice and bob, metering each account's quota on its own (not started)."""
    return FakeHub({ALICE_TOKEN: "alice", BOB_TOKEN: "bob"}, quota_per_account=True)


def seed_papers(db_url: str, hub: FakeHub, count: int) -> list[int]:
    """`count` papers, each citing a Hub model of its own and one shared dataset; every third
    model is missing (an observation too, and a lower score)."""
    hub.add_dataset("org/shared-data", files={"data/train.parquet": 1_000_000})
    paper_ids = []
    with transaction(open_store(db_url)) as session:
        for n in range(count):
            if n % 3 != 2:
                hub.add_model(f"org/model-{n}", files={"model.safetensors": 5_000_000,
                                                       "train.py": 2_000})
            paper = Paper(title=f"Model paper {n}", title_key=f"model paper {n}")
            session.add(paper)
            session.flush()
            urls = [f"https://huggingface.co/org/model-{n}",
                    "https://huggingface.co/datasets/org/shared-data"]
            add_links(session, paper, [(normalise_url(u), "abstract") for u in urls])
            paper_ids.append(paper.id)
    return paper_ids


def environment(tmp_path: Path, db_url: str, hub: FakeHub, token: str | None, *,
                chunk_size: int) -> dict[str, str]:
    """The environment of one machine: the store, the fakes, its own token and config."""
    config = tmp_path / f"reprotrack-{chunk_size}.toml"
    config.write_text(CONFIG.format(chunk_size=chunk_size))
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG")}
    env.update(REPROTRACK_DATABASE_URL=db_url, REPROTRACK_CONFIG=str(config),
               HF_ENDPOINT=hub.url, OSF_API_URL="http://127.0.0.1:9/unreachable",
               GITHUB_API_URL="http://127.0.0.1:9/unreachable")
    if token is not None:
        env["HF_TOKEN"] = token
    return env


def cli(env: dict[str, str], *args: str) -> Result:
    """`reprotrack ARGS` in this process, in the environment `env` describes."""
    overlay: dict[str, str | None] = {"GITHUB_TOKEN": None, "HF_TOKEN": None, **env}
    return CliRunner().invoke(app, list(args), env=overlay, catch_exceptions=False)


@contextmanager
def workers(
    envs: list[dict[str, str]], *args: str, logs: list[str] | None = None
) -> Iterator[list[subprocess.Popen[str]]]:
    """`reprotrack worker` processes, one per environment; stopped (SIGTERM) on the way out,
    each one's stderr then appended to `logs`."""
    started = [subprocess.Popen([REPROTRACK, "worker", *args], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for env in envs]
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                _, err = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                _, err = process.communicate()
            if logs is not None:
                logs.append(err)


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 45.0) -> Any:
    """Poll until `condition()` is truthy (returned), or fail saying what was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def audit_row(db_url: str, audit_id: int) -> Audit:
    """The audit as stored now."""
    with Session(open_store(db_url)) as session:
        audit = session.get(Audit, audit_id)
        assert audit is not None
        return audit


def audit_results(db_url: str, audit_id: int) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """What an audit found, by paper title and URL, without times or ids: each link's
    observations (service, status, reason, facts) and each paper's scorecards."""
    with Session(open_store(db_url)) as session:
        looks: dict[Any, Any] = {}
        for paper, link, row in session.exec(
            select(Paper, Link, ObservationRecord)
            .join(Link, Link.paper_id == Paper.id)  # type: ignore[arg-type]
            .join(ObservationRecord, ObservationRecord.link_id == Link.id)  # type: ignore[arg-type]
            .where(ObservationRecord.audit_id == audit_id)
        ):
            looks.setdefault((paper.title, link.url), []).append(
                (row.service, row.status, row.reason, row.facts))
        cards: dict[Any, Any] = {}
        for paper, card in session.exec(
            select(Paper, ScorecardRecord).join(ScorecardRecord,
                                                ScorecardRecord.paper_id == Paper.id)  # type: ignore[arg-type]
            .where(ScorecardRecord.audit_id == audit_id)
        ):
            cards.setdefault(paper.title, []).append(
                (card.score, card.grade, card.status, card.coverage, card.checklist,
                 card.promise_unfulfilled, card.best_code_url, card.findings, card.figures))
    return looks, cards


def scorecards_per_paper(db_url: str, audit_id: int) -> dict[int, int]:
    """How many scorecards each paper got in one audit."""
    with Session(open_store(db_url)) as session:
        return dict(session.exec(
            select(ScorecardRecord.paper_id, func.count())
            .where(ScorecardRecord.audit_id == audit_id)
            .group_by(ScorecardRecord.paper_id)).all())
