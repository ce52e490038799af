"""Discovery: find the code, weights and data of papers whose text links nothing.

A resolution step run before observing (`import --resolve`, `check`, `audit`). For each
paper: identify it (arXiv id from the input, else an exact normalised-title match in the
Hugging Face papers index, then in arXiv; close titles become candidates), read its Hub paper
page and the Hub repos tagged with its arXiv id, then go one hop through its project pages
and its repositories' READMEs. Every link keeps its provenance (`hf-paper`, `hf-arxiv-tag`,
`arxiv`, `project-page`, `readme`) and confidence; links that are not the authors' are
stored as candidates and not scored until confirmed (`tracker.discovery.rules`). Discovery
only ever adds links: what a user added or removed is never changed. Look-ups are cached.

Use: `discover(engine, build_discovery_clients(settings, sources), paper_ids,
settings.discovery, audit_id=...)`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from checks.classify.artefact_links import LinkContext
from checks.classify.attribution import PaperIdentity, judge_link
from tracker.config import DiscoverySettings, Settings
from tracker.discovery.by_repository import identity_of
from tracker.discovery.hf_papers import IndexFindings, index_findings
from tracker.discovery.identify import (
    Identification,
    PaperView,
    TitleMatch,
    arxiv_entry,
    identify,
)
from tracker.discovery.pages import (
    PageLinks,
    is_code_repository,
    is_hub_entry,
    is_project_page,
    linked_from,
    prefetch,
    unread_card,
)
from tracker.discovery.rules import (
    BACKLINK_PROVENANCES,
    CONFIDENCE,
    HUB_KINDS,
    IDENTITY_KINDS,
    RECORD_KINDS,
    SOLE_REPOSITORY_CONFIDENCE,
    Proposal,
    card_links_back,
    derivative_reason,
    is_site_repository,
    judge,
    owners_of,
)
from tracker.identifiers import is_link_title
from tracker.kernel import read_text
from tracker.links import LinkKind, NormalisedLink, extract_links, normalise_url
from tracker.sources import SourceSet, http_policy
from tracker.sources.arxiv import ArxivClient
from tracker.sources.base import Observation, utcnow
from tracker.sources.hf_papers import HubPaperIndex
from tracker.store.engine import transaction
from tracker.store.models import Link, Paper, PaperMatch
from tracker.store.papers import LinkState, PaperFields, add_links, links_of, merge_fields

# The passes of discovery over a list of papers, in order, as its progress counts them.
DISCOVERY_PASSES = ("identifying", "reading pages", "reading READMEs and cards")

__all__ = [
    "DISCOVERY_PASSES",
    "Discovery", "DiscoveryClients", "DiscoverySummary", "build_discovery_clients", "discover",
]


@dataclass
class DiscoveryClients:
    """The clients discovery asks: the Hub papers index, arXiv, and the link sources."""

    papers: HubPaperIndex
    arxiv: ArxivClient
    sources: SourceSet


def build_discovery_clients(settings: Settings, sources: SourceSet) -> DiscoveryClients:
    """Discovery's clients from the settings, counting requests in the sources' ledger."""
    common = {"ledger": sources.ledger, "policy": http_policy(settings),
              "interrupt": sources.interrupt}
    return DiscoveryClients(
        papers=HubPaperIndex(endpoint=settings.huggingface.endpoint,
                             token=settings.huggingface.token or None, **common),
        arxiv=ArxivClient(endpoint=settings.arxiv.api_url,
                          min_interval=settings.arxiv.min_interval, **common),
        sources=sources,
    )


def discovery_for(settings: Settings, sources: SourceSet) -> Discovery | None:
    """Discovery as configured for a run sharing `sources`, or None when it is disabled."""
    if not settings.discovery.enabled:
        return None
    return Discovery(build_discovery_clients(settings, sources), settings.discovery)


@dataclass
class DiscoverySummary:
    """What one discovery run did, for the user, the audit record and tests."""

    papers: int = 0
    identified: int = 0  # papers given an arXiv id by this run
    identified_by: Counter[str] = field(default_factory=Counter)  # hf-paper | arxiv
    already_identified: int = 0
    not_identified: int = 0  # had a title, and no index matched it exactly
    title_candidates: int = 0  # close arXiv matches stored for a user to confirm
    links_added: Counter[str] = field(default_factory=Counter)  # provenance -> active links
    candidates_added: Counter[str] = field(default_factory=Counter)  # provenance -> candidates
    lookups_sent: int = 0
    lookups_cached: int = 0
    failures: list[str] = field(default_factory=list)
    # Papers an index could not answer for (rate limited, failing, unreadable): what discovery
    # found for them is incomplete, and nothing it did not find may be read as absent.
    incomplete: set[int] = field(default_factory=set)
    gaps: dict[int, str] = field(default_factory=dict)  # paper id -> its first failure
    observed: dict[int, Observation] = field(default_factory=dict)  # link id -> made now


@dataclass
class Discovery:
    """Discovery configured once, for callers that run it paper by paper (`check`)."""

    clients: DiscoveryClients
    settings: DiscoverySettings

    def run(
        self,
        engine: Engine,
        paper_ids: Iterable[int],
        *,
        audit_id: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> DiscoverySummary:
        """`discover` with these clients and settings."""
        return discover(engine, self.clients, paper_ids, self.settings, audit_id=audit_id,
                        progress=progress)


def discover(
    engine: Engine,
    clients: DiscoveryClients,
    paper_ids: Iterable[int],
    settings: DiscoverySettings,
    *,
    audit_id: int | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DiscoverySummary:
    """Identify these papers and add the links the indexes and their pages give.

    Observations made to read a page or README are stored (tagged with `audit_id`) and
    returned in `summary.observed`, so the caller need not fetch those links again.
    `progress(done, total)` is called after each paper of each of the three passes
    (identifying it: the slow part, with index searches and arXiv's one request every 3
    seconds; reading its project pages; reading its repositories' READMEs), so `total` is
    three times the number of papers (`DISCOVERY_PASSES`).
    """
    summary = DiscoverySummary()
    if not settings.enabled:
        return summary
    moment = now or utcnow()
    ids = list(dict.fromkeys(paper_ids))
    steps = iter(range(1, len(DISCOVERY_PASSES) * len(ids) + 1))

    def advance() -> None:
        step = next(steps)
        if progress is not None:
            progress(step, len(DISCOVERY_PASSES) * len(ids))

    # Step by step over all papers, so that the repositories to read can be fetched in batches.
    for paper_id in ids:
        _identify_and_index(engine, clients, paper_id, settings, summary, moment)
        advance()
    for paper_id in ids:
        _page_step(engine, clients.sources, paper_id, settings, summary, audit_id)
        advance()
    with Session(engine) as session:
        repositories = [link for links in links_of(session, ids).values() for link in links
                        if is_code_repository(link)]
    summary.observed.update(prefetch(engine, clients.sources, repositories, audit_id=audit_id))
    for paper_id in ids:
        _readme_step(engine, clients.sources, paper_id, settings, summary, audit_id)
        _repository_step(engine, clients, paper_id, settings, summary, moment, audit_id)
        _card_step(engine, clients.sources, paper_id, settings, summary, audit_id)
        advance()
    return summary


def _view(engine: Engine, paper_id: int) -> PaperView | None:
    with Session(engine) as session:
        paper = session.get(Paper, paper_id)
        if paper is None:
            return None
        return PaperView(paper_id, paper.title, paper.arxiv_id, paper.doi, bool(paper.abstract))


def _identify_and_index(
    engine: Engine, clients: DiscoveryClients, paper_id: int, settings: DiscoverySettings,
    summary: DiscoverySummary, now: datetime,
) -> None:
    view = _view(engine, paper_id)
    if view is None:
        return
    summary.papers += 1
    found = identify(engine, clients.papers, clients.arxiv, view, settings, now)
    arxiv_id = _record_identity(engine, view, found, settings, summary)
    failed_before = len(summary.failures)
    if arxiv_id:
        # arXiv is asked by id only about a paper known by nothing but its id (3 s a request).
        ask_arxiv = not (view.title and view.has_abstract)
        _index_step(engine, clients, paper_id, arxiv_id, found, settings, summary, now, ask_arxiv)
    _tally(summary, found)
    if len(summary.failures) > failed_before:
        summary.incomplete.add(paper_id)
        summary.gaps.setdefault(paper_id, summary.failures[failed_before])


def _tally(summary: DiscoverySummary, found: Identification) -> None:
    summary.lookups_sent += found.searched
    summary.lookups_cached += found.cached
    summary.failures.extend(found.failures)


def _record_identity(
    engine: Engine, view: PaperView, found: Identification, settings: DiscoverySettings,
    summary: DiscoverySummary,
) -> str | None:
    """Store the arXiv id (or the close matches); returns the id to look up, if any."""
    if found.provenance == "input":
        summary.already_identified += 1
        if view.arxiv_id is None and found.arxiv_id:  # from an arXiv DOI
            return _set_arxiv_id(engine, view.id, found, summary)
        return found.arxiv_id
    if view.title:
        summary.not_identified += found.arxiv_id is None
    if found.arxiv_id:
        return _set_arxiv_id(engine, view.id, found, summary)
    _store_matches(engine, view.id, found, settings, summary)
    return None


def _set_arxiv_id(
    engine: Engine, paper_id: int, found: Identification, summary: DiscoverySummary
) -> str | None:
    assert found.arxiv_id is not None
    with transaction(engine) as session:
        owner = session.exec(select(Paper).where(Paper.arxiv_id == found.arxiv_id)).first()
        if owner is not None and owner.id != paper_id:
            summary.failures.append(
                f"paper #{paper_id}: arXiv {found.arxiv_id} is already paper #{owner.id}"
            )
            return None
        paper = session.get(Paper, paper_id)
        assert paper is not None
        if merge_fields(paper, PaperFields(arxiv_id=found.arxiv_id)) and found.provenance:
            summary.identified += 1
            summary.identified_by[found.provenance] += 1
        session.add(paper)
    return found.arxiv_id


def _store_matches(
    engine: Engine, paper_id: int, found: Identification, settings: DiscoverySettings,
    summary: DiscoverySummary,
) -> None:
    if not found.matches:
        return
    with transaction(engine) as session:
        rows = session.exec(select(PaperMatch).where(PaperMatch.paper_id == paper_id)).all()
        known = {row.arxiv_id for row in rows}
        budget = settings.max_candidates - sum(row.state == "candidate" for row in rows)
        for match in found.matches:
            if match.arxiv_id in known or budget <= 0:
                continue
            known.add(match.arxiv_id)
            budget -= 1
            session.add(PaperMatch(paper_id=paper_id, arxiv_id=match.arxiv_id, title=match.title,
                                   confidence=match.confidence, provenance=match.provenance))
            summary.title_candidates += 1


def _active_links(engine: Engine, paper_id: int) -> list[Link]:
    with Session(engine) as session:
        return links_of(session, [paper_id])[paper_id]


def _owners(links: list[Link], organisation: str | None = None) -> set[str]:
    return owners_of(((l.kind, l.target, l.host) for l in links), organisation)


def _identity(engine: Engine, paper_id: int, links: list[Link]) -> PaperIdentity:
    """The paper's owners (as `_owners`) and names: its repositories' and project's."""
    with Session(engine) as session:
        paper = session.get(Paper, paper_id)
    names = [link.target.split("/", 1)[1] for link in links
             if link.kind == LinkKind.GITHUB_REPO and "/" in link.target]
    title = (paper.title or "") if paper is not None else ""
    project, colon, _ = title.partition(":")
    if colon and len(project.split()) <= 3:
        names.append(project.strip())
    return PaperIdentity.of(_owners(links), names)


def _artefact_proposals(
    contexts: Iterable[LinkContext], provenance: str, identity: PaperIdentity
) -> list[Proposal]:
    """Weights and data a README or page links, by the attribution rules
    (checks.classify.attribution): released with high confidence counts at once, medium
    waits for a user as a candidate, third-party inputs and other links are left out."""
    active, candidate = CONFIDENCE[provenance]
    proposals: dict[str, Proposal] = {}
    for context in contexts:
        if context.placeholder is not None:
            continue
        link = normalise_url(context.url)
        if link is None or link.kind in IDENTITY_KINDS or link.kind == LinkKind.GITHUB_REPO:
            continue
        judged = judge_link(context, link, identity)
        if judged.counts:
            proposals[link.url] = Proposal(link, provenance, LinkState.ACTIVE, active)
        elif judged.candidate and link.url not in proposals:
            proposals[link.url] = Proposal(link, provenance, LinkState.CANDIDATE, candidate)
    return list(proposals.values())


def _normalised(urls: Iterable[str]) -> list[NormalisedLink]:
    found = [normalise_url(url) for url in urls]
    return [link for link in found if link is not None and link.kind not in IDENTITY_KINDS]


def _index_step(
    engine: Engine, clients: DiscoveryClients, paper_id: int, arxiv_id: str,
    found: Identification, settings: DiscoverySettings, summary: DiscoverySummary,
    now: datetime, ask_arxiv: bool,
) -> None:
    """Links from the Hub paper page, the Hub repos citing the paper, and arXiv's entry."""
    findings = index_findings(engine, clients.papers, arxiv_id, settings, now)
    summary.lookups_sent += findings.searched
    summary.lookups_cached += findings.cached
    summary.failures.extend(findings.failures)
    if findings.title:
        with transaction(engine) as session:
            paper = session.get(Paper, paper_id)
            if paper is not None and merge_fields(paper, PaperFields(title=findings.title)):
                session.add(paper)
    proposals = [
        Proposal(link, "hf-paper", LinkState.ACTIVE, confidence)
        for url, confidence in findings.claimed
        for link in _normalised([url])
    ]
    entry = found.arxiv_entries.get(arxiv_id)
    if entry is None and not findings.page_found and ask_arxiv:
        entry = arxiv_entry(engine, clients.arxiv, arxiv_id, found, settings, now)
    if entry:
        with transaction(engine) as session:
            paper = session.get(Paper, paper_id)
            fields = PaperFields(title=entry.get("title"), abstract=entry.get("summary"))
            if paper is not None and merge_fields(paper, fields):
                session.add(paper)
        text = f"{entry.get('comment') or ''} {entry.get('summary') or ''}"
        proposals += [judge(link, "arxiv", set()) for link in extract_links(text)
                      if link.kind not in IDENTITY_KINDS]
    _write(engine, paper_id, proposals, settings, summary)
    owners = _owners(_active_links(engine, paper_id), findings.organisation)
    proposals = [judge(link, "hf-paper", owners) for link in _normalised(findings.linked)]
    proposals += [judge(link, "hf-arxiv-tag", owners) for link in _normalised(findings.tagged)]
    _write(engine, paper_id, proposals, settings, summary)


def _page_step(
    engine: Engine, sources: SourceSet, paper_id: int, settings: DiscoverySettings,
    summary: DiscoverySummary, audit_id: int | None,
) -> None:
    """Code, weights and data linked from the paper's project pages (one hop)."""
    links = _active_links(engine, paper_id)
    owners = _owners(links)
    identity = _identity(engine, paper_id, links)
    proposals: list[Proposal] = []
    for page in filter(is_project_page, links):
        read = linked_from(engine, sources, page, audit_id=audit_id)
        if read.observation is not None and page.id is not None:
            summary.observed[page.id] = read.observation
        # Files and shares (Drive, Zenodo ...) the page releases, judged in their context.
        proposals += [p for p in _artefact_proposals(read.contexts, "project-page", identity)
                      if p.link.kind not in HUB_KINDS and p.link.kind not in RECORD_KINDS]
        wanted = [
            link for link in _normalised(read.urls)
            if (link.kind == LinkKind.GITHUB_REPO and not is_site_repository(link))
            or link.kind in HUB_KINDS or link.kind in RECORD_KINDS
        ]
        repositories = {l.url for l in wanted if l.kind == LinkKind.GITHUB_REPO}
        # Repositories first: the code a page names makes its owner one of the authors.
        for link in sorted(wanted, key=lambda l: l.kind != LinkKind.GITHUB_REPO):
            proposal = judge(link, "project-page", owners)
            if proposal.state == LinkState.CANDIDATE and repositories == {link.url}:
                proposal = Proposal(link, "project-page", LinkState.ACTIVE,
                                    SOLE_REPOSITORY_CONFIDENCE)
            if proposal.state == LinkState.ACTIVE and link.kind == LinkKind.GITHUB_REPO:
                owners.add(link.target.split("/", 1)[0].lower())
            proposals.append(proposal)
    _write(engine, paper_id, proposals, settings, summary)


def _readme_step(
    engine: Engine, sources: SourceSet, paper_id: int, settings: DiscoverySettings,
    summary: DiscoverySummary, audit_id: int | None,
) -> None:
    """Weights and data linked from the READMEs of the paper's repositories (one hop)."""
    links = _active_links(engine, paper_id)
    owners = _owners(links)
    proposals: list[Proposal] = []
    identity = _identity(engine, paper_id, links)
    for repository in filter(is_code_repository, links):
        read = linked_from(engine, sources, repository, audit_id=audit_id)
        if read.observation is not None and repository.id is not None:
            summary.observed[repository.id] = read.observation
        if read.contexts:
            proposals += _artefact_proposals(read.contexts, "readme", identity)
            continue
        proposals += [  # facts v1: the README's links without their context
            judge(link, "readme", owners) for link in _normalised(read.urls)
            if link.kind in HUB_KINDS or link.kind in RECORD_KINDS
        ]
    _write(engine, paper_id, proposals, settings, summary)


def _card_step(
    engine: Engine, sources: SourceSet, paper_id: int, settings: DiscoverySettings,
    summary: DiscoverySummary, audit_id: int | None,
) -> None:
    """Weights and data linked from the cards of the paper's Hub models and datasets (one
    hop), and the Hub entries proposed for it (tagged with its arXiv id, or on its paper page,
    by an owner that is not one of its own) whose card links back to its code or page."""
    links = _active_links(engine, paper_id)
    identity = _identity(engine, paper_id, links)
    proposals: list[Proposal] = []
    for entry in filter(is_hub_entry, links):
        read = linked_from(engine, sources, entry, audit_id=audit_id)
        if read.observation is not None and entry.id is not None:
            summary.observed[entry.id] = read.observation
        _note_unread_card(summary, paper_id, entry, read)
        proposals += _artefact_proposals(read.contexts, "hf-card", identity)
    _write(engine, paper_id, proposals, settings, summary)
    own = {link.url for link in links if is_code_repository(link) or is_project_page(link)}
    if not own:
        return
    own_entries = {link.target.lower() for link in links if link.kind in HUB_KINDS}
    for candidate in _candidate_links(engine, paper_id):
        if not is_hub_entry(candidate) or candidate.provenance not in BACKLINK_PROVENANCES:
            continue
        read = linked_from(engine, sources, candidate, audit_id=audit_id)
        _note_unread_card(summary, paper_id, candidate, read)
        if not card_links_back(read.contexts, own):
            continue
        card = read_text(read.facts.get("card"))
        copy = derivative_reason(candidate.target, card.text if card else None,
                                 read.facts.get("card_data"), own_entries)
        if copy is None:
            _promote_backlinked(engine, candidate, summary)


def _note_unread_card(summary: DiscoverySummary, paper_id: int, entry: Link,
                      read: PageLinks) -> None:
    """A card that could not be read leaves the paper's discovery incomplete: what it would
    have linked is unknown, so a release criterion that finds nothing is withheld, not failed."""
    reason = unread_card(entry, read)
    if reason is not None:
        summary.failures.append(reason)
        summary.incomplete.add(paper_id)
        summary.gaps.setdefault(paper_id, reason)


def _candidate_links(engine: Engine, paper_id: int) -> list[Link]:
    with Session(engine) as session:
        return list(session.exec(select(Link).where(
            Link.paper_id == paper_id, col(Link.state) == LinkState.CANDIDATE)).all())


def _promote_backlinked(engine: Engine, candidate: Link, summary: DiscoverySummary) -> None:
    """A Hub entry whose card names the paper's own code is the authors' release."""
    with transaction(engine) as session:
        row = session.get(Link, candidate.id)
        if row is None or row.state != LinkState.CANDIDATE:
            return
        row.state, row.provenance = LinkState.ACTIVE, "hf-card-backlink"
        row.confidence = CONFIDENCE["hf-card-backlink"][0]
        session.add(row)
    summary.links_added["hf-card-backlink"] += 1


def _repository_step(
    engine: Engine, clients: DiscoveryClients, paper_id: int, settings: DiscoverySettings,
    summary: DiscoverySummary, now: datetime, audit_id: int | None,
) -> None:
    """A paper known only by its repository: identified when its README cites a paper whose
    Hub page names that repository; a sole cited paper is otherwise a candidate match."""
    view = _view(engine, paper_id)
    if view is None or view.arxiv_id or not is_link_title(view.title):
        return
    for repository in filter(is_code_repository, _active_links(engine, paper_id)):
        read = linked_from(engine, clients.sources, repository, audit_id=audit_id)
        findings = IndexFindings()
        identity = identity_of(engine, clients.papers, repository.url, read.urls, settings,
                               now, findings)
        summary.lookups_sent += findings.searched
        summary.lookups_cached += findings.cached
        if identity.arxiv_id:
            found = Identification(identity.arxiv_id, "hf-paper-repo")
            if _set_arxiv_id(engine, paper_id, found, summary):
                _index_step(engine, clients, paper_id, identity.arxiv_id, found, settings,
                            summary, now, ask_arxiv=True)
            return
        if len(identity.cited) == 1:
            match = TitleMatch(identity.cited[0], "", 0.5, "readme")
            _store_matches(engine, paper_id, Identification(matches=[match]), settings, summary)


def _promote(session: Session, paper_id: int, proposal: Proposal) -> bool:
    """Promote a candidate to active when stronger evidence arrives: the authors' README or
    page links it as their release (a Hub entry only tagged with the paper's arXiv id stays
    a candidate until then). Links a user removed are never touched."""
    if proposal.state != LinkState.ACTIVE or proposal.provenance not in ("readme",
                                                                         "project-page"):
        return False
    row = session.exec(select(Link).where(Link.paper_id == paper_id,
                                          Link.url == proposal.link.url)).first()
    if row is None or row.state != LinkState.CANDIDATE:
        return False
    row.state, row.provenance, row.confidence = (LinkState.ACTIVE, proposal.provenance,
                                                 proposal.confidence)
    session.add(row)
    return True


def _write(
    engine: Engine, paper_id: int, proposals: list[Proposal], settings: DiscoverySettings,
    summary: DiscoverySummary,
) -> None:
    """Add the proposals the paper does not have (any state), within the candidate budget."""
    if not proposals:
        return
    with transaction(engine) as session:
        paper = session.get(Paper, paper_id)
        if paper is None:
            return
        candidates = session.exec(
            select(func.count()).select_from(Link).where(
                Link.paper_id == paper_id, col(Link.state) == LinkState.CANDIDATE
            )
        ).one()
        budget = settings.max_candidates - candidates
        for proposal in proposals:
            if proposal.state == LinkState.CANDIDATE and budget <= 0:
                continue
            added = add_links(session, paper, [(proposal.link, proposal.provenance)],
                              confidence=proposal.confidence, state=proposal.state)
            session.flush()
            if not added:
                if _promote(session, paper_id, proposal):
                    summary.links_added[proposal.provenance] += 1
                continue
            if proposal.state == LinkState.CANDIDATE:
                budget -= 1
                summary.candidates_added[proposal.provenance] += 1
            else:
                summary.links_added[proposal.provenance] += 1
