"""Which discovered links count (active) and which wait for a user (candidate), and how sure.

The authors' rule: an artefact is the authors' when its owner (GitHub owner, Hub namespace,
`<user>.github.io`) is one of the paper's known owners: the owners of its active links (what
its text, its user, and its paper page's repository and project page give) and the Hub
organisation that claimed the paper page. Anything owned by someone else (a quantised
re-upload, a base model a README mentions) is kept as a candidate and not scored until a
user confirms it. Places with no owner (OSF, Zenodo) count when the authors' own pages link
them. The confidences are data, below, so the scorecard can show where a link came from.

Hub entries the index ties to the paper (tagged `arxiv:<id>`, or on its paper page) but
held by another account: their card is read, and one whose card links the paper's own code
repository or project page (outside a citation section) counts as the authors' release
(`hf-card-backlink`), unless it says it is a copy: an id naming a conversion (GGUF, GPTQ,
AWQ, MLX, 4-bit ...), a card naming one of the paper's own models as its `base_model`, or
card wording such as "quantized", "re-upload", "mirror", "unofficial", "converted from".
The cards of the paper's own Hub models and datasets are read like its READMEs: the data
and weights they link are judged by the attribution rules (`hf-card`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from checks.classify.artefact_links import LinkContext
from checks.classify.attribution import FOREIGN_SECTIONS
from tracker.links import LinkKind, NormalisedLink, normalise_url
from tracker.store.papers import LinkState

PROVENANCES = ("hf-paper", "hf-arxiv-tag", "arxiv", "project-page", "readme", "hf-card",
               "hf-card-backlink", "user")

# provenance -> (confidence when the link counts, confidence when it is a candidate)
CONFIDENCE: dict[str, tuple[float, float]] = {
    "hf-paper": (0.9, 0.5),  # linked from the paper page (repository: 0.95, or 1.0 if by a person)
    "hf-arxiv-tag": (0.85, 0.4),  # a Hub repository whose tags cite the paper
    "arxiv": (0.9, 0.5),  # the arXiv entry's own comment or abstract
    "project-page": (0.85, 0.5),  # linked from the paper's project page
    "readme": (0.85, 0.4),  # linked from the README of the paper's repository
    "hf-card": (0.85, 0.4),  # linked from the card of the paper's Hub model or dataset
    # a Hub entry tagged with the paper's id (or on its paper page) whose card links its code
    "hf-card-backlink": (0.85, 0.85),
    "user": (1.0, 1.0),
}
SOLE_REPOSITORY_CONFIDENCE = 0.8  # the only code repository a project page links
OWNERLESS_CONFIDENCE = 0.8  # OSF / Zenodo records linked from the authors' pages

HUB_KINDS = frozenset({LinkKind.HF_MODEL, LinkKind.HF_DATASET, LinkKind.HF_SPACE})
RECORD_KINDS = frozenset({LinkKind.OSF_NODE, LinkKind.ZENODO_RECORD})
IDENTITY_KINDS = frozenset({LinkKind.ARXIV, LinkKind.DOI, LinkKind.HF_PAPER})


# Candidates whose card is read for a link back to the paper's code: the Hub entries the
# index ties to the paper by its arXiv id, whatever account holds them.
BACKLINK_PROVENANCES = frozenset({"hf-paper", "hf-arxiv-tag"})


# A re-upload names the original's code too: quantised, converted and mirrored copies say so
# in their id or card, or name the original as their base model.
DERIVATIVE_ID = re.compile(r"(?i)(gguf|gptq|awq|exl2|mlx|bnb|[48]-?bit|int[48]|fp8|quant)")
DERIVATIVE_WORDS = re.compile(
    r"(?i)\b(quanti[sz]ed|quanti[sz]ation of|re-?upload(ed)?|mirror(ed)?( of)?|unofficial"
    r"|converted (from|to)|conversion of|this is a copy|not affiliated|original model)\b")


def derivative_reason(repo_id: str, card_text: str | None, card_data: object,
                      own_entries: set[str]) -> str | None:
    """Why a Hub entry that names the paper looks like someone's copy of its release (None:
    nothing says so). `own_entries`: lower-cased ids of the paper's own Hub entries."""
    if DERIVATIVE_ID.search(repo_id.split("/")[-1]):
        return f"its id ({repo_id}) names a converted or quantised copy"
    base = card_data.get("base_model") if isinstance(card_data, dict) else None
    bases = [base] if isinstance(base, str) else [b for b in base or [] if isinstance(b, str)]
    if any(b.lower() in own_entries for b in bases):
        return "its card names the paper's own model as its base"
    found = DERIVATIVE_WORDS.search(card_text or "")
    if found:
        return f"its card says \"{found.group(0)}\""
    return None


def card_links_back(contexts: Iterable[LinkContext], own: set[str]) -> bool:
    """Whether a card links one of the paper's own code repositories or pages (`own`: their
    normalised URLs), outside its citations (a card citing the paper's BibTeX is no claim)."""
    for context in contexts:
        if context.placeholder is not None or FOREIGN_SECTIONS.search(" ".join(context.headings)):
            continue
        link = normalise_url(context.url)
        if link is not None and link.url in own:
            return True
    return False


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
