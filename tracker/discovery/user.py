"""A user's word on a paper's links: add, remove, confirm a candidate; list the candidates.

What a user decides is final: a removed link stays in the store as `removed_by_user` (so no
later import or discovery brings it back), an added one is active with provenance `user`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.errors import InputError
from tracker.identifiers import parse_arxiv_id
from tracker.links import NormalisedLink, normalise_url
from tracker.store.engine import transaction
from tracker.store.models import Link, Paper, PaperMatch, _now
from tracker.store.papers import LinkState, PaperFields, add_links, merge_fields
from tracker.targets import paper_by_id, paper_by_title


def find_stored_paper(session: Session, reference: str) -> Paper:
    """The stored paper a user means: `#12` or `12` (its id), an arXiv id or URL, or a title."""
    text = reference.strip().removeprefix("#")
    if text.isdigit():
        return paper_by_id(session, int(text))
    arxiv_id = parse_arxiv_id(text)
    if arxiv_id:
        paper = session.exec(select(Paper).where(Paper.arxiv_id == arxiv_id)).first()
        if paper is None:
            raise InputError(f"no stored paper has arXiv id {arxiv_id}")
        return paper
    return paper_by_title(session, text)


def _link(url: str) -> NormalisedLink:
    link = normalise_url(url)
    if link is None:
        raise InputError(f"not an http(s) URL: {url!r}")
    return link


def _row(session: Session, paper: Paper, link: NormalisedLink) -> Link | None:
    return session.exec(
        select(Link).where(Link.paper_id == paper.id, Link.url == link.url)
    ).first()


def add_user_link(engine: Engine, paper_reference: str, url: str) -> Link:
    """Make `url` an active link of the paper, with provenance `user` (new or not)."""
    link = _link(url)
    with transaction(engine) as session:
        paper = find_stored_paper(session, paper_reference)
        row = _row(session, paper, link)
        if row is None:
            [row] = add_links(session, paper, [(link, "user")])
        elif row.state != LinkState.ACTIVE:
            row.state, row.provenance, row.confidence = LinkState.ACTIVE, "user", 1.0
            session.add(row)
        session.flush()
        return row


def remove_user_link(engine: Engine, paper_reference: str, url: str) -> Link:
    """Mark the paper's link `removed_by_user`: no longer scored, never re-added."""
    link = _link(url)
    with transaction(engine) as session:
        paper = find_stored_paper(session, paper_reference)
        row = _row(session, paper, link)
        if row is None:
            raise InputError(f"paper #{paper.id} has no link {link.url}: nothing removed "
                             "(see `reprotrack papers`)")
        row.state = LinkState.REMOVED_BY_USER
        session.add(row)
        session.flush()
        return row


def confirm(engine: Engine, paper_reference: str, what: str) -> str:
    """Promote a candidate: a link URL (becomes active) or an arXiv id (becomes the paper's).

    Returns a one-line description of what changed.
    """
    arxiv_id = parse_arxiv_id(what)
    with transaction(engine) as session:
        paper = find_stored_paper(session, paper_reference)
        if arxiv_id:
            return _confirm_identity(session, paper, arxiv_id)
        link = _link(what)
        row = _row(session, paper, link)
        if row is None or row.state != LinkState.CANDIDATE:
            state = "not a link of this paper" if row is None else f"already {row.state}"
            raise InputError(f"{link.url} is {state}: use `reprotrack link add` to add a link")
        row.state, row.confidence = LinkState.ACTIVE, 1.0
        session.add(row)
        return f"#{paper.id}: {row.url} ({row.provenance}) is now an active link"


CONFIDENCE_LEVELS: dict[str, float] = {"high": 0.8, "medium": 0.5, "low": 0.0}


def confidence_threshold(value: str) -> float:
    """`high`, `medium`, `low` or a number in [0, 1]; InputError otherwise."""
    if value.lower() in CONFIDENCE_LEVELS:
        return CONFIDENCE_LEVELS[value.lower()]
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise InputError(f"expected high, medium, low or a number in [0, 1], got {value!r}",
                         key="--min-confidence")
    return number


def confirm_candidates(
    engine: Engine, paper_reference: str | None, min_confidence: float = 0.0
) -> list[tuple[int, str]]:
    """Promote every candidate link at or above `min_confidence`, of one paper or of all;
    returns the (paper id, url) pairs confirmed."""
    with transaction(engine) as session:
        query = select(Link).where(Link.state == LinkState.CANDIDATE,
                                   Link.confidence >= min_confidence)
        if paper_reference is not None:
            paper = find_stored_paper(session, paper_reference)
            query = query.where(Link.paper_id == paper.id)
        rows = list(session.exec(query.order_by(Link.id)))
        for row in rows:
            row.state, row.confidence = LinkState.ACTIVE, 1.0
            session.add(row)
        return [(row.paper_id, row.url) for row in rows]


def _confirm_identity(session: Session, paper: Paper, arxiv_id: str) -> str:
    if paper.arxiv_id and paper.arxiv_id != arxiv_id:
        raise InputError(f"paper #{paper.id} is already arXiv {paper.arxiv_id}")
    other = session.exec(select(Paper).where(Paper.arxiv_id == arxiv_id)).first()
    if other is not None and other.id != paper.id:
        raise InputError(f"arXiv {arxiv_id} is already paper #{other.id}")
    matches = session.exec(select(PaperMatch).where(PaperMatch.paper_id == paper.id)).all()
    for match in matches:
        match.state = "confirmed" if match.arxiv_id == arxiv_id else "rejected"
        session.add(match)
    merge_fields(paper, PaperFields(arxiv_id=arxiv_id))
    paper.updated_at = _now()
    session.add(paper)
    return f"#{paper.id} is arXiv {arxiv_id}"


@dataclass
class PaperCandidates:
    """A paper's unconfirmed candidates: links, and close arXiv matches of its title."""

    paper: Paper
    links: list[Link] = field(default_factory=list)
    matches: list[PaperMatch] = field(default_factory=list)


def list_candidates(session: Session) -> list[PaperCandidates]:
    """Every paper that has candidates, oldest paper first."""
    grouped: dict[int, PaperCandidates] = {}
    link_rows = session.exec(
        select(Link).where(Link.state == LinkState.CANDIDATE).order_by(col(Link.id))
    )
    for link in link_rows:
        grouped.setdefault(link.paper_id, PaperCandidates(session.get(Paper, link.paper_id)))  # type: ignore[arg-type]
        grouped[link.paper_id].links.append(link)
    match_rows = session.exec(
        select(PaperMatch).where(PaperMatch.state == "candidate").order_by(col(PaperMatch.id))
    )
    for match in match_rows:
        paper = session.get(Paper, match.paper_id)
        if paper is None or paper.arxiv_id:
            continue  # identified since: the close matches no longer matter
        grouped.setdefault(match.paper_id, PaperCandidates(paper))
        grouped[match.paper_id].matches.append(match)
    return [grouped[paper_id] for paper_id in sorted(grouped)]


def count_candidates(session: Session) -> tuple[int, int]:
    """(candidate links, close arXiv matches) still waiting for a user."""
    listed = list_candidates(session)
    return sum(len(c.links) for c in listed), sum(len(c.matches) for c in listed)
