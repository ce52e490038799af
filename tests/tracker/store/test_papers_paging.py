"""Listings and exports read the papers a page at a time, by key, in paper order."""

from __future__ import annotations

from sqlmodel import Session

from tracker.links import normalise_url
from tracker.store.engine import open_store, transaction
from tracker.store.papers import LinkState, PaperFields, add_links, iter_papers, new_paper


def _store(db_url: str, count: int):  # type: ignore[no-untyped-def]
    engine = open_store(db_url)
    with transaction(engine) as session:
        for n in range(count):
            paper = new_paper(PaperFields(title=f"Paper {n}"))
            session.add(paper)
            session.flush()
            link = normalise_url(f"https://github.com/lab/repo{n}")
            add_links(session, paper, [(link, "abstract")])
    return engine


def test_pages_cover_every_paper_once_in_order_with_its_links(db_url: str) -> None:
    engine = _store(db_url, 7)
    with Session(engine) as session:
        pages = list(iter_papers(session, batch_size=3))

    assert [len(page) for page in pages] == [3, 3, 1]
    papers = [pair for page in pages for pair in page]
    assert [paper.title for paper, _ in papers] == [f"Paper {n}" for n in range(7)]
    assert all([link.url for link in links] == [f"https://github.com/lab/repo{n}"]
               for n, (_, links) in enumerate(papers))


def test_by_default_only_active_links_come_and_states_none_gives_all(db_url: str) -> None:
    engine = _store(db_url, 2)
    with transaction(engine) as session:
        first = next(iter(iter_papers(session)))[0][0]
        add_links(session, first, [(normalise_url("https://huggingface.co/lab/m"), "hf-paper")],
                  state=LinkState.CANDIDATE)
    with Session(engine) as session:
        active = [links for page in iter_papers(session) for _, links in page]
        every = [links for page in iter_papers(session, states=None) for _, links in page]
    assert [len(links) for links in active] == [1, 1]
    assert [len(links) for links in every] == [2, 1]


def test_an_empty_store_gives_no_page(db_url: str) -> None:
    with Session(open_store(db_url)) as session:
        assert list(iter_papers(session)) == []
