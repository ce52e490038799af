"""An export reads a page of papers in a bounded number of SQL statements, whatever the page's
size: the bodies its scorecards and observations refer to are read together, not row by row,
and the rows are the same as when every card and observation is loaded on its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from benchmarks.memory import seed_store
from reports.rows import iter_export_rows, paper_row
from tracker.store import content
from tracker.store.engine import open_store
from tracker.store.models import Link, ObservationRecord, Paper, ScorecardRecord

PAPERS = 24


@contextmanager
def _counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _cold() -> None:
    """Forget the process's cached bodies, as a fresh `reprotrack export` starts."""
    content._bodies = content._Bodies(content._CACHE_SIZE)


def _statements_per_page(url: str, batch_size: int) -> list[int]:
    engine = open_store(url)
    _cold()
    counts: list[int] = []
    with Session(engine) as session, _counting(engine) as statements:
        before = 0
        for row in iter_export_rows(session, batch_size=batch_size):
            if row["paper_id"] % batch_size == 0:  # the page's last row: its reads are done
                counts.append(len(statements) - before)
                before = len(statements)
    engine.dispose()
    return counts


def test_the_statements_per_page_do_not_grow_with_the_page(sqlite_url: str) -> None:
    seed_store(sqlite_url, PAPERS)

    small = _statements_per_page(sqlite_url, 2)
    large = _statements_per_page(sqlite_url, 12)

    assert len(small) == PAPERS // 2 and len(large) == PAPERS // 12
    # a page of 12 papers (24 links, 12 scorecards of 10 criteria each) costs what a page of
    # 2 costs: every page reads its papers, links, observations, scorecards and their bodies
    assert set(small) == set(large) and max(large) <= 12


def test_rows_are_those_of_cards_and_observations_loaded_one_by_one(sqlite_url: str) -> None:
    seed_store(sqlite_url, PAPERS)
    engine = open_store(sqlite_url)
    _cold()
    with Session(engine) as session:
        exported = list(iter_export_rows(session, batch_size=5))
    _cold()
    expected = []
    with Session(engine) as session:
        for paper in session.exec(select(Paper).order_by(col(Paper.id))).all():
            links = list(session.exec(select(Link).where(Link.paper_id == paper.id)
                                      .order_by(col(Link.id))))
            observations = {}
            for link in links:
                last = session.exec(select(ObservationRecord.id).where(
                    ObservationRecord.link_id == link.id).order_by(
                    col(ObservationRecord.id).desc())).first()
                if last is not None and link.id is not None:
                    observations[link.id] = session.get(ObservationRecord, last)
            card_id = session.exec(select(ScorecardRecord.id).where(
                ScorecardRecord.paper_id == paper.id).order_by(
                col(ScorecardRecord.id).desc())).first()
            card = session.get(ScorecardRecord, card_id) if card_id is not None else None
            expected.append(paper_row(paper, links, observations, card))  # type: ignore[arg-type]
    engine.dispose()

    assert len(exported) == PAPERS and exported == expected
    assert all(row["environment"] is True and row["stars"] is not None for row in exported)
