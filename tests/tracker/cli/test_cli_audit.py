"""`reprotrack audit` against the loopback fakes: summary, exit codes, SIGTERM and --resume."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from fakes.osf import FakeOSF, fake_osf  # noqa: F401
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.links import normalise_url
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, ObservationRecord, Paper, ScorecardRecord
from tracker.store.papers import add_links

# Discovery has its own tests (tests/tracker/discovery); these test the audit mechanics.
FAST_HTTP = "[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\nmax_retries = 1\ntimeout = 5\n"


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch, fake_hub: FakeHub, fake_osf: FakeOSF, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Point the tool at the fakes with the standard variables; GitHub is not reachable."""
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("OSF_API_URL", fake_osf.endpoint)
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9/unreachable")
    for name in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG", "REPROTRACK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reprotrack.toml").write_text(FAST_HTTP + "[audit]\nchunk_size = 2\n")
    return fake_hub, fake_osf


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def hub_papers(db_url: str, hub: FakeHub, count: int) -> tuple[list[int], list[int]]:
    """`count` papers, each citing a Hub model of its own plus one shared dataset."""
    hub.add_dataset("org/shared-data", files={"data/train.parquet": 1_000_000})
    engine = open_store(db_url)
    paper_ids, link_ids = [], []
    with transaction(engine) as session:
        for n in range(count):
            hub.add_model(f"org/model-{n}", files={"model.safetensors": 5_000_000})
            paper = Paper(title=f"Model paper {n}", title_key=f"model paper {n}")
            session.add(paper)
            session.flush()
            urls = [f"https://huggingface.co/org/model-{n}",
                    "https://huggingface.co/datasets/org/shared-data"]
            links = add_links(session, paper, [(normalise_url(u), "abstract") for u in urls])
            session.flush()
            paper_ids.append(paper.id)
            link_ids += [link.id for link in links]
    return paper_ids, link_ids


def looks_and_cards(db_url: str, audit_id: int) -> tuple[dict[int, int], dict[int, int]]:
    """Observations per link and scorecards per paper made in one audit."""
    with Session(open_store(db_url)) as session:
        looks = dict(session.exec(select(ObservationRecord.link_id, func.count())
                                  .where(ObservationRecord.audit_id == audit_id)
                                  .group_by(ObservationRecord.link_id)).all())
        cards = dict(session.exec(select(ScorecardRecord.paper_id, func.count())
                                  .where(ScorecardRecord.audit_id == audit_id)
                                  .group_by(ScorecardRecord.paper_id)).all())
    return looks, cards


def test_an_audit_logs_each_chunk_and_ends_with_a_summary_line(services, db_url: str) -> None:  # type: ignore[no-untyped-def]
    hub, _ = services
    hub_papers(db_url, hub, 3)

    result = run("--db", db_url, "audit")

    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[:2] == [  # not a terminal: one plain line per chunk of 2
        # the Hub's API and, in its own quota bucket, its file downloads (the cards)
        "audit #1: 2/3 papers, 4 links, 0 errors, requests huggingface=3 huggingface_files=3",
        "audit #1: 3/3 papers, 6 links, 0 errors, requests huggingface=4 huggingface_files=4",
    ]
    assert lines[2].startswith(
        "audit #1 completed: 3/3 papers, 6 links, requests huggingface=4 huggingface_files=4, "
        "304s none, "
        "rate-limit waits none, 0 errors, ")
    assert result.stdout == ""


def test_limit_and_paper_choose_the_papers(services, db_url: str) -> None:  # type: ignore[no-untyped-def]
    hub, _ = services
    paper_ids, _ = hub_papers(db_url, hub, 3)

    limited = run("--db", db_url, "audit", "--limit", "1")
    chosen = run("--db", db_url, "audit", "--paper", str(paper_ids[2]), "--paper", str(paper_ids[1]))
    due = run("--db", db_url, "audit", "--due")

    assert "completed: 1/1 papers" in limited.stderr
    assert "completed: 2/2 papers" in chosen.stderr
    assert due.exit_code == 0 and "nothing to audit: no paper is due" in due.stderr
    with Session(open_store(db_url)) as session:
        assert session.get(Audit, 2).paper_ids == [paper_ids[2], paper_ids[1]]  # type: ignore[union-attr]
        # nothing due records nothing: the last real audit stays the default report
        assert len(session.exec(select(Audit)).all()) == 2


@pytest.mark.parametrize("args, message", [
    (["--paper", "999"], "no stored paper #999"),
    (["--resume"], "no unfinished audit to resume"),
    (["7"], "an audit id is only taken with --resume"),
    (["--resume", "--due"], "drop --due"),
])
def test_bad_input_exits_2(services, sqlite_url: str, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    hub, _ = services
    hub_papers(sqlite_url, hub, 1)
    result = run("--db", sqlite_url, "audit", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_no_reachable_service_exits_3(services, monkeypatch, db_url: str) -> None:  # type: ignore[no-untyped-def]
    hub, _ = services
    hub_papers(db_url, hub, 1)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    result = run("--db", db_url, "audit")
    assert result.exit_code == 3, result.output
    # A dead service makes the audit degraded (its links were not judged anew), not completed.
    assert "degraded: 1/1 papers, 2 links" in result.stderr and "2 errors" in result.stderr


def test_a_dead_audit_is_resumed_and_a_live_one_refused(services, db_url: str) -> None:  # type: ignore[no-untyped-def]
    hub, _ = services
    paper_ids, link_ids = hub_papers(db_url, hub, 3)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with transaction(open_store(db_url)) as session:
        session.add(Audit(status="running", host=socket.gethostname(), pid=gone.pid,
                          paper_ids=paper_ids, papers_total=3, requests={"huggingface": 5}))
        session.add(Audit(status="running", host=socket.gethostname(), pid=os.getpid(),
                          paper_ids=paper_ids, papers_total=3))

    refused = run("--db", db_url, "audit", "--resume")  # the newest is alive (this process)
    resumed = run("--db", db_url, "audit", "--resume", "1")

    assert refused.exit_code == 2 and "audit #2 is still running" in refused.stderr
    assert resumed.exit_code == 0, resumed.output
    assert "audit #1 completed: 3/3 papers, 6 links, requests huggingface=9" in resumed.stderr
    looks, cards = looks_and_cards(db_url, 1)
    assert set(looks) == set(link_ids) and set(looks.values()) == {1}
    assert set(cards) == set(paper_ids) and set(cards.values()) == {1}


def test_sigterm_interrupts_the_audit_and_resume_finishes_it_exactly_once(
    fake_hub: FakeHub, fake_osf: FakeOSF, sqlite_url: str, tmp_path: Path
) -> None:
    paper_ids, link_ids = hub_papers(sqlite_url, fake_hub, 24)
    (tmp_path / "reprotrack.toml").write_text(
        FAST_HTTP + "concurrency_per_service = 2\n[audit]\nchunk_size = 3\n")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "HF_TOKEN",
                                                            "REPROTRACK_CONFIG")}
    env.update(HF_ENDPOINT=fake_hub.url, OSF_API_URL=fake_osf.endpoint,
               GITHUB_API_URL="http://127.0.0.1:9/unreachable",
               REPROTRACK_DATABASE_URL=sqlite_url)
    command = [str(Path(sys.executable).parent / "reprotrack"), "audit"]
    fake_hub.faults.latency = 0.15  # about 0.3 s a chunk: the whole audit takes seconds
    engine = open_store(sqlite_url)

    audit_run = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and audit_run.poll() is None:
        with Session(engine) as session:
            started = session.get(Audit, 1)
            if started is not None and started.papers_done > 0:
                break
        time.sleep(0.02)
    audit_run.send_signal(signal.SIGTERM)
    _, stopped_err = audit_run.communicate(timeout=30)

    assert audit_run.returncode == 143, stopped_err
    with Session(engine) as session:
        stopped = session.get(Audit, 1)
        assert stopped is not None and stopped.status == "interrupted"
        assert "SIGTERM" in (stopped.message or "")
        assert 0 < stopped.papers_done < 24
    assert "continue with: reprotrack audit --resume 1" in stopped_err

    fake_hub.faults.latency = 0
    resumed = subprocess.run(command + ["--resume"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60)

    assert resumed.returncode == 0, resumed.stderr
    with Session(engine) as session:
        done = session.get(Audit, 1)
        assert done is not None and done.status == "completed" and done.papers_done == 24
    looks, cards = looks_and_cards(sqlite_url, 1)
    assert set(cards) == set(paper_ids) and set(cards.values()) == {1}
    assert set(looks) == set(link_ids) and set(looks.values()) == {1}
    # Nothing was fetched twice, and the cost of both runs adds up to what the Hub saw.
    assert len(fake_hub.info_requests()) == 25 == done.requests["huggingface"]


def test_the_progress_advances_per_link_and_paper_in_every_stage_with_an_eta(
    services, sqlite_url: str  # type: ignore[no-untyped-def]
) -> None:
    import io

    from rich.console import Console

    from tracker.auditing import AuditProgress, run_audit
    from tracker.cli.audit_cmd import _progress_display
    from tracker.config import load_settings
    from tracker.sources import build_sources

    hub, _ = services
    hub_papers(sqlite_url, hub, 4)  # 4 papers, 5 distinct links, chunks of 2
    settings = load_settings(None, database_url=sqlite_url)
    events: list[AuditProgress] = []
    run_audit(open_store(sqlite_url), build_sources(settings), settings.scoring.weights,
              chunk_size=2, progress=events.append)

    working = [e for e in events if not e.chunk_done and e.stage in ("observing", "scoring")]
    for stage, unit_count in (("observing", 5), ("scoring", 4)):
        steps = [e for e in working if e.stage == stage and e.stage_done > 0]
        assert len(steps) >= unit_count, stage  # one report per link / per paper
    shown = [e.completed for e in events]
    assert shown == sorted(shown) and shown[-1] == 4  # never backwards, ends full
    first_chunk = [e.completed for e in working if e.papers_done == 0]
    assert len(set(first_chunk)) >= 4 and 0 < min(v for v in first_chunk if v) < 2  # moves inside

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160, color_system=None)
    with _progress_display(console) as show:
        show(next(e for e in working if e.stage == "observing" and e.stage_done == 1))
    text = screen.getvalue()
    assert "observing 1/" in text and " links" in text and "eta" in text


def test_the_discovery_stage_names_its_pass() -> None:
    from tracker.auditing import AuditProgress
    from tracker.cli.audit_cmd import stage_text

    def at(done: int) -> str:
        return stage_text(AuditProgress(audit_id=1, papers_total=8, papers_done=0,
                                        links_checked=0, errors=0, stage="discovering",
                                        stage_done=done, stage_total=12, chunk_papers=4))

    assert [at(1), at(4), at(6), at(12)] == [
        "identifying 1/4 papers", "identifying 4/4 papers", "reading pages 2/4 papers",
        "reading READMEs and cards 4/4 papers"]


def test_two_stages_under_way_both_show_and_both_count() -> None:
    from tracker.auditing import AuditProgress, StageProgress
    from tracker.cli.audit_cmd import stage_text

    # Chunk 1 (4 papers) is scored while chunk 2 (4 papers) is observed; 4 papers are done.
    scoring = StageProgress("scoring", 1, 4, 4, chunk_fraction=(1 + 1 / 4) / 2)
    observing = StageProgress("observing", 3, 6, 4, chunk_fraction=(0 + 3 / 6) / 2)
    state = AuditProgress(audit_id=1, papers_total=12, papers_done=4, links_checked=9,
                          errors=0, stage="observing", stage_done=3, stage_total=6,
                          chunk_papers=4, stages=(scoring, observing))
    assert stage_text(state) == "scoring 1/4 papers · observing 3/6 links"
    assert state.completed == 4 + 4 * 0.625 + 4 * 0.25
    # A report never shows less than an earlier one did.
    assert AuditProgress(audit_id=1, papers_total=12, papers_done=4, links_checked=9, errors=0,
                         stages=(observing,), floor=7.5).completed == 7.5
