"""Papers citing Hub repositories, and a Hub-only source set: shared by the store's audit tests."""

from __future__ import annotations

from typing import Any

from fakes.huggingface import FakeHub

from tracker.links import normalise_url
from tracker.sources import SourceSet
from tracker.sources.base import RequestLedger
from tracker.sources.huggingface import HuggingFaceSource
from tracker.store.engine import transaction
from tracker.store.models import Paper
from tracker.store.papers import add_links


def sources_for(hub: FakeHub) -> SourceSet:
    """The Hub source pointed at the fake."""
    ledger = RequestLedger()
    source = HuggingFaceSource(endpoint=hub.url, ledger=ledger, backoff_base=0.01, max_retries=1)
    return SourceSet({source.service: source}, ledger)


def papers_citing(engine: Any, *urls_per_paper: list[str]) -> list[int]:
    """One paper per list of URLs; their ids."""
    ids = []
    with transaction(engine) as session:
        for n, urls in enumerate(urls_per_paper):
            paper = Paper(title=f"Paper {n}", title_key=f"paper {n}")
            session.add(paper)
            session.flush()
            add_links(session, paper, [(normalise_url(url), "abstract") for url in urls])
            ids.append(paper.id)
    return ids
