"""The value types every layer shares: link statuses and their groups, observations, and the
typed, versioned facts each kind of artefact yields.

Sources map a service's wire format to an :class:`Observation` whose ``facts`` dict is the
stored form (JSON) of one of the typed facts below; :func:`read_facts` turns a stored dict,
of this version or an older one, back into the typed value. Facts are what a service said,
never a judgement: what a file, a README or a license means is decided in ``checks/`` at
every scoring, so a better classifier re-judges old observations (``reprotrack rescore``).

Status groups, the one definition of each word:

- ``REACHABLE`` (ok, moved): the service answered with the target's facts;
- ``AVAILABLE`` = reachable + gated: the files exist and can be had on accepted terms;
- ``INCONCLUSIVE`` (rate_limited, error, unchecked): nothing is known about the target, so
  nothing may be concluded from this observation (an outage is not a dead link);
- ``GONE`` (missing, private, blocked): a reader following the link gets nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class LinkStatus(StrEnum):
    """What a service said about a link, as one small closed set (DESIGN.md, step 3)."""

    OK = "ok"
    MOVED = "moved"  # renamed / transferred / redirected; the facts are those of the new target
    MISSING = "missing"
    PRIVATE = "private"
    GATED = "gated"  # exists, files need an accepted licence or approval
    BLOCKED = "blocked"  # disabled, DMCA / legal (451), abuse
    ERROR = "error"  # the service answered nonsense or failed after retries
    RATE_LIMITED = "rate_limited"
    UNCHECKED = "unchecked"


REACHABLE: frozenset[LinkStatus] = frozenset({LinkStatus.OK, LinkStatus.MOVED})
AVAILABLE: frozenset[LinkStatus] = REACHABLE | {LinkStatus.GATED}
INCONCLUSIVE: frozenset[LinkStatus] = frozenset(
    {LinkStatus.RATE_LIMITED, LinkStatus.ERROR, LinkStatus.UNCHECKED}
)
GONE: frozenset[LinkStatus] = frozenset(
    {LinkStatus.MISSING, LinkStatus.PRIVATE, LinkStatus.BLOCKED}
)
CONCLUSIVE: frozenset[LinkStatus] = frozenset(LinkStatus) - INCONCLUSIVE


def is_conclusive(status: LinkStatus | str) -> bool:
    """True when an observation with this status says something about the target itself."""
    return LinkStatus(status) not in INCONCLUSIVE


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only clock the sources read)."""
    return datetime.now(UTC)


@dataclass
class Observation:
    """One look at one link: append-only history is made of these.

    `facts` is the stored form of the link kind's typed facts (:func:`read_facts`);
    `evidence` lists which endpoint said what (e.g. "GET /repos/o/r -> 301 moved to n/r");
    `validators` holds cache validators (ETags by endpoint) for the next conditional request;
    `unchanged` is true when every request was answered 304 and the facts were carried over.
    """

    service: str
    status: LinkStatus
    facts: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    checked_at: datetime = field(default_factory=utcnow)
    requests: int = 0
    reason: str | None = None
    validators: dict[str, str] = field(default_factory=dict)
    unchanged: bool = False


# ---- typed facts ----------------------------------------------------------------------

# Version of the stored facts dicts. 1: the first wave (judgements stored as facts: a README
# analysis instead of its text, GitHub's tree two levels deep over GraphQL, `license_class`).
# 2: raw facts only: README / card text kept (capped), `listing_complete` on every file list.
FACTS_VERSION = 2
FACTS_VERSION_KEY = "facts_version"

# Text kept from a README or a model / dataset card: enough for any real README, bounded so
# that a hostile 100 MB README cannot bloat the store.
TEXT_CAP = 64_000


@dataclass(frozen=True)
class FileEntry:
    """One file of a listing: its path (no leading slash) and size in bytes when known."""

    path: str
    size: int | None = None


@dataclass(frozen=True)
class FileListing:
    """A file list and whether it is the whole of it.

    ``complete`` is False when the service truncated it, a cap was hit, or (facts v1) only
    the top levels were listed; ``gap`` then says why, for the evidence.
    """

    files: tuple[FileEntry, ...]
    complete: bool
    gap: str | None = None

    @property
    def paths(self) -> tuple[str, ...]:
        """Every listed path, in order."""
        return tuple(entry.path for entry in self.files)


@dataclass(frozen=True)
class Text:
    """A README or card: its path, its size, and its text (None when not readable).

    ``analysis`` carries a facts-v1 README analysis when no text was stored: the only way
    such a row can still be read, until it is observed again.
    """

    path: str
    size: int | None
    text: str | None
    truncated: bool = False
    analysis: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class CodeRepositoryFacts:
    """A code repository (GitHub): identity, popularity, license id, files, README, releases."""

    full_name: str | None
    node_id: str | None
    moved_to: str | None
    created_at: str | None
    pushed_at: str | None
    last_commit_at: str | None
    description: str | None
    homepage: str | None
    topics: tuple[str, ...]
    stars: int | None
    forks: int | None
    archived: bool
    fork: bool
    private: bool
    disabled: bool
    empty: bool
    license_spdx: str | None
    license_name: str | None
    listing: FileListing | None
    readme: Text | None
    tags: tuple[str, ...]
    releases: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class HubRepositoryFacts:
    """A Hugging Face model, dataset or Space: identity, license id, gating, files, card."""

    repo_id: str | None
    repo_type: str | None
    author: str | None
    license: str | None
    gated: bool
    private: bool
    arxiv_ids: tuple[str, ...]
    listing: FileListing | None
    card: Text | None
    downloads: int | None
    likes: int | None


@dataclass(frozen=True)
class DepositFacts:
    """A deposit (OSF node, Zenodo record): title, license name or id, access, files."""

    title: str | None
    license: str | None
    access_right: str | None
    view_only_required: bool
    listing: FileListing | None


@dataclass(frozen=True)
class WebFacts:
    """A web page or file: where it ended, what it is, its title and outbound links."""

    final_url: str | None
    content_type: str | None
    content_length: int | None
    title: str | None
    outbound_links: tuple[str, ...]


ArtefactFacts = CodeRepositoryFacts | HubRepositoryFacts | DepositFacts | WebFacts


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _entries(raw: Any) -> tuple[FileEntry, ...]:
    entries = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            entries.append(FileEntry(item.lstrip("/")))
        elif isinstance(item, Mapping):
            path = item.get("path") or item.get("key") or item.get("name")
            if path:
                entries.append(FileEntry(str(path).lstrip("/"), _int(item.get("size"))))
    return tuple(entries)


def read_listing(facts: Mapping[str, Any]) -> FileListing | None:
    """The file list of any kind's stored facts, with its completeness, or None if none.

    GitHub stores ``tree``, the Hub ``files``, OSF and Zenodo ``file_names``. Facts v2 say
    ``listing_complete``; v1 rows are read from their flags (GraphQL's two-level listing,
    GitHub's truncation, our caps, OSF's ``files_truncated``).
    """
    raw = next((facts[key] for key in ("tree", "files", "file_names")
                if isinstance(facts.get(key), list)), None)
    if raw is None:
        return None
    gap = _str(facts.get("listing_gap"))
    if "listing_complete" in facts:
        return FileListing(_entries(raw), bool(facts["listing_complete"]), gap)
    if facts.get("tree_depth_limited"):
        gap = "only the top two levels of the file tree were listed (GraphQL)"
    elif facts.get("tree_truncated") or facts.get("tree_capped"):
        gap = "the file tree was truncated"
    elif facts.get("files_truncated"):
        gap = "the file listing was cut at a cap"
    elif (isinstance(facts.get("file_count"), int)
          and facts["file_count"] > len(raw)):
        gap = f"only {len(raw)} of {facts['file_count']} files were listed"
    return FileListing(_entries(raw), gap is None, gap)


def read_text(raw: Any) -> Text | None:
    """A stored README / card (v2: with ``text``; v1: an analysis without text)."""
    if not isinstance(raw, Mapping):
        return None
    path = _str(raw.get("path")) or "README"
    if "text" in raw:
        return Text(path, _int(raw.get("size")), _str(raw.get("text")),
                    bool(raw.get("truncated")))
    legacy = {key: value for key, value in raw.items() if key not in ("path", "size")}
    return Text(path, _int(raw.get("size")), None, False, legacy or None)


def text_fact(path: str, size: int | None, text: str | None) -> dict[str, Any]:
    """The stored form of a README or card: its text capped at :data:`TEXT_CAP` characters."""
    if text is None:
        return {"path": path, "size": size, "text": None, "truncated": False}
    return {"path": path, "size": size, "text": text[:TEXT_CAP],
            "truncated": len(text) > TEXT_CAP}


def _code(facts: Mapping[str, Any]) -> CodeRepositoryFacts:
    return CodeRepositoryFacts(
        full_name=_str(facts.get("full_name")),
        node_id=_str(facts.get("node_id")),
        moved_to=_str(facts.get("moved_to")),
        created_at=_str(facts.get("created_at")),
        pushed_at=_str(facts.get("pushed_at")),
        last_commit_at=_str(facts.get("last_commit_at")),
        description=_str(facts.get("description")),
        homepage=_str(facts.get("homepage")),
        topics=tuple(t for t in facts.get("topics") or [] if isinstance(t, str)),
        stars=_int(facts.get("stars")),
        forks=_int(facts.get("forks")),
        archived=bool(facts.get("archived")),
        fork=bool(facts.get("fork")),
        private=bool(facts.get("private")),
        disabled=bool(facts.get("disabled")),
        empty=bool(facts.get("empty")),
        license_spdx=_str(facts.get("license_spdx")),
        license_name=_str(facts.get("license_name")),
        listing=read_listing(facts),
        readme=read_text(facts.get("readme")),
        tags=tuple(t for t in facts.get("tags") or [] if isinstance(t, str)),
        releases=tuple(r for r in facts.get("releases") or [] if isinstance(r, Mapping)),
    )


def _hub(facts: Mapping[str, Any]) -> HubRepositoryFacts:
    return HubRepositoryFacts(
        repo_id=_str(facts.get("repo_id")),
        repo_type=_str(facts.get("repo_type")),
        author=_str(facts.get("author")),
        license=_str(facts.get("license")),
        gated=bool(facts.get("gated")),
        private=bool(facts.get("private")),
        arxiv_ids=tuple(a for a in facts.get("arxiv_ids") or [] if isinstance(a, str)),
        listing=read_listing(facts),
        card=read_text(facts.get("card")),
        downloads=_int(facts.get("downloads")),
        likes=_int(facts.get("likes")),
    )


def _deposit(facts: Mapping[str, Any]) -> DepositFacts:
    return DepositFacts(
        title=_str(facts.get("title")),
        license=_str(facts.get("license")),
        access_right=_str(facts.get("access_right")),
        view_only_required=bool(facts.get("view_only_required")),
        listing=read_listing(facts),
    )


def _web(facts: Mapping[str, Any]) -> WebFacts:
    return WebFacts(
        final_url=_str(facts.get("final_url")),
        content_type=_str(facts.get("content_type")),
        content_length=_int(facts.get("content_length")),
        title=_str(facts.get("title")),
        outbound_links=tuple(u for u in facts.get("outbound_links") or []
                             if isinstance(u, str)),
    )


_READERS = {
    "github_repo": _code,
    "hf_model": _hub,
    "hf_dataset": _hub,
    "hf_space": _hub,
    "osf_node": _deposit,
    "zenodo_record": _deposit,
    "figshare_item": _deposit,
}


def read_facts(kind: str, facts: Mapping[str, Any]) -> ArtefactFacts:
    """The typed facts of a link of ``kind`` from their stored dict (any facts version)."""
    return _READERS.get(str(kind), _web)(facts)


def stamp(facts: dict[str, Any]) -> dict[str, Any]:
    """Mark a facts dict as written in the current :data:`FACTS_VERSION`; returns it."""
    facts[FACTS_VERSION_KEY] = FACTS_VERSION
    return facts
