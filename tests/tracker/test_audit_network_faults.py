"""Audits facing hostile links and stalling servers: errors stay the link's, stops stay prompt."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from fakes.web import FakeWeb, fake_web  # noqa: F401
from sqlmodel import Session, select

from tracker.auditing import AuditTerminated, run_audit
from tracker.links import normalise_url
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.sources import SourceSet
from tracker.sources.base import RequestLedger
from tracker.sources.policy import HttpPolicy, Interrupt
from tracker.sources.web import WebSource
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, ObservationRecord, Paper
from tracker.store.papers import add_links


def web_sources(**options: object) -> SourceSet:
    """Only the web source, allowed to reach the fake pages on loopback."""
    ledger, interrupt = RequestLedger(), Interrupt()
    web = WebSource(ledger=ledger, interrupt=interrupt, allow_private=["127.0.0.1"],
                    backoff_base=0.01, max_retries=1, **options)  # type: ignore[arg-type]
    return SourceSet({"web": web}, ledger, interrupt)


def store_paper(db_url: str, *urls: str):  # type: ignore[no-untyped-def]
    engine = open_store(db_url)
    with transaction(engine) as session:
        paper = Paper(title="A paper", title_key="a paper")
        session.add(paper)
        session.flush()
        add_links(session, paper, [(normalise_url(url), "abstract") for url in urls])
    return engine


def observations(engine, audit_id: int) -> list[ObservationRecord]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(
            select(ObservationRecord).where(ObservationRecord.audit_id == audit_id)))


def test_a_redirect_to_a_file_url_is_the_links_error_and_every_audit_completes(
    sqlite_url: str, fake_web: FakeWeb
) -> None:
    fake_web.add_redirect("/to-file", "file:///etc/passwd", 302)
    engine = store_paper(sqlite_url, fake_web.url + "/to-file", fake_web.url + "/project.html")
    for _ in range(2):  # the next audit does not fail on the same link either
        audit = run_audit(engine, web_sources(), DEFAULT_WEIGHTS)
        assert audit.status == "completed"
        by_url = {o.evidence[0].split(" ")[1]: o for o in observations(engine, audit.id)}
        assert len(by_url) == 2
        bad = next(o for url, o in by_url.items() if url.endswith("/to-file"))
        assert bad.status == "error" and "file scheme is not followed" in (bad.reason or "")


def test_a_link_to_a_private_address_is_refused_in_an_audit(
    sqlite_url: str, fake_web: FakeWeb
) -> None:
    engine = store_paper(sqlite_url, "http://169.254.169.254/latest/meta-data/")
    audit = run_audit(engine, web_sources(), DEFAULT_WEIGHTS)
    [look] = observations(engine, audit.id)
    assert audit.status == "completed"
    assert (look.status, look.reason) == (
        "error", "refused: 169.254.169.254 is a cloud metadata address")


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="signal handlers need the main thread")
def test_sigterm_stops_an_audit_stuck_on_a_slow_drip_page_within_seconds(
    sqlite_url: str, fake_web: FakeWeb
) -> None:
    # One byte every 2 s and a deadline far away: only the stop can end this request.
    fake_web.add_drip("/drip", "<html><title>drip</title>" + "x" * 1000, interval=2.0)
    engine = store_paper(sqlite_url, fake_web.url + "/drip")
    sources = web_sources(policy=HttpPolicy(deadline=600, read_timeout=30))
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()
    started = time.monotonic()
    with pytest.raises(AuditTerminated):
        run_audit(engine, sources, DEFAULT_WEIGHTS)
    stopped_after = time.monotonic() - started
    assert stopped_after < 1.0 + HttpPolicy().stop_grace + 1.0  # signal, grace, bookkeeping
    with Session(engine) as session:
        audit = session.exec(select(Audit)).one()
    assert audit.status == "interrupted"
    assert observations(engine, audit.id) == []  # the cut look is left for a resumed audit
