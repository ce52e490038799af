"""Peak memory of the three big reads: a huge GitHub tree, `papers --json` and `export`.

`python -m benchmarks.memory [--tree-entries N] [--papers N] [--only tree|papers|export]
[--store FILE]`
prints one JSON line per measurement: what ran, its size, and the peak resident set size of
the process that ran it (`ru_maxrss` from `os.wait4`, i.e. that child's own RUSAGE_CHILDREN
figure, in MB), plus `idle_mb`: the same command on an empty input, so that what the item
count adds can be told from the interpreter and its imports.

- **tree**: a fake GitHub (in a process of its own) serves one repository of N files in 20
  folders, cut at GitHub's 100,000 entries per answer; the measured process observes it with
  `GitHubSource`, which walks the truncated tree folder by folder.
- **papers** / **export**: a SQLite store seeded with N papers, each with two links, an
  observation of each and a scorecard; the measured process runs `reprotrack papers --json`
  (stdout to /dev/null), `reprotrack export --format csv|jsonl --out FILE`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TREE_FOLDERS = 20
GITHUB_TREE_LIMIT = 100_000  # entries in one recursive tree answer before `truncated: true`


# -- measuring ---------------------------------------------------------------------------------
def peak_rss_mb(argv: list[str], *, stdout: Any = subprocess.DEVNULL,
                env: dict[str, str] | None = None) -> float:
    """Run `argv` to its end; the peak RSS of that process in MB (Linux reports kilobytes)."""
    child = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    assert child.stderr is not None
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(child.stderr.read()))  # type: ignore[union-attr]
    reader.start()
    _, status, usage = os.wait4(child.pid, 0)
    reader.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{argv} exited {child.returncode}: {b''.join(errors).decode()[-800:]}")
    return round(usage.ru_maxrss / 1024, 1)


# -- the huge tree -----------------------------------------------------------------------------
def big_tree_fake(entries: int, folders: int = TREE_FOLDERS) -> Any:
    """A started fake GitHub with `lab/huge`: `entries` files spread over `folders` folders.

    The tree answers are generated on demand (a million-entry dict would dwarf the measured
    process); their wire format is FakeGitHub's, cut at 100,000 entries as GitHub cuts them.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from fakes import github_json as gj
    from fakes.github import FakeGitHub
    from fakes.server import FakeResponse

    per_folder = max(1, entries // folders)
    names = [f"part{n:02d}" for n in range(folders)]

    class HugeTreeGitHub(FakeGitHub):
        def _tree(self, request: Any, repo: Any, ref: str) -> Any:
            recursive = "recursive" in request.query
            shas = {gj.folder_sha(repo.head_sha, name): name for name in names}
            if ref in (repo.default_branch, repo.head_sha):
                listed: Iterator[dict[str, Any]] = _root_entries(
                    repo.head_sha, names, per_folder, recursive)
            elif ref in shas:
                listed = _blob_entries(per_folder)
            else:
                return gj.error(404, "Not Found")
            entries_out, truncated = [], False
            for entry in listed:
                if len(entries_out) == GITHUB_TREE_LIMIT:
                    truncated = True
                    break
                entries_out.append(entry)
            self.tree_requests += 1
            return FakeResponse.json({"sha": ref, "url": "", "tree": entries_out,
                                      "truncated": truncated})

    def _blob_entries(count: int) -> Iterator[dict[str, Any]]:
        for i in range(count):  # paths are relative to the folder asked for
            yield {"path": f"file_{i:07d}.py", "mode": "100644", "type": "blob",
                   "size": 1000 + i, "sha": f"{i:040x}", "url": ""}

    def _root_entries(head: str, folder_names: list[str], count: int,
                      recursive: bool) -> Iterator[dict[str, Any]]:
        for name in folder_names:
            yield {"path": name, "mode": "040000", "type": "tree",
                   "sha": gj.folder_sha(head, name), "url": ""}
            if recursive:
                for i in range(count):
                    yield {"path": f"{name}/file_{i:07d}.py", "mode": "100644", "type": "blob",
                           "size": 1000 + i, "sha": f"{i:040x}", "url": ""}

    fake = HugeTreeGitHub().start()
    fake.add_repo("lab", "huge", tree={"README.md": 10}, readme="# Huge\n")
    return fake


def observe_huge_tree(url: str) -> None:
    """The measured side: observe `lab/huge` as an audit would (no token, default policy)."""
    from tracker.links import normalise_url
    from tracker.sources.base import RequestLedger
    from tracker.sources.github import GitHubSource

    source = GitHubSource(endpoint=url or "http://127.0.0.1:9", token=None, timeout=60, ledger=RequestLedger(),
                          max_retries=0, backoff_base=0.01, max_rate_limit_wait=5,
                          user_agent="reprotrack-benchmark", min_request_interval=None)
    link = normalise_url("https://github.com/lab/huge")
    assert link is not None
    observation = source.observe(link) if url else None
    if observation is not None:
        facts = observation.facts
        print(json.dumps({"status": str(observation.status),
                          "blobs": facts.get("tree_blob_count"),
                          "kept": len(facts.get("tree") or []),
                          "complete": facts.get("listing_complete"),
                          "requests": observation.requests}), flush=True)


def measure_tree(entries: int, *, idle: bool = True) -> dict[str, Any]:
    """Peak RSS of observing a repository of `entries` files (and, with `idle`, of the same
    process observing nothing)."""
    fake = big_tree_fake(entries)
    try:
        with tempfile.TemporaryFile() as out:
            peak = peak_rss_mb([sys.executable, "-m", "benchmarks.memory", "_tree", fake.url],
                               stdout=out)
            out.seek(0)
            seen = json.loads(out.read().decode() or "{}")
        idle_mb = (peak_rss_mb([sys.executable, "-m", "benchmarks.memory", "_tree", ""])
                   if idle else None)
    finally:
        fake.stop()
    return {"measured": "tree", "entries": entries, "peak_rss_mb": peak, "idle_mb": idle_mb,
            **seen}


# -- papers and exports ------------------------------------------------------------------------
def seed_store(db_url: str, papers: int) -> None:
    """A store of `papers` papers, each with two links, a look at each and a scorecard."""
    from tracker.kernel import LinkStatus, Observation
    from tracker.store.engine import open_store
    from tracker.store.models import Link, Paper
    from tracker.store.writer import StoreWriter

    engine = open_store(db_url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    step = 2_000
    with StoreWriter(engine) as writer:
        for start in range(0, papers, step):
            count = min(step, papers - start)
            with engine.begin() as connection:
                first = connection.execute(Paper.__table__.insert().returning(  # type: ignore[attr-defined]
                    Paper.__table__.c.id), [  # type: ignore[attr-defined]
                    {"title": f"A study of reproducible thing number {start + n} at scale",
                     "title_key": f"a study of reproducible thing number {start + n}",
                     "arxiv_id": f"25{(start + n) // 100000:02d}.{(start + n) % 100000:05d}",
                     "abstract": "We release code at https://github.com/lab/repo.",
                     "created_at": now, "updated_at": now} for n in range(count)]).all()
                paper_ids = [row[0] for row in first]
                link_rows = []
                for paper_id in paper_ids:
                    link_rows += [
                        {"paper_id": paper_id, "url": f"https://github.com/lab/repo{paper_id}",
                         "kind": "github_repo", "host": "github.com",
                         "target": f"lab/repo{paper_id}", "provenance": "abstract",
                         "confidence": 1.0, "state": "active", "created_at": now},
                        {"paper_id": paper_id, "url": f"https://huggingface.co/lab/m{paper_id}",
                         "kind": "hf_model", "host": "huggingface.co",
                         "target": f"lab/m{paper_id}", "provenance": "hf-paper",
                         "confidence": 1.0, "state": "active", "created_at": now},
                    ]
                links = connection.execute(Link.__table__.insert().returning(  # type: ignore[attr-defined]
                    Link.__table__.c.id, Link.__table__.c.paper_id), link_rows).all()  # type: ignore[attr-defined]
            for link_id, paper_id in links:
                facts = {"stars": paper_id % 500, "license_spdx": "MIT",
                         "pushed_at": "2025-06-01T00:00:00Z",
                         "tree": [{"path": "train.py", "size": 100},
                                  {"path": "requirements.txt", "size": 20}]}
                writer.observation([link_id], Observation(
                    service="github", status=LinkStatus.OK, facts=facts,
                    evidence=[f"GET /repos/lab/repo{paper_id} -> 200"], checked_at=now,
                    requests=2), audit_id=None)
            writer.scorecards([_scorecard_row(paper_id, now) for paper_id in paper_ids])
    engine.dispose()


def _scorecard_row(paper_id: int, now: datetime) -> dict[str, Any]:
    criteria = {name: {"outcome": "pass", "score": 1.0, "weight": 0.1,
                       "evidence": f"{name}: found in lab/repo{paper_id}",
                       "remediation": ""}
                for name in ("code_available", "license", "environment", "training_code",
                             "evaluation_code", "weights_released", "data_released",
                             "documentation", "versioned_release", "link_health")}
    return {"paper_id": paper_id, "audit_id": None, "score": 0.9, "grade": "A",
            "coverage": 1.0, "status": "complete", "checklist": 5,
            "promise_unfulfilled": False,
            "best_code_url": f"https://github.com/lab/repo{paper_id}",
            "weights": {}, "findings": {"criteria": criteria}, "figures": {},
            "created_at": now}


def measure_store_reads(
    papers: int, only: set[str], store: Path | None = None, *, idle: bool = True
) -> Iterator[dict[str, Any]]:
    """Peak RSS of `papers --json` and `export` over a store of `papers` papers, one figure
    at a time (`store`: an SQLite file already seeded with them, kept; else a fresh one)."""
    with tempfile.TemporaryDirectory() as folder:
        empty = f"sqlite:///{folder}/empty.db"
        if store is None:
            full = f"sqlite:///{folder}/full.db"
            seed_store(full, papers)
        else:
            full = f"sqlite:///{store}"
        seed_store(empty, 0)
        cli = [str(Path(sys.executable).parent / "reprotrack")]
        runs = []
        if "papers" in only:
            runs.append(("papers --json", ["papers", "--json"]))
        if "export" in only:
            runs += [(f"export {fmt}", ["export", "--format", fmt, "--out",
                                        f"{folder}/out.{fmt}"]) for fmt in ("csv", "jsonl")]
        for name, args in runs:
            peak = peak_rss_mb(cli + ["--db", full] + args)
            idle_mb = peak_rss_mb(cli + ["--db", empty] + args) if idle else None
            yield {"measured": name, "papers": papers, "peak_rss_mb": peak, "idle_mb": idle_mb}


def main(argv: list[str] | None = None) -> None:
    """Print the figures, one JSON line per measurement."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["_tree"]:
        observe_huge_tree(args[1])
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--tree-entries", type=int, default=1_000_000)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--only", action="append", choices=("tree", "papers", "export"))
    parser.add_argument("--store", type=Path, help="an SQLite file seeded with --papers papers "
                        "(python -m benchmarks.memory --seed FILE makes one)")
    parser.add_argument("--seed", type=Path, help="seed this SQLite file with --papers papers "
                        "and stop")
    options = parser.parse_args(args)
    only = set(options.only or ("tree", "papers", "export"))
    if options.seed is not None:
        seed_store(f"sqlite:///{options.seed}", options.papers)
        return
    if "tree" in only:
        print(json.dumps(measure_tree(options.tree_entries)), flush=True)
    if only & {"papers", "export"}:
        for figures in measure_store_reads(options.papers, only, options.store):
            print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
