"""Queries and writes on papers and their links (the merge rules live here)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from tracker.identifiers import is_link_title, normalise_title
from tracker.links import NormalisedLink
from tracker.store.models import Link, Paper, _now


class LinkState(StrEnum):
    """Whether a link counts: only active links are observed and scored."""

    ACTIVE = "active"
    CANDIDATE = "candidate"  # found by discovery, not scored until a user confirms it
    REMOVED_BY_USER = "removed_by_user"  # kept so imports and discovery never re-add it


PAGE_SIZE = 1_000  # papers read at once by listings and exports (`iter_papers`)


@dataclass
class PaperFields:
    """What an input record says about a paper (any field may be unknown)."""

    title: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    abstract: str | None = None


def find_paper(session: Session, fields: PaperFields) -> Paper | None:
    """The stored paper this record is: same arXiv id first, then same DOI, then same title.

    A title match is refused when both sides carry different arXiv ids: two papers may share
    a title (an arXiv id is the stronger identity).
    """
    if fields.arxiv_id:
        paper = session.exec(select(Paper).where(Paper.arxiv_id == fields.arxiv_id)).first()
        if paper:
            return paper
    if fields.doi:
        for paper in session.exec(select(Paper).where(Paper.doi == fields.doi)):
            if not (fields.arxiv_id and paper.arxiv_id and paper.arxiv_id != fields.arxiv_id):
                return paper
    key = normalise_title(fields.title) if fields.title else None
    if key:
        for paper in session.exec(select(Paper).where(Paper.title_key == key).order_by(Paper.id)):
            if not (fields.arxiv_id and paper.arxiv_id and paper.arxiv_id != fields.arxiv_id):
                return paper
    return None


def merge_fields(paper: Paper, fields: PaperFields) -> bool:
    """Fill the paper's unknown fields from `fields`; returns whether anything changed.

    Known values are never overwritten: the first source to name a title keeps it, so
    re-importing a file changes nothing. A stand-in title (`github.com/lab/method`, from a
    URL list) is not a known title: a real one replaces it.
    """
    changed = False
    for name in ("title", "arxiv_id", "doi", "abstract"):
        value = getattr(fields, name)
        known = getattr(paper, name)
        if name == "title" and is_link_title(known) and not is_link_title(value):
            known = None
        if value and not known:
            setattr(paper, name, value)
            changed = True
    if changed:
        paper.title_key = normalise_title(paper.title) if paper.title else None
        paper.updated_at = _now()
    return changed


def new_paper(fields: PaperFields) -> Paper:
    """A Paper row for a record never seen before."""
    return Paper(
        title=fields.title,
        title_key=normalise_title(fields.title) if fields.title else None,
        arxiv_id=fields.arxiv_id,
        doi=fields.doi,
        abstract=fields.abstract,
    )


def add_links(
    session: Session,
    paper: Paper,
    links: Iterable[tuple[NormalisedLink, str]],
    *,
    confidence: float = 1.0,
    state: str = LinkState.ACTIVE,
) -> list[Link]:
    """Attach (link, provenance) pairs the paper does not have yet; returns the new rows.

    A URL the paper already has, in any state, is left as it is: a link a user removed
    stays removed, and a candidate is promoted only by a user.
    """
    assert paper.id is not None
    have = set(session.exec(select(Link.url).where(Link.paper_id == paper.id)))
    added: list[Link] = []
    for link, provenance in links:
        if link.url in have:
            continue
        have.add(link.url)
        row = Link(
            paper_id=paper.id,
            url=link.url,
            kind=str(link.kind),
            host=link.host,
            target=link.target,
            detail=link.detail,
            provenance=provenance,
            confidence=confidence,
            anonymous_review=link.anonymous_review,
            access_key=link.access_key,
            state=str(state),
        )
        session.add(row)
        added.append(row)
    return added


def list_papers(session: Session) -> Sequence[Paper]:
    """Every stored paper, oldest first."""
    return session.exec(select(Paper).order_by(col(Paper.id))).all()


def links_of(
    session: Session,
    paper_ids: Iterable[int],
    *,
    states: Collection[str] | None = (LinkState.ACTIVE,),
) -> dict[int, list[Link]]:
    """The links of these papers, grouped by paper id, in the order they were added.

    By default only active links (what is observed and scored); `states=None` gives all.
    """
    ids = list(paper_ids)
    grouped: dict[int, list[Link]] = {i: [] for i in ids}
    if not ids:
        return grouped
    query = select(Link).where(col(Link.paper_id).in_(ids)).order_by(col(Link.id))
    if states is not None:
        query = query.where(col(Link.state).in_([str(s) for s in states]))
    for link in session.exec(query):
        grouped[link.paper_id].append(link)
    return grouped


def iter_papers(
    session: Session,
    *,
    batch_size: int = PAGE_SIZE,
    states: Collection[str] | None = (LinkState.ACTIVE,),
) -> Iterator[list[tuple[Paper, list[Link]]]]:
    """Every stored paper with its links, oldest first, a page of `batch_size` at a time.

    Pages are read by key (`id > last`), so memory holds one page whatever the store's size;
    each page's objects are let go before the next is read.
    """
    last = 0
    while True:
        page = list(session.exec(select(Paper).where(col(Paper.id) > last)
                                 .order_by(col(Paper.id)).limit(batch_size)))
        if not page:
            return
        grouped = links_of(session, [p.id for p in page if p.id is not None], states=states)
        yield [(paper, grouped[paper.id]) for paper in page if paper.id is not None]
        last = page[-1].id or last
        session.expunge_all()


def papers_by_id(session: Session, paper_ids: Iterable[int]) -> dict[int, Paper]:
    """These papers by id (ids of deleted papers are absent)."""
    ids = list(paper_ids)
    if not ids:
        return {}
    query = select(Paper).where(col(Paper.id).in_(ids))
    return {paper.id: paper for paper in session.exec(query) if paper.id is not None}
