"""Benchmark of distributed audits: one worker against two, each with its own Hub token, on an
audit bound by the Hub's per-account quota.

Run: `python -m benchmarks.workers [--papers 40] [--quota 8] [--window 6] [--chunk-size 5]
[--latency 0.02] [--single-process] [--json out.json]`. It serves a Hub (the loopback fake of tests/fakes, one
quota window per account: `--quota` requests every `--window` seconds, the Hub's `RateLimit`
headers) with `--papers` papers, each citing a model of its own and one shared dataset, and
runs the same audit in a fresh PostgreSQL schema each time (REPROTRACK_BENCH_POSTGRES_URL,
default the test database): `audit --distributed` with one `reprotrack worker` (token A), then
with two (tokens A and B), and with `--single-process` first a plain `reprotrack audit`. Workers
are started and registered before the audit is queued, so their start-up is not timed; each
run's wall time is the audit's own span (its row's `started_at` to `finished_at`: queueing
to the last chunk's end), without the start-up of the `audit` process (also reported, as
`process_wall_seconds`). It prints each run's wall time, Hub
requests (by token) and rate-limit waits, and the ratio of two workers' wall time to one's:
the target is at most 0.6. Times are measured, never judged here.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import psycopg  # noqa: E402
from fakes.huggingface import FakeHub  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from tracker.links import normalise_url  # noqa: E402
from tracker.store.engine import open_store, transaction  # noqa: E402
from tracker.store.models import Audit, Paper  # noqa: E402
from tracker.store.papers import add_links  # noqa: E402

POSTGRES_URL = os.environ.get("REPROTRACK_BENCH_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REPROTRACK = str(Path(sys.executable).with_name("reprotrack"))
TOKENS = {"hf_benchTokenA0123456789abcdef0": "worker-a",
          "hf_benchTokenB0123456789abcdef0": "worker-b"}
RUNS = ("1 worker", "2 workers")


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A new PostgreSQL schema (dropped afterwards); the store URL that uses it."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def seed(db_url: str, hub: FakeHub, papers: int) -> None:
    """`papers` papers, each citing its own Hub model and one shared dataset."""
    hub.add_dataset("org/shared-data", files={"data/train.parquet": 1_000_000})
    with transaction(open_store(db_url)) as session:
        for n in range(papers):
            hub.add_model(f"org/model-{n}", files={"model.safetensors": 5_000_000})
            paper = Paper(title=f"Model paper {n}", title_key=f"model paper {n}")
            session.add(paper)
            session.flush()
            urls = [f"https://huggingface.co/org/model-{n}",
                    "https://huggingface.co/datasets/org/shared-data"]
            add_links(session, paper, [(normalise_url(u), "abstract") for u in urls])


def environment(db_url: str, hub: FakeHub, token: str, config: Path) -> dict[str, str]:
    """One machine's environment: the store, the fake Hub, its own token."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "HF_TOKEN")}
    env.update(REPROTRACK_DATABASE_URL=db_url, REPROTRACK_CONFIG=str(config),
               HF_ENDPOINT=hub.url, HF_TOKEN=token,
               OSF_API_URL="http://127.0.0.1:9/unreachable",
               GITHUB_API_URL="http://127.0.0.1:9/unreachable")
    return env


def registered_workers(db_url: str) -> int:
    """Workers procrastinate knows as alive in this store (0 before its tables exist)."""
    with Session(open_store(db_url)) as session:
        if session.execute(text("SELECT to_regclass('procrastinate_workers')")).scalar() is None:
            return 0
        return int(session.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar()
                   or 0)


def run_once(run: str, args: argparse.Namespace, config: Path) -> dict[str, Any]:
    """One audit of the corpus in a fresh schema and a fresh Hub; its figures."""
    tokens = list(TOKENS)
    with fresh_schema() as db_url, FakeHub(TOKENS, rate_limit=args.quota,
                                           rate_window=args.window,
                                           quota_per_account=True) as hub:
        hub.faults.latency = args.latency
        seed(db_url, hub, args.papers)
        coordinator = environment(db_url, hub, tokens[0], config)
        workers: list[subprocess.Popen[bytes]] = []
        try:
            if run == "single process":
                hub.log.clear()
                started = time.monotonic()
                subprocess.run([REPROTRACK, "audit"], env=coordinator, check=True,
                               stderr=subprocess.DEVNULL)
            else:
                count = 1 if run == "1 worker" else 2
                workers = [subprocess.Popen([REPROTRACK, "worker"],
                                            env=environment(db_url, hub, token, config),
                                            stderr=_log(args.logs, run, TOKENS[token]))
                           for token in tokens[:count]]
                deadline = time.monotonic() + 120
                while registered_workers(db_url) < count:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the workers did not start")
                    time.sleep(0.2)
                hub.log.clear()
                started = time.monotonic()
                subprocess.run([REPROTRACK, "audit", "--distributed"], env=coordinator,
                               check=True, stderr=subprocess.DEVNULL)
            process_wall = time.monotonic() - started
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=60)
        by_token = Counter(TOKENS.get(r.header("authorization").removeprefix("Bearer "), "?")
                           for r in hub.log if r.path.startswith("/api/"))
        with Session(open_store(db_url)) as session:
            audit = session.get(Audit, 1)
            assert audit is not None and audit.finished_at is not None
            # The audit's own span, from its row's start to its end: the coordinator's
            # process start-up (seconds on a loaded machine) is not the audit's work.
            wall = (audit.finished_at - audit.started_at).total_seconds()
            return {"run": run, "status": audit.status, "papers": audit.papers_done,
                    "links_checked": audit.links_checked, "wall_seconds": round(wall, 2),
                    "process_wall_seconds": round(process_wall, 2),
                    "hub_requests": dict(sorted(by_token.items())),
                    "rate_limit_waits": audit.rate_limit_waits}


def _log(folder: Path | None, run: str, worker: str) -> Any:
    """Where a worker's stderr goes: a file in `folder` (`--logs`), else nowhere."""
    if folder is None:
        return subprocess.DEVNULL
    folder.mkdir(parents=True, exist_ok=True)
    return (folder / f"{run.replace(' ', '-')}-{worker}.log").open("w")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the three audits, print the table and the ratio; the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=40)
    parser.add_argument("--quota", type=int, default=8,
                        help="Hub API requests per window, per account (default 8)")
    parser.add_argument("--window", type=int, default=6, help="seconds per quota window")
    parser.add_argument("--chunk-size", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.02,
                        help="seconds added to every Hub request")
    parser.add_argument("--single-process", action="store_true",
                        help="also time a single-process `reprotrack audit` (its start-up "
                        "included)")
    parser.add_argument("--logs", type=Path, default=None,
                        help="keep each worker's log (one line per chunk) in this folder")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        config = Path(workdir) / "reprotrack.toml"
        config.write_text("[discovery]\nenabled = false\n"
                          f"[audit]\nchunk_size = {args.chunk_size}\n")
        runs = (("single process",) if args.single_process else ()) + RUNS
        rows = [run_once(run, args, config) for run in runs]
    walls = {row["run"]: row["wall_seconds"] for row in rows}
    figures = {
        "papers": args.papers, "quota": args.quota, "window": args.window,
        "chunk_size": args.chunk_size, "latency": args.latency, "runs": rows,
        "two_over_one": round(walls["2 workers"] / walls["1 worker"], 3),
    }
    print(f"{args.papers} papers, Hub quota {args.quota} requests / {args.window}s per "
          f"account, chunks of {args.chunk_size}, latency {args.latency}s")
    print(f"{'run':<16}{'status':<11}{'papers':>7}{'wall s':>9}  hub requests by token"
          "  rate-limit waits")
    for row in rows:
        print(f"{row['run']:<16}{row['status']:<11}{row['papers']:>7}{row['wall_seconds']:>9}"
              f"  {json.dumps(row['hub_requests'])}  {json.dumps(row['rate_limit_waits'])}")
    print(f"2 workers / 1 worker wall time: {figures['two_over_one']} (target <= 0.6)")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main()
