"""One hop from the paper's own pages: its project pages', READMEs' and Hub cards' links.

The links come from facts the sources already record: a page's `outbound_links` (web source),
a repository's README text (GitHub source) and a Hub model's or dataset's card text (Hub
source). The newest stored observation of the page
or repository is read when it has them; only a page or repository never observed is fetched
now, through its source, and that observation is stored as part of the link's history (so
the check that follows need not fetch it again). No page found by a hop is itself followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from checks.classify.artefact_links import LinkContext, links_in_html, links_in_markdown
from checks.classify.readme import analyse_readme
from tracker.kernel import INCONCLUSIVE, read_text
from tracker.links import LinkKind
from tracker.observing import observe_links
from tracker.sources import SourceSet
from tracker.sources.base import LinkStatus, Observation
from tracker.store.models import Link
from tracker.store.observations import as_observation, latest_observations

# Links found by a hop are not hopped from again (no crawling).
HOP_PROVENANCES = frozenset({"project-page", "readme", "hf-card"})
CARD_KINDS = frozenset({LinkKind.HF_MODEL, LinkKind.HF_DATASET})
_READABLE = frozenset({LinkStatus.OK, LinkStatus.MOVED})


@dataclass
class PageLinks:
    """The URLs one page or README links, and the observation made to read them, if any.

    `contexts` holds each link with its context (heading path, table row, sentence, badge)
    when the page's or README's text was stored (facts v2); attribution reads them.
    """

    urls: list[str]
    observation: Observation | None = None
    contexts: list[LinkContext] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)  # what was read (readable only)
    status: LinkStatus | None = None  # of the observation read (None: nothing observed)


def is_project_page(link: Link) -> bool:
    """A page of the paper's own: a github.io page, or a web page its text or index gives."""
    if link.provenance in HOP_PROVENANCES:
        return False
    return link.kind == LinkKind.PROJECT_PAGE or link.kind == LinkKind.WEB


def is_code_repository(link: Link) -> bool:
    """A GitHub repository of the paper, whose README is read."""
    return link.kind == LinkKind.GITHUB_REPO


def is_hub_entry(link: Link) -> bool:
    """A Hub model or dataset of the paper (or proposed for it), whose card is read: the one
    second hop allowed, since READMEs link models whose cards link the data; an entry found
    in a card is not read in turn."""
    return link.kind in CARD_KINDS and link.provenance != "hf-card"


def _urls(link: Link, facts: dict[str, object]) -> list[str] | None:
    """The linked URLs the facts hold, or None when they hold none for this kind."""
    if link.kind in CARD_KINDS:
        card = read_text(facts.get("card"))
        if card is None or card.text is None:
            return None
        return [context.url for context in links_in_markdown(card.text)]
    if link.kind == LinkKind.GITHUB_REPO:
        readme = read_text(facts.get("readme"))
        if readme is None:
            links = None
        elif readme.text is not None:
            links = analyse_readme(readme.text)["links"]
        else:  # facts v1 kept the README's links, not its text
            links = (readme.analysis or {}).get("links")
    else:
        links = facts.get("outbound_links")
    return [str(url) for url in links] if isinstance(links, list) else None


def prefetch(
    engine: Engine, sources: SourceSet, links: list[Link], *, audit_id: int | None = None
) -> dict[int, Observation]:
    """Observe, in one batch per service, the links never observed yet; store and return them.

    Batching lets a source use its batch API (GitHub's GraphQL, 25 repositories a request,
    with a token) instead of one look per link.
    """
    with Session(engine) as session:
        seen = latest_observations(session, [link.id for link in links if link.id])
    fresh = [link for link in links if link.id is not None and link.id not in seen]
    return observe_links(engine, sources, fresh, audit_id=audit_id)


def linked_from(
    engine: Engine, sources: SourceSet, link: Link, *, audit_id: int | None = None
) -> PageLinks:
    """The URLs a page or repository links: from its newest observation, else fetched now."""
    assert link.id is not None
    with Session(engine) as session:
        row = latest_observations(session, [link.id]).get(link.id)
    if row is not None:
        previous = as_observation(row)
        readable = previous.status in _READABLE
        urls = _urls(link, previous.facts) if readable else None
        return PageLinks(urls or [], None, _contexts(link, previous.facts) if readable else [],
                         dict(previous.facts) if readable else {}, previous.status)
    source = sources.source_for(link.kind)
    if source is None:
        return PageLinks([])
    observation = observe_links(engine, sources, [link], audit_id=audit_id).get(link.id)
    if observation is None:
        return PageLinks([])
    readable = observation.status in _READABLE
    return PageLinks((_urls(link, observation.facts) if readable else None) or [], observation,
                     _contexts(link, observation.facts) if readable else [],
                     dict(observation.facts) if readable else {}, observation.status)


def unread_card(link: Link, read: PageLinks) -> str | None:
    """Why a Hub entry's card, which may link the paper's artefacts, was not read (None: it
    was, or there is none to read: no card, or a gate that keeps it)."""
    if read.status is None or read.status in INCONCLUSIVE:
        return f"the card of {link.url} could not be read (the Hub did not answer)"
    card_error = read.facts.get("card_error")
    if card_error and not str(card_error).startswith("gated"):
        return f"the card of {link.url} could not be read ({card_error})"
    return None


def _contexts(link: Link, facts: dict[str, object]) -> list[LinkContext]:
    """Every link of the stored README, card or page text, with its context ([] without)."""
    if link.kind == LinkKind.GITHUB_REPO or link.kind in CARD_KINDS:
        text = read_text(facts.get("readme" if link.kind == LinkKind.GITHUB_REPO else "card"))
        return links_in_markdown(text.text) if text is not None and text.text else []
    page = read_text(facts.get("html"))
    if page is None or not page.text:
        return []
    base = facts.get("final_url") or link.url
    return links_in_html(page.text, str(base))
