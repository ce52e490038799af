"""Observing links: every look is appended to the history, shared URLs are fetched once."""

from __future__ import annotations

from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session, select

from tracker.links import normalise_url
from tracker.observing import observe_links
from tracker.sources import SourceSet
from tracker.sources.base import LinkStatus, RequestLedger
from tracker.sources.huggingface import HuggingFaceSource
from tracker.store.engine import open_store, transaction
from tracker.store.models import Link, ObservationRecord, Paper
from tracker.store.observations import history, latest_observations
from tracker.store.papers import add_links


def _hub_only(hub: FakeHub) -> SourceSet:
    ledger = RequestLedger()
    source = HuggingFaceSource(endpoint=hub.url, ledger=ledger, backoff_base=0.01)
    return SourceSet({source.service: source}, ledger)


def _two_papers_citing(engine, *urls: str) -> list[Link]:  # type: ignore[no-untyped-def]
    links: list[Link] = []
    with transaction(engine) as session:
        for title in ("First paper", "Second paper"):
            paper = Paper(title=title, title_key=title.lower())
            session.add(paper)
            session.flush()
            links += add_links(session, paper, [(normalise_url(u), "abstract") for u in urls])
        session.flush()
    return links


def test_observations_are_appended_and_shared_urls_fetched_once(db_url: str, fake_hub: FakeHub) -> None:
    fake_hub.add_model("org/model", files={"model.safetensors": 5_000_000, "README.md": 900})
    engine = open_store(db_url)
    links = _two_papers_citing(
        engine, "https://huggingface.co/org/model", "https://github.com/o/not-observed-here"
    )
    sources = _hub_only(fake_hub)

    first = observe_links(engine, sources, links)
    fake_hub.remove("org/model")
    second = observe_links(engine, sources, links)

    hub_links = [link for link in links if link.kind == "hf_model"]
    assert sorted(first) == sorted(link.id for link in hub_links)  # GitHub has no source here
    assert {first[link.id].status for link in hub_links} == {LinkStatus.OK}
    assert {second[link.id].status for link in hub_links} == {LinkStatus.MISSING}
    assert sources.ledger.total("huggingface") == 2  # one request per run, not one per paper
    with Session(engine) as session:
        statuses = [row.status for row in history(session, hub_links[0].id)]
        assert statuses == ["ok", "missing"]
        latest = latest_observations(session, [link.id for link in links])
        assert {row.status for row in latest.values()} == {"missing"}
        assert len(session.exec(select(ObservationRecord)).all()) == 4
        stored = history(session, hub_links[1].id)[0]
        assert {"path": "model.safetensors", "size": 5_000_000} in stored.facts["files"]
