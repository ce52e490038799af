"""Which discovered links count (active) and which wait for a user (candidate), and how sure.

The authors' rule: an artefact is the authors' when its owner (GitHub owner, Hub namespace,
`<user>.github.io`) is one of the paper's known owners: the owners of its active links (what
its text, its user, and its paper page's repository and project page give) and the Hub
organisation that claimed the paper page. Anything owned by someone else (a quantised
re-upload, a base model a README mentions) is kept as a candidate and not scored until a
user confirms it. Places with no owner (OSF, Zenodo) count when the authors' own pages link
them. The confidences are data, below, so the scorecard can show where a link came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tracker.links import LinkKind, NormalisedLink
from tracker.store.papers import LinkState

PROVENANCES = ("hf-paper", "hf-arxiv-tag", "arxiv", "project-page", "readme", "user")

# provenance -> (confidence when the link counts, confidence when it is a candidate)
CONFIDENCE: dict[str, tuple[float, float]] = {
    "hf-paper": (0.9, 0.5),  # linked from the paper page (repository: 0.95, or 1.0 if by a person)
    "hf-arxiv-tag": (0.85, 0.4),  # a Hub repository whose tags cite the paper
    "arxiv": (0.9, 0.5),  # the arXiv entry's own comment or abstract
    "project-page": (0.85, 0.5),  # linked from the paper's project page
    "readme": (0.85, 0.4),  # linked from the README of the paper's repository
    "user": (1.0, 1.0),
}
SOLE_REPOSITORY_CONFIDENCE = 0.8  # the only code repository a project page links
OWNERLESS_CONFIDENCE = 0.8  # OSF / Zenodo records linked from the authors' pages

HUB_KINDS = frozenset({LinkKind.HF_MODEL, LinkKind.HF_DATASET, LinkKind.HF_SPACE})
RECORD_KINDS = frozenset({LinkKind.OSF_NODE, LinkKind.ZENODO_RECORD})
IDENTITY_KINDS = frozenset({LinkKind.ARXIV, LinkKind.DOI, LinkKind.HF_PAPER})


@dataclass(frozen=True)
class Proposal:
    """A link discovery would add, with its provenance, state and confidence."""

    link: NormalisedLink
    provenance: str
    state: LinkState
    confidence: float


def owner_of(kind: str, target: str, host: str = "") -> str | None:
    """The account that owns a link's target, lower-cased (None: no owner to compare)."""
    if kind == LinkKind.GITHUB_REPO or kind in HUB_KINDS:
        return target.split("/", 1)[0].lower() if "/" in target else None
    if kind == LinkKind.PROJECT_PAGE and host.endswith(".github.io"):
        return host.removesuffix(".github.io").lower()
    return None


def owners_of(links: Iterable[tuple[str, str, str]], organisation: str | None = None) -> set[str]:
    """Known owners from (kind, target, host) triples of active links, plus the Hub org."""
    owners = {owner for kind, target, host in links if (owner := owner_of(kind, target, host))}
    if organisation:
        owners.add(organisation.lower())
    return owners


def _owned(link: NormalisedLink, owners: set[str]) -> bool:
    owner = owner_of(link.kind, link.target, link.host)
    return owner is not None and owner in owners


def judge(link: NormalisedLink, provenance: str, owners: set[str]) -> Proposal:
    """Active when the link is the authors' (or ownerless and from their pages), else candidate."""
    active, candidate = CONFIDENCE[provenance]
    if provenance in ("arxiv", "user"):
        return Proposal(link, provenance, LinkState.ACTIVE, active)
    if link.kind in RECORD_KINDS:
        return Proposal(link, provenance, LinkState.ACTIVE, OWNERLESS_CONFIDENCE)
    if _owned(link, owners):
        return Proposal(link, provenance, LinkState.ACTIVE, active)
    return Proposal(link, provenance, LinkState.CANDIDATE, candidate)


def is_site_repository(link: NormalisedLink) -> bool:
    """A `<user>.github.io` repository: a web page's source (often a template's), not code."""
    return link.kind == LinkKind.GITHUB_REPO and link.target.lower().endswith(".github.io")
