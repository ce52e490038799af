"""Turn what a user typed after `reprotrack check` into a stored paper (creating it if new)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tracker.errors import InputError
from tracker.identifiers import normalise_title, parse_arxiv_id, parse_doi
from tracker.links import LinkKind, normalise_url
from tracker.store.models import Link, Paper
from tracker.store.papers import PaperFields, add_links, find_paper, new_paper

_PAPER_KINDS = (LinkKind.ARXIV, LinkKind.HF_PAPER)


def resolve_target(session: Session, target: str) -> Paper:
    """The paper `target` names: an arXiv id/URL/DOI, a Hugging Face paper URL, a DOI, a
    GitHub / Hugging Face / OSF / web URL, or the title of a stored paper.

    A paper or URL not stored yet is added (a URL becomes a user-provided link of a new paper).
    An unknown or ambiguous title is an InputError listing the candidates.
    """
    paper = _lookup(session, target, create=True)
    assert paper is not None  # created when it was missing
    return paper


def find_target(session: Session, target: str) -> Paper | None:
    """The stored paper `target` names, or None when it names a paper or URL not tracked yet.

    Reads only: nothing is added. Titles, like `#id`s, must name a stored paper (InputError).
    """
    return _lookup(session, target, create=False)


def _lookup(session: Session, target: str, *, create: bool) -> Paper | None:
    text = target.strip()
    if not text:
        raise InputError("empty target: give an arXiv id, a URL or a stored paper's title")
    if text.startswith("#") and text[1:].isdigit():
        return paper_by_id(session, int(text[1:]))
    arxiv_id = parse_arxiv_id(text)
    if arxiv_id:
        return _paper_for(session, PaperFields(arxiv_id=arxiv_id), create=create)
    doi = parse_doi(text) if text.lower().startswith(("10.", "doi:", "https://doi.org")) else None
    link = normalise_url(text) if "." in text and " " not in text else None
    if doi and (link is None or link.kind == LinkKind.DOI):
        return _paper_for(session, PaperFields(doi=doi), create=create)
    if link is not None:
        existing = session.exec(
            select(Paper).join(Link).where(Link.url == link.url).order_by(col(Paper.id))
        ).first()
        if existing or not create:
            return existing
        paper = new_paper(PaperFields())
        session.add(paper)
        session.flush()
        add_links(session, paper, [(link, "user")])
        session.flush()
        return paper
    return paper_by_title(session, text)


def _paper_for(session: Session, fields: PaperFields, *, create: bool) -> Paper | None:
    paper = find_paper(session, fields)
    if paper is None and create:
        paper = new_paper(fields)
        session.add(paper)
        session.flush()
    return paper


def paper_by_id(session: Session, paper_id: int) -> Paper:
    """The stored paper with this id; InputError when there is none."""
    paper = session.get(Paper, paper_id)
    if paper is None:
        raise InputError(f"no stored paper has id {paper_id}")
    return paper


def paper_by_title(session: Session, title: str) -> Paper:
    """The one stored paper with this title (exact normalised match, else a unique partial
    match); an unknown or ambiguous title is an InputError that lists the candidates."""
    key = normalise_title(title)
    if not key:
        raise InputError(f"cannot read {title!r} as an arXiv id, a URL or a title")
    exact = session.exec(select(Paper).where(Paper.title_key == key)).all()
    if len(exact) == 1:
        return exact[0]
    candidates = list(exact) or [
        paper
        for paper in session.exec(select(Paper).where(col(Paper.title_key).contains(key)))
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError(
            f"no stored paper is titled {title!r}: import it first, or give its arXiv id or URL"
        )
    listed = "; ".join(f"#{p.id} {p.title!r}" for p in candidates[:10])
    more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
    raise InputError(
        f"{title!r} matches {len(candidates)} papers: {listed}{more}; give its #id or a "
        "longer title"
    )
