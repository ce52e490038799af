"""Find released artifacts (weights, data) anywhere among a paper's links, with their access.

Shared by weights_released and data_released: each link kind that can hold files is read
with the classification rules (file trees, release assets, deposits, files and shares on
artefact hosts), and every place that holds files of the wanted role becomes a
:class:`Release`. A file or share counts by its name or its folder's listing; one whose host
lists nothing (a OneDrive or Dropbox folder) is named in the evidence but decides nothing, and
a "file" link that answered an HTML page is not a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from checks.base import CriterionDefinition, Finding, LinkFacts, Outcome, PaperFacts
from checks.classify import classify_assets
from checks.common import (
    AVAILABLE,
    DEPOSIT_KINDS,
    INCONCLUSIVE,
    deposit_assets,
    file_entries,
    inventory,
    listing_gap,
    make_finding,
    name_paths,
    release_assets,
    tree_caveats,
)
from tracker.kernel import LinkStatus
from tracker.links import ARTEFACT_HOST_KINDS, LinkKind

Role = Literal["weights", "data"]
Access = Literal["public", "gated", "view_only"]
ROLE_NOUNS: dict[str, str] = {"weights": "weight", "data": "data"}


@dataclass(frozen=True)
class Release:
    """One place holding files of a role: which link, which files, how they can be had."""

    link: LinkFacts
    paths: tuple[str, ...]
    access: Access
    where: str  # "files", "release assets", "deposit files"

    def evidence(self) -> str:
        """One evidence line: ``<url>: <where>: a, b (gated)``."""
        note = {"public": "", "gated": " (gated: access after accepting terms)",
                "view_only": " (only through an anonymous-review link, which may expire)"}
        return f"{self.link.url}: {self.where}: {name_paths(list(self.paths))}{note[self.access]}"


@dataclass
class Search:
    """What a search over the paper's links found, and what it could not look at."""

    releases: list[Release] = field(default_factory=list)
    unknown: list[LinkFacts] = field(default_factory=list)  # could not be checked (wholly)
    looked_at: list[str] = field(default_factory=list)  # evidence for a fail


def _access(link: LinkFacts) -> Access:
    if link.facts.get("view_only_required"):
        return "view_only"
    if link.status is LinkStatus.GATED or link.facts.get("gated"):
        return "gated"
    return "public"


HOST_KINDS: tuple[LinkKind, ...] = tuple(sorted(ARTEFACT_HOST_KINDS))
_HOST_PLACE: dict[str, str] = {LinkKind.DIRECT_FILE: "download", LinkKind.FIGSHARE_ITEM: "deposit files"}


def _candidate_kinds(role: Role) -> tuple[LinkKind, ...]:
    if role == "weights":
        return (LinkKind.HF_MODEL, LinkKind.HF_SPACE, LinkKind.HF_DATASET,
                LinkKind.GITHUB_REPO, *DEPOSIT_KINDS, *HOST_KINDS)
    return (LinkKind.HF_DATASET, LinkKind.GITHUB_REPO, *DEPOSIT_KINDS, *HOST_KINDS)


def _answered_a_page(link: LinkFacts) -> bool:
    """A direct-file link that answered HTML (a landing page, a soft 404) holds no file."""
    content_type = str(link.facts.get("content_type") or "")
    return link.kind is LinkKind.DIRECT_FILE and content_type in ("text/html",
                                                                  "application/xhtml+xml")


def _host_files(link: LinkFacts, role: Role) -> tuple[str, ...]:
    """Paths of ``role`` on an artefact host: by the file rules, or by name as an asset."""
    entries = file_entries(link) or []
    files = inventory(link)
    by_path = set((files.weight_files if role == "weights" else files.data_files)
                  if files else ())
    names = [{"name": e["path"].rsplit("/", 1)[-1], "size": e.get("size")} for e in entries]
    assets = classify_assets(names)
    by_name = set(assets.weight_assets if role == "weights" else assets.data_assets)
    return tuple(e["path"] for e in entries
                 if e["path"] in by_path or e["path"].rsplit("/", 1)[-1] in by_name)


def _places(link: LinkFacts, role: Role) -> list[tuple[str, tuple[str, ...]]]:
    """(where, paths) pairs of files of ``role`` held by one available link."""
    if link.kind in ARTEFACT_HOST_KINDS:
        if _answered_a_page(link):
            return []
        return [(_HOST_PLACE.get(link.kind, "shared files"), _host_files(link, role))]
    places: list[tuple[str, tuple[str, ...]]] = []
    files = inventory(link)
    if files is not None:
        places.append(("files", files.weight_files if role == "weights" else files.data_files))
    if link.kind is LinkKind.GITHUB_REPO:
        assets = release_assets(link)
        places.append(("release assets",
                       assets.weight_assets if role == "weights" else assets.data_assets))
    elif link.kind in DEPOSIT_KINDS:
        assets = deposit_assets(link)
        places.append(("deposit files",
                       assets.weight_assets if role == "weights" else assets.data_assets))
    return places


def find_releases(paper: PaperFacts, role: Role) -> Search:
    """Every place among the paper's links that holds files of ``role``."""
    search = Search()
    for link in paper.links_of(*_candidate_kinds(role)):
        if link.status in INCONCLUSIVE:
            search.unknown.append(link)
            continue
        if link.status not in AVAILABLE:
            search.looked_at.append(f"{link.url}: {link.status}")
            continue
        places = _places(link, role)
        if link.kind in ARTEFACT_HOST_KINDS and (inventory(link) is None
                                                 or _answered_a_page(link)):
            said = None if _answered_a_page(link) else _said_by_context(paper, link, role)
            if said is not None:  # the authors' README or page says what the share holds
                search.releases.append(Release(link, (said,), _access(link), "share"))
                continue
            # Re-observing will not list an unlisted share: said, never waited for.
            search.looked_at.append(f"{link.url}: {_unlisted(link)}")
            continue
        if inventory(link) is None:
            search.unknown.append(link)  # reachable, but its file list was not recorded
        found = False
        for where, paths in places:
            # Two identical names on one link (tree and deposit view) are one release.
            unique = tuple(dict.fromkeys(paths))
            if unique:
                found = True
                search.releases.append(Release(link, unique, _access(link), where))
        if not found:
            total = len(file_entries(link) or [])
            search.looked_at.append(f"{link.url}: no {ROLE_NOUNS[role]} files among {total} "
                                    "file(s)")
            if listing_gap(link) is not None:  # the unseen files may hold them
                search.unknown.append(link)
                search.looked_at.extend(tree_caveats(link))
    return search


def _said_by_context(paper: PaperFacts, link: LinkFacts, role: Role) -> str | None:
    """How the paper's README or page describes an unlisted share holding ``role``, if it
    does so with high confidence (checks.artefact_context)."""
    from checks.artefact_context import judged_in_context  # avoids an import cycle

    judged = judged_in_context(paper, link)
    if judged is None or not judged.counts or str(judged.role) != role:
        return None
    return f"{role} by the README or page ({'; '.join(judged.evidence)})"


def _unlisted(link: LinkFacts) -> str:
    if _answered_a_page(link):
        return "answered an HTML page, not a file"
    name = link.facts.get("name") or link.facts.get("title")
    named = f" ({name})" if name else ""
    return f"{link.status}{named}, but the host does not list what it holds"


VIEW_ONLY_SCORE = 0.5
MAX_RELEASE_LINES = 6


def release_finding(
    definition: CriterionDefinition, paper: PaperFacts, role: Role, remediation: str
) -> Finding:
    """The finding of a release criterion: pass when public or gated files exist anywhere."""
    search = find_releases(paper, role)
    lines = [release.evidence() for release in search.releases][:MAX_RELEASE_LINES]
    open_releases = [r for r in search.releases if r.access != "view_only"]
    if open_releases:
        chosen = next((r for r in open_releases if r.access == "public"), open_releases[0])
        return make_finding(definition, Outcome.PASS, 1.0, lines, subject=chosen.link.url)
    if search.releases:
        return make_finding(definition, Outcome.PARTIAL, VIEW_ONLY_SCORE, lines,
                            f"Publish the {role} openly; anonymous-review links expire.",
                            subject=search.releases[0].link.url)
    if search.unknown:
        unknown = [f"{link.url}: could not be checked ({link.status})"
                   if link.status in INCONCLUSIVE else
                   f"{link.url}: not every file was seen ({listing_gap(link)})"
                   if listing_gap(link) else f"{link.url}: no file list recorded"
                   for link in search.unknown]
        return make_finding(definition, Outcome.UNAVAILABLE, None,
                            [*unknown, *search.looked_at], subject=search.unknown[0].url)
    evidence = search.looked_at or [
        f"the paper links nothing that could hold {ROLE_NOUNS[role]} files"]
    return make_finding(definition, Outcome.FAIL, 0.0, evidence, remediation)
