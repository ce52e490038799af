"""Audits under a quota: what one audit defers, the next observes first."""

from __future__ import annotations

import time

from fakes.huggingface import HUB_TOKENS, FakeHub
from sqlmodel import Session, select

from tracker.auditing import run_audit
from tracker.kernel import LinkStatus
from tracker.links import normalise_url
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.sources import SourceSet
from tracker.sources.base import RequestLedger
from tracker.sources.huggingface import HuggingFaceSource
from tracker.store.engine import open_store, transaction
from tracker.store.models import Link, ObservationRecord, Paper
from tracker.store.papers import add_links


def hub_sources(hub: FakeHub) -> SourceSet:
    """A fresh Hub source (a new process, as each scheduled audit is)."""
    ledger = RequestLedger()
    source = HuggingFaceSource(endpoint=hub.url, ledger=ledger, backoff_base=0.01,
                               max_rate_limit_wait=5.0)
    return SourceSet({source.service: source}, ledger)


def test_every_hub_entry_is_observed_within_two_audits_on_a_quota(db_url: str) -> None:
    with FakeHub(HUB_TOKENS, rate_limit=3, rate_window=300) as hub:
        engine = open_store(db_url)
        with transaction(engine) as session:
            for n in range(6):
                hub.add_model(f"org/m{n}")
                paper = Paper(title=f"Paper {n}", title_key=f"paper {n}")
                session.add(paper)
                session.flush()
                add_links(session, paper, [(normalise_url(f"https://huggingface.co/org/m{n}"),
                                            "abstract")])

        first = run_audit(engine, hub_sources(hub), DEFAULT_WEIGHTS, chunk_size=3)
        hub._window_started, hub._remaining = time.monotonic(), hub.rate_limit  # a new window
        second = run_audit(engine, hub_sources(hub), DEFAULT_WEIGHTS, chunk_size=3)

        assert len(hub.info_requests()) == 6  # 3 + 3: no request was refused
        with Session(engine) as session:
            ok_urls = set(session.exec(
                select(Link.url).join(ObservationRecord, ObservationRecord.link_id == Link.id)
                .where(ObservationRecord.status == str(LinkStatus.OK))))
        assert len(ok_urls) == 6
        assert second.paper_ids[:3] == first.paper_ids[3:]  # the deferred went first
