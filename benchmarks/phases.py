"""One measured phase of the audit benchmark, run in a process of its own.

`python -m benchmarks.phases PHASE SPEC_JSON` runs one phase and prints its figures as one JSON
line: `import` (the corpus file into a fresh SQLite store, through `import_file`), `audit`
(one `run_audit` over every paper, as `reprotrack audit` runs it) or `baseline`
(`benchmarks.baseline`). A process per phase makes its peak RSS (`ru_maxrss`) and CPU time
that phase's own. SPEC_JSON holds `db` (SQLite path), `corpus` (JSON Lines path), `urls` (the
fakes' endpoints), `token` (bool), `discovery` (bool) and, for the baseline, `papers` (how many
of the corpus's papers it covers) and `baseline_spacing` (None: PyGithub's default).
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.corpus import GITHUB_TOKEN, HUB_TOKEN


def settings_for(spec: dict[str, Any]) -> Any:
    """The tool's settings for the fakes: defaults, plus the endpoints and (maybe) tokens."""
    from tracker.config import Secret, Settings

    settings = Settings()
    urls = spec["urls"]
    settings.database.url = database_url(spec)
    if spec.get("quota_wait") is not None:
        settings.http.max_rate_limit_wait = float(spec["quota_wait"])
    settings.github.api_url = urls["github"]
    settings.huggingface.endpoint = urls["huggingface"]
    settings.osf.api_url = urls["osf"]
    settings.arxiv.api_url = "http://127.0.0.1:9/unreachable"  # every paper has its arXiv id
    settings.network.allow_private = ["127.0.0.1"]  # the fake web pages live on loopback
    if spec["token"]:
        settings.github.token = Secret(GITHUB_TOKEN)
        settings.huggingface.token = Secret(HUB_TOKEN)
    settings.discovery.enabled = bool(spec.get("discovery"))
    return settings


def database_url(spec: dict[str, Any]) -> str:
    """The store's URL: `db_url` (PostgreSQL) when given, else the SQLite file `db`."""
    return spec.get("db_url") or f"sqlite:///{spec['db']}"


def database_bytes(spec: dict[str, Any]) -> int:
    """The store's size: the SQLite file once its write-ahead log is checkpointed into it,
    or the PostgreSQL schema's tables with their indexes and TOAST."""
    if spec.get("db_url"):
        from sqlalchemy import create_engine, text

        engine = create_engine(spec["db_url"].replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as connection:
            size = connection.execute(text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'")).scalar()
        engine.dispose()
        return int(size or 0)
    path = spec["db"]
    if Path(path).exists():
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    return sum(p.stat().st_size for p in (Path(path), Path(path + "-wal")) if p.exists())


def table_bytes(spec: dict[str, Any]) -> dict[str, int]:
    """The store's bytes per table, its indexes included (SQLite: `dbstat` pages in use and
    free pages under `(free)`; PostgreSQL: each table's total relation size)."""
    if spec.get("db_url"):
        from sqlalchemy import create_engine, text

        engine = create_engine(spec["db_url"].replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'")).all()
        engine.dispose()
        return {name: int(size) for name, size in rows}
    path = spec["db"]
    if not Path(path).exists():
        return {}
    database_bytes(spec)  # checkpoint the log into the file first
    connection = sqlite3.connect(path)
    try:
        owner = dict(connection.execute("SELECT name, tbl_name FROM sqlite_master"))
        sizes: dict[str, int] = {}
        for name, size in connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            sizes[table] = sizes.get(table, 0) + int(size)
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        free = connection.execute("PRAGMA freelist_count").fetchone()[0]
    finally:
        connection.close()
    if free:
        sizes["(free)"] = free * page_size
    return sizes


def hub_entries_unobserved(engine: Any) -> int:
    """Hub links that no observation has looked at yet (never seen, or only rate limited)."""
    from sqlalchemy import text

    with engine.connect() as connection:
        return int(connection.execute(text(
            "SELECT count(*) FROM link l WHERE l.kind IN ('hf_model', 'hf_dataset', 'hf_space') "
            "AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.link_id = l.id "
            "AND o.status <> 'rate_limited')")).scalar() or 0)


def run_import(spec: dict[str, Any]) -> dict[str, Any]:
    """Import the corpus file into a fresh store."""
    from tracker.importing import import_file
    from tracker.store.engine import open_store

    engine = open_store(database_url(spec))
    summary = import_file(engine, Path(spec["corpus"]), "jsonl")
    engine.dispose()
    return {"papers": summary.papers_read, "links": summary.links_added}


def run_tool_audit(spec: dict[str, Any]) -> dict[str, Any]:
    """One audit of every stored paper, configured as `reprotrack audit` configures it."""
    from sqlmodel import Session

    from tracker.auditing import run_audit
    from tracker.discovery import discovery_for
    from tracker.sources import build_sources
    from tracker.store.audits import observation_status_counts
    from tracker.store.engine import open_store

    settings = settings_for(spec)
    engine = open_store(settings.database.url)
    sources = build_sources(settings)
    audit = run_audit(
        engine, sources, settings.scoring.weights,
        chunk_size=settings.audit.chunk_size,
        concurrency_per_service=settings.http.concurrency_per_service,
        discovery=discovery_for(settings, sources),
    )
    with Session(engine) as session:
        statuses = observation_status_counts(session, audit.id or 0)
    unobserved = hub_entries_unobserved(engine)
    for source in sources.by_service.values():
        close = getattr(source, "close", None)
        if close is not None:
            close()
    engine.dispose()
    return {
        "status": audit.status, "papers": audit.papers_total, "papers_done": audit.papers_done,
        "links_checked": audit.links_checked, "errors": audit.errors,
        "tool_requests": dict(sources.ledger.requests),
        "tool_not_modified": dict(sources.ledger.not_modified),
        "rate_limit_waits": {k: round(v, 1) for k, v in audit.rate_limit_waits.items()},
        "link_statuses": dict(statuses),
        "hub_unobserved": unobserved,
    }


def run_baseline_phase(spec: dict[str, Any]) -> dict[str, Any]:
    """The sequential PyGithub + HfApi script over the first `papers` papers of the corpus."""
    from benchmarks.baseline import run_baseline

    return run_baseline(Path(spec["corpus"]), spec["urls"], token=spec["token"],
                        papers=spec.get("papers"), spacing=spec.get("baseline_spacing"))


PHASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "import": run_import, "audit": run_tool_audit, "baseline": run_baseline_phase,
}


def measured(phase: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Run a phase; its figures plus wall time, CPU time, peak RSS and the database size."""
    started, cpu_before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    figures = PHASES[phase](spec)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures.update(
        wall_seconds=round(time.perf_counter() - started, 2),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime
                          - cpu_before.ru_utime - cpu_before.ru_stime, 2),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux reports kilobytes
        db_bytes=database_bytes(spec) if phase != "baseline" else 0,
        table_bytes=table_bytes(spec) if phase != "baseline" else {},
    )
    return figures


def main(argv: list[str] | None = None) -> None:
    """`python -m benchmarks.phases PHASE SPEC_JSON`: print the phase's figures as JSON."""
    args = sys.argv[1:] if argv is None else argv
    phase, spec = args[0], json.loads(args[1])
    print(json.dumps(measured(phase, spec)), flush=True)


if __name__ == "__main__":
    main()
