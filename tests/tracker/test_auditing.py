"""Audits over a corpus, against the loopback fakes: one look per link, one scorecard per paper."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from conftest import SEED
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.github_seed import add_seed_repositories
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from fakes.osf import FakeOSF, fake_osf  # noqa: F401
from fakes.server import FakeRequest, FakeResponse
from fakes.web import FakeWeb, fake_web  # noqa: F401
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tracker.audit_plan import find_resumable, is_live, plan_audit
from tracker.auditing import AuditProgress, run_audit
from tracker.errors import InputError
from tracker.importing import import_file
from tracker.links import normalise_url
from tracker.observing import service_concurrency, shard
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.sources import SourceSet
from tracker.sources.base import RequestLedger
from tracker.sources.github import GitHubSource
from tracker.sources.huggingface import HuggingFaceSource
from tracker.sources.osf import OSFSource
from tracker.sources.web import WebSource
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, Link, ObservationRecord, Paper, ScorecardRecord
from tracker.store.papers import add_links

OSF_KEY = "399daff5a14d4b16b09473cf19043f18"


def sources_for(github: FakeGitHub | None, hub: FakeHub | None, osf: FakeOSF | None = None) -> SourceSet:
    """Every source pointed at the fakes, with fast retry settings and one shared ledger."""
    ledger = RequestLedger()
    common = {"ledger": ledger, "backoff_base": 0.01, "max_retries": 1, "timeout": 5}
    found = [
        GitHubSource(endpoint=github.url if github else "http://127.0.0.1:9",
                     min_request_interval=None, **common),
        HuggingFaceSource(endpoint=hub.url if hub else "http://127.0.0.1:9", **common),
        OSFSource(endpoint=osf.endpoint if osf else "http://127.0.0.1:9/v2", **common),
        WebSource(allow_private=["127.0.0.1"], **common),  # the fake pages live on loopback
    ]
    return SourceSet({source.service: source for source in found}, ledger)


def seed_corpus(db_url: str, github: FakeGitHub, hub: FakeHub, osf: FakeOSF, web: FakeWeb):  # type: ignore[no-untyped-def]
    """The seed page imported, with every service it cites modelled in the fakes."""
    add_seed_repositories(github)
    hub.add_dataset("furonghuang-lab/Easy2Hard-Bench", files={"data/math.parquet": 2_000_000})
    hub.add_model("YiDuo1999/Llama-3-Physician-8B-Instruct",
                  files={"model.safetensors": 16_000_000_000, "README.md": 900})
    osf.add_node("e25mu", public=False, view_only_keys={OSF_KEY}, files=[("data/items.csv", 900)])
    engine = open_store(db_url)
    import_file(engine, SEED)
    with transaction(engine) as session:  # the project page lives on the fake web, not online
        session.execute(update(Link).where(col(Link.kind) == "project_page")
                        .values(url=web.url + "/project.html"))
    return engine


def papers_citing(engine, *urls_per_paper: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    """One paper per list of URLs; returns their ids."""
    ids = []
    with transaction(engine) as session:
        for n, urls in enumerate(urls_per_paper):
            paper = Paper(title=f"Paper {n}", title_key=f"paper {n}")
            session.add(paper)
            session.flush()
            add_links(session, paper, [(normalise_url(url), "abstract") for url in urls])
            ids.append(paper.id)
    return ids


def per_audit(engine, audit_id: int):  # type: ignore[no-untyped-def]
    """(observations per link id, scorecards per paper id) made in this audit."""
    with Session(engine) as session:
        looks = dict(session.exec(
            select(ObservationRecord.link_id, func.count()).where(
                ObservationRecord.audit_id == audit_id).group_by(ObservationRecord.link_id)).all())
        cards = dict(session.exec(
            select(ScorecardRecord.paper_id, func.count()).where(
                ScorecardRecord.audit_id == audit_id).group_by(ScorecardRecord.paper_id)).all())
        every_link = set(session.exec(select(Link.id)).all())
    return looks, cards, every_link


def test_an_audit_observes_each_link_once_scores_each_paper_and_counts_requests(
    db_url: str, fake_github: FakeGitHub, fake_hub: FakeHub, fake_osf: FakeOSF, fake_web: FakeWeb
) -> None:
    engine = seed_corpus(db_url, fake_github, fake_hub, fake_osf, fake_web)
    with Session(engine) as session:
        before = {p.id: p.updated_at for p in session.exec(select(Paper))}
    events: list[AuditProgress] = []

    first = run_audit(engine, sources_for(fake_github, fake_hub, fake_osf), DEFAULT_WEIGHTS,
                      chunk_size=20, progress=events.append)

    looks, cards, every_link = per_audit(engine, first.id)
    assert first.status == "completed" and first.finished_at is not None
    assert (first.papers_total, first.papers_done, first.links_checked) == (56, 56, 15)
    assert set(looks) == every_link and set(looks.values()) == {1}
    assert set(cards) == set(before) and set(cards.values()) == {1}
    assert first.errors == 0
    assert first.requests == {"github": len(fake_github.server.log), **hub_requests(fake_hub),
                              "osf": len(fake_osf.log), "web": len(fake_web.log)}
    assert [e.papers_done for e in events if e.chunk_done] == [20, 40, 56]
    assert max(e.links_checked for e in events) == 15

    logged = {"github": len(fake_github.server.log), **hub_requests(fake_hub)}
    second = run_audit(engine, sources_for(fake_github, fake_hub, fake_osf), DEFAULT_WEIGHTS)

    assert second.requests["github"] == len(fake_github.server.log) - logged["github"]
    assert second.requests["huggingface"] == (hub_requests(fake_hub)["huggingface"]
                                              - logged["huggingface"])
    assert "huggingface_files" not in second.requests  # unchanged cards are carried over
    assert second.not_modified == {"github": second.requests["github"]}  # ETags: all 304
    with Session(engine) as session:  # an audit never modifies the papers themselves
        assert {p.id: p.updated_at for p in session.exec(select(Paper))} == before


def test_due_plans_never_scored_then_longest_unscored_papers(db_url: str, fake_hub: FakeHub) -> None:
    engine = open_store(db_url)
    for n in range(3):
        fake_hub.add_dataset(f"org/d{n}", files={"data.csv": 10})
    recent, stale, never = papers_citing(
        engine, *[[f"https://huggingface.co/datasets/org/d{n}"] for n in range(3)])
    run_audit(engine, sources_for(None, fake_hub), DEFAULT_WEIGHTS, paper_ids=[recent, stale])
    with transaction(engine) as session:
        session.execute(update(ScorecardRecord).where(col(ScorecardRecord.paper_id) == stale)
                        .values(created_at=datetime.now(UTC) - timedelta(days=30)))

    due = run_audit(engine, sources_for(None, fake_hub), DEFAULT_WEIGHTS, due_only=True)
    limited = run_audit(engine, sources_for(None, fake_hub), DEFAULT_WEIGHTS, limit=1)

    assert due.paper_ids == [never, stale] and due.papers_done == 2
    assert limited.paper_ids == [recent]  # without --due: by id
    with Session(engine) as session:
        assert plan_audit(session, due_only=True, interval=timedelta(days=60)) == []
        with pytest.raises(InputError, match="#4242"):
            plan_audit(session, paper_ids=[recent, 4242])


def test_an_interrupted_audit_resumes_without_checking_anything_twice(
    db_url: str, fake_github: FakeGitHub, fake_hub: FakeHub, fake_osf: FakeOSF, fake_web: FakeWeb
) -> None:
    engine = seed_corpus(db_url, fake_github, fake_hub, fake_osf, fake_web)

    def stop_after_first_chunk(event: AuditProgress) -> None:
        if event.chunk_done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_audit(engine, sources_for(fake_github, fake_hub, fake_osf), DEFAULT_WEIGHTS,
                  chunk_size=10, progress=stop_after_first_chunk)
    with Session(engine) as session:
        stopped = find_resumable(session)
    assert (stopped.status, stopped.papers_done) == ("interrupted", 10)
    assert "Ctrl-C" in (stopped.message or "")
    sent_before = stopped.requests

    resumed = run_audit(engine, sources_for(fake_github, fake_hub, fake_osf), DEFAULT_WEIGHTS,
                        chunk_size=10, resume=stopped)

    looks, cards, every_link = per_audit(engine, resumed.id)
    assert resumed.id == stopped.id and resumed.status == "completed"
    assert set(looks) == every_link and set(looks.values()) == {1}
    assert set(cards) == set(resumed.paper_ids) and set(cards.values()) == {1}
    assert resumed.requests["github"] == len(fake_github.server.log) > sent_before["github"]
    assert resumed.message is None


def hub_requests(fake_hub: FakeHub) -> dict[str, int]:
    """The fake Hub's log as the ledger counts it: API requests, and file downloads (cards)."""
    files = len(fake_hub.requests_to("/resolve/"))
    counted = {"huggingface": len(fake_hub.log) - files, "huggingface_files": files}
    return {service: n for service, n in counted.items() if n}


def test_a_url_cited_in_two_chunks_is_fetched_once(db_url: str, fake_hub: FakeHub) -> None:
    engine = open_store(db_url)
    fake_hub.add_model("org/shared", files={"model.safetensors": 5_000_000})
    papers_citing(engine, ["https://huggingface.co/org/shared"], ["https://huggingface.co/org/shared"])

    audit = run_audit(engine, sources_for(None, fake_hub), DEFAULT_WEIGHTS, chunk_size=1)

    looks, cards, every_link = per_audit(engine, audit.id)
    assert len(fake_hub.info_requests()) == 1
    assert audit.requests == {"huggingface": 1, "huggingface_files": 1}  # its info, its card
    assert set(looks) == every_link and len(every_link) == 2 and len(cards) == 2


def test_a_dead_running_audit_is_resumable_and_a_live_one_is_refused(db_url: str) -> None:
    engine = open_store(db_url)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    here, now = socket.gethostname(), datetime.now(UTC)
    with transaction(engine) as session:
        dead = Audit(status="running", host=here, pid=gone.pid, heartbeat_at=now)
        live = Audit(status="running", host=here, pid=os.getpid(), heartbeat_at=now)
        session.add_all([dead, live])
    quiet = Audit(status="running", host="elsewhere", pid=1, heartbeat_at=now - timedelta(minutes=11))
    chatty = Audit(status="running", host="elsewhere", pid=1, heartbeat_at=now - timedelta(minutes=1))

    assert not is_live(dead) and is_live(live)
    assert not is_live(quiet, now=now) and is_live(chatty, now=now)
    with Session(engine) as session:
        assert find_resumable(session, dead.id).id == dead.id
        with pytest.raises(InputError, match="still running"):
            find_resumable(session, live.id)
        with pytest.raises(InputError, match="still running"):
            find_resumable(session)  # the newest unfinished audit is the live one


def _count_in_flight(install: Callable[[Callable], None], original: Callable, latency: float):  # type: ignore[no-untyped-def]
    """Wrap a fake's dispatch so that it records the most requests it served at once."""
    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def dispatch(request: FakeRequest) -> FakeResponse:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        try:
            time.sleep(latency)
            return original(request)
        finally:
            with lock:
                state["now"] -= 1

    install(dispatch)
    return state


def test_requests_to_one_service_overlap_up_to_the_limit_and_github_is_asked_serially(
    db_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    engine = open_store(db_url)
    for n in range(9):
        fake_hub.add_model(f"org/m{n}", files={"model.safetensors": 5_000_000})
    for n in range(3):
        fake_github.add_repo("lab", f"r{n}", tree={"train.py": 10})
    papers_citing(engine, *[[f"https://huggingface.co/org/m{n}"] for n in range(9)],
                  *[[f"https://github.com/lab/r{n}"] for n in range(3)])
    hub_load = _count_in_flight(lambda f: setattr(fake_hub, "dispatch", f), fake_hub.dispatch, 0.1)
    github_load = _count_in_flight(lambda f: setattr(fake_github.server, "dispatch", f),
                                   fake_github.server.dispatch, 0.02)

    audit = run_audit(engine, sources_for(fake_github, fake_hub), DEFAULT_WEIGHTS,
                      concurrency_per_service=3)

    assert audit.status == "completed" and audit.requests["huggingface"] == 9
    assert 1 < hub_load["max"] <= 3
    assert github_load["max"] == 1


def test_shards_are_interleaved_bounded_and_never_smaller_than_a_batch() -> None:
    links = list(range(10))
    assert shard(links, 4) == [[0, 4, 8], [1, 5, 9], [2, 6], [3, 7]]  # type: ignore[arg-type]
    assert len(shard(list(range(60)), 4, min_shard_size=25)) == 3  # type: ignore[arg-type]
    assert shard(list(range(30)), 4, min_shard_size=25) == [list(range(0, 30, 2)),  # type: ignore[arg-type]
                                                            list(range(1, 30, 2))]
    assert shard([], 4) == []
    sources = sources_for(None, None)
    assert service_concurrency(sources.by_service["github"], 4) == 1
    assert service_concurrency(sources.by_service["huggingface"], 4) == 4
    assert service_concurrency(sources.by_service["osf"], 0) == 1
