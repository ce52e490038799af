"""What the paper's own README and pages say a link is: its role by context, at scoring time.

A Drive or OneDrive folder, a Dropbox or Baidu share often cannot be listed by its host: its
page is a JavaScript application, or it asks for an extraction code. Whether it holds weights
or data is then said only by the README or project page that links it ("| R-50 | 41.2 |
[Google Drive](...)" in a Model Zoo table). This module finds the link's context in the
paper's READMEs (its code repositories') and project pages, and judges it with the
attribution rules (checks.classify.attribution), so such a share counts when the authors'
own text says what it is, and as what. The cards of the paper's own Hub models and datasets
are read the same way: a model card often links the data the model was trained on (a
third-party input) or the authors' dataset (their release).
"""

from __future__ import annotations

import functools

from checks.base import LinkFacts, PaperFacts
from checks.classify.artefact_links import LinkContext, links_in_html, links_in_markdown
from checks.classify.attribution import (
    ArtefactJudgement,
    Attribution,
    Confidence,
    PaperIdentity,
    judge_link,
)
from checks.common import REACHABLE, code_repos, readme_links
from tracker.kernel import read_text
from tracker.links import LinkKind, normalise_url

PAGE_KINDS = (LinkKind.PROJECT_PAGE, LinkKind.WEB)
CARD_KINDS = (LinkKind.HF_MODEL, LinkKind.HF_DATASET)


def _identity(paper: PaperFacts) -> PaperIdentity:
    owners, names = [], []
    for repo in code_repos(paper):
        owner, _, name = repo.url.removeprefix("https://github.com/").partition("/")
        owners.append(owner)
        names.append(name)
    project, colon, _ = paper.title.partition(":")
    if colon and len(project.split()) <= 3:
        names.append(project.strip())
    return PaperIdentity.of(owners, names)


@functools.lru_cache(maxsize=256)
def _page_links(text: str, base: str) -> tuple[LinkContext, ...]:
    return tuple(links_in_html(text, base))


def _contexts(paper: PaperFacts) -> list[LinkContext]:
    found: list[LinkContext] = []
    for repo in code_repos(paper):
        if repo.status in REACHABLE:
            found += readme_links(repo)
    for entry in paper.links_of(*CARD_KINDS):
        card = read_text(entry.facts.get("card")) if entry.status in REACHABLE else None
        if card is not None and card.text:
            found += _card_links(card.text)
    for page in paper.links_of(*PAGE_KINDS):
        text = read_text(page.facts.get("html")) if page.status in REACHABLE else None
        if text is not None and text.text:
            found += _page_links(text.text, str(page.facts.get("final_url") or page.url))
    return found


@functools.lru_cache(maxsize=256)
def _card_links(text: str) -> tuple[LinkContext, ...]:
    return tuple(links_in_markdown(text))


@functools.lru_cache(maxsize=4096)
def _canonical(url: str) -> str | None:
    link = normalise_url(url)
    return link.url if link is not None else None


def judged_in_context(paper: PaperFacts, link: LinkFacts) -> ArtefactJudgement | None:
    """The attribution of `link` where the paper's README or page links it (the most
    confident one when several do), or None when neither links it."""
    identity = _identity(paper)
    best: ArtefactJudgement | None = None
    order = {Confidence.HIGH: 2, Confidence.MEDIUM: 1, Confidence.LOW: 0}
    for context in _contexts(paper):
        if context.placeholder is not None or _canonical(context.url) != link.url:
            continue
        judged = judge_link(context, normalise_url(context.url), identity)
        if judged.attribution is Attribution.THIRD_PARTY:
            return judged  # the authors say it is someone else's: that settles it
        if best is None or order[judged.confidence] > order[best.confidence]:
            best = judged
    return best
