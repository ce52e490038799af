"""What building and rendering a report costs as papers and audits grow.

Run: `python -m benchmarks.report [--papers 50 500] [--audits 2 12] [--json out.json]`.
A synthetic store (SQLite file; `--db URL` for another) holds the papers, three links each
(GitHub, a Hub model, a Zenodo record), and that many completed audits, each with one
observation per link and one scorecard per paper (outcomes varied by paper and audit, some
links dying). For each size it reports the SQL statements `build_report` issues (what a
remote PostgreSQL pays in round trips), the HTML and Markdown sizes (per paper too), and the
seconds to build and to render, which are reported, never judged.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from checks import CRITERIA
from reports.base import RENDERERS
from reports.report import build_report
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, Link, ObservationRecord, Paper, ScorecardRecord

OUTCOMES = ("pass", "partial", "fail", "unavailable")
LINKS = (("https://github.com/lab{0}/repo{0}", "github_repo", "github"),
         ("https://huggingface.co/lab{0}/model{0}", "hf_model", "huggingface"),
         ("https://zenodo.org/records/{0}", "zenodo_record", "zenodo"))


def _findings(paper: int, audit: int) -> dict[str, Any]:
    criteria = {
        criterion_id: {"outcome": OUTCOMES[(paper + audit + index) % len(OUTCOMES)],
                       "score": 1.0, "evidence": [f"evidence {index} of paper {paper}"],
                       "remediation": f"remediation of {criterion_id}"}
        for index, criterion_id in enumerate(CRITERIA)}
    return {"criteria": criteria, "licenses": {"code": "MIT", "weights": None, "data": None,
                                               "conflicts": []}}


def build_store(engine: Engine, papers: int, audits: int) -> int:
    """Fill the store; returns the last audit's id."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with transaction(engine) as session:
        rows = [Paper(title=f"Paper {n}", title_key=f"paper {n}", arxiv_id=f"2501.{n:05d}")
                for n in range(papers)]
        session.add_all(rows)
        session.flush()
        links = [Link(paper_id=paper.id, url=url.format(n), kind=kind, host=service,
                      target=str(n)) for n, paper in enumerate(rows)
                 for url, kind, service in LINKS]
        session.add_all(links)
        session.flush()
        last = 0
        for index in range(audits):
            began = start + timedelta(days=7 * index)
            audit = Audit(status="completed", started_at=began,
                          finished_at=began + timedelta(hours=1),
                          paper_ids=[p.id for p in rows], papers_total=papers,
                          papers_done=papers)
            session.add(audit)
            session.flush()
            assert audit.id is not None
            last = audit.id
            seen = began + timedelta(minutes=30)
            session.add_all(
                ObservationRecord(link_id=link.id, service=link.host, audit_id=audit.id,
                                  status="missing" if (number + index) % 17 == 0 else "ok",
                                  checked_at=seen, facts={"stars": number})
                for number, link in enumerate(links) if link.id is not None)
            session.add_all(
                ScorecardRecord(paper_id=paper.id, audit_id=audit.id, score=0.5, grade="C",
                                status="complete", coverage=1.0, checklist=3,
                                findings=_findings(number, index), created_at=seen)
                for number, paper in enumerate(rows) if paper.id is not None)
    return last


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs inside the block."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def measure(url: str, papers: int, audits: int) -> dict[str, Any]:
    """One size's figures."""
    engine = open_store(url)
    last = build_store(engine, papers, audits)
    with Session(engine) as session, counting(engine) as statements:
        began = time.perf_counter()
        report = build_report(session, last)
        built = time.perf_counter() - began
    began = time.perf_counter()
    html = RENDERERS["html"].render(report)
    markdown = RENDERERS["md"].render(report)
    rendered = time.perf_counter() - began
    engine.dispose()
    return {"papers": papers, "audits": audits, "queries": len(statements),
            "html_bytes": len(html.encode()), "html_bytes_per_paper": len(html.encode()) // papers,
            "md_bytes": len(markdown.encode()), "build_seconds": round(built, 3),
            "render_seconds": round(rendered, 3)}


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Measure every size asked for and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--audits", type=int, nargs="+", default=[2, 12])
    parser.add_argument("--db", help="a database URL (default: a fresh SQLite file per size)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for papers in args.papers:
            for audits in args.audits:
                url = args.db or f"sqlite:///{folder}/report-{papers}-{audits}.db"
                row = measure(url, papers, audits)
                results.append(row)
                print("  ".join(f"{key}={value}" for key, value in row.items()), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
