"""Read a repository's whole file tree over REST: the recursive git tree, walked by subtrees
when GitHub truncates it.

`GET /repos/{o}/{r}/git/trees/{sha}?recursive=1` lists every blob of a tree in one request
(GitHub cuts the answer at 100,000 entries or 7 MB and says `truncated: true`). A truncated
answer is walked: the tree is listed without `recursive` and each subtree is asked for
recursively in turn, descending again wherever a subtree is itself truncated, up to
`max_requests` listings. Whatever is left unread makes the listing incomplete, with the
reason, and criteria then withhold judgement instead of failing.

A tree is addressed by its SHA, so its content never changes: when the previous observation
listed the same tree SHA completely, the listing is carried over without any request. When
only a branch name is known, the request carries the previous ETag, so an unchanged tree
costs a 304 (free with a token).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import ijson

from tracker.sources.github_transport import Exchange, GitHubTransport

TREE_ENTRY_CAP = 100_000  # blobs kept (GitHub lists at most 100,000 in one answer)
MAX_TREE_REQUESTS = 40  # listings spent walking one truncated tree


class MalformedTree(Exception):
    """GitHub answered a tree request with something that is not a tree."""


@dataclass
class TreeRead:
    """What reading one tree produced: facts, validators, evidence, and its cost."""

    facts: dict[str, Any] = field(default_factory=dict)
    validators: dict[str, str] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    requests: int = 0
    answers: list[int] = field(default_factory=list)  # HTTP statuses, for `unchanged`
    empty_repository: bool = False  # GitHub answered 409: no commits


class Listing:
    """The blobs read so far, in a bounded space: the first TREE_ENTRY_CAP are kept (path and
    size), the rest are only counted. A million-entry tree thus costs what 100,000 do."""

    def __init__(self) -> None:
        self.kept: list[tuple[str, int]] = []
        self.count = 0

    def add(self, path: str, size: int) -> None:
        """One more blob of the tree."""
        self.count += 1
        if len(self.kept) < TREE_ENTRY_CAP:
            self.kept.append((path, size))


def listing_facts(
    blobs: list[tuple[str, int]], *, complete: bool, gap: str | None, sha: str | None,
    blob_count: int | None = None,
) -> dict[str, Any]:
    """The stored listing: blob paths and sizes, whether it is whole, and the tree's SHA.

    `blob_count` is how many blobs the tree holds when `blobs` keeps only the first of them.
    """
    total = len(blobs) if blob_count is None else blob_count
    capped = total > TREE_ENTRY_CAP
    if capped:
        gap = f"{total} files, more than the {TREE_ENTRY_CAP} kept"
    return {
        "tree": [{"path": path, "size": size} for path, size in blobs[:TREE_ENTRY_CAP]],
        "tree_blob_count": total,
        "listing_complete": complete and not capped,
        "listing_gap": None if complete and not capped else gap,
        "tree_sha": sha,
        "empty": not total and complete,
    }


# The fact keys a listing sets (carried over whole when the tree is known unchanged).
LISTING_KEYS = ("tree", "tree_blob_count", "listing_complete", "listing_gap", "tree_sha",
                "empty")


def read_tree(
    transport: GitHubTransport,
    full_name: str,
    ref: str,
    *,
    sha: str | None = None,
    previous_facts: Mapping[str, Any] | None = None,
    previous_validators: Mapping[str, str] | None = None,
    max_requests: int = MAX_TREE_REQUESTS,
) -> TreeRead:
    """List every blob of `ref` (a branch name, or the tree `sha` when known).

    Raises the transport's failures, and MalformedTree for an answer that is not a tree.
    """
    previous_facts = previous_facts or {}
    previous_validators = previous_validators or {}
    read = TreeRead()
    if (sha and previous_facts.get("tree_sha") == sha and previous_facts.get("listing_complete")
            and isinstance(previous_facts.get("tree"), list)):
        read.facts = {key: previous_facts.get(key) for key in LISTING_KEYS}
        read.evidence.append(f"tree {sha[:12]} unchanged since the last look (not fetched)")
        return read
    api = f"/repos/{full_name}/git/trees"
    root_path = f"{api}/{quote(sha or ref, safe='')}"
    exchange = _get(transport, read, root_path, {"recursive": 1},
                    previous_validators.get(root_path))
    if exchange is None:  # 304: the same listing as last time
        read.facts = {key: previous_facts.get(key) for key in LISTING_KEYS}
        return read
    if exchange.status == 409:  # "Git Repository is empty."
        read.empty_repository = True
        read.facts = listing_facts([], complete=True, gap=None, sha=None)
        return read
    listing = Listing()
    top = scan_tree(exchange, lambda entry: _add_blob(listing, "", entry))
    tree_sha = top.get("sha") or sha
    if top.get("truncated"):  # start again, folder by folder
        listing = Listing()
        gap = _walk(transport, read, api, tree_sha or ref, max_requests, listing)
    else:
        gap = None
    read.facts = listing_facts(listing.kept, complete=gap is None, gap=gap, sha=tree_sha,
                               blob_count=listing.count)
    return read


def _add_blob(listing: Listing, prefix: str, entry: dict[str, Any]) -> None:
    if entry.get("type") == "blob":
        listing.add(prefix + entry["path"], int(entry.get("size") or 0))


def _walk(
    transport: GitHubTransport, read: TreeRead, api: str, root_sha: str, max_requests: int,
    listing: Listing,
) -> str | None:
    """Walk a truncated tree by subtrees, breadth first, into `listing`; returns the gap
    (what was left unread) or None."""
    pending: deque[tuple[str, str, bool]] = deque([("", root_sha, False)])  # prefix, sha, recursive
    spent = 0
    while pending:
        if spent >= max_requests:
            unread = ", ".join(prefix or "/" for prefix, _, _ in list(pending)[:3])
            return (f"the tree is too large to list whole: {len(pending)} folder(s) "
                    f"left unread after {spent} listings ({unread} ...)")
        prefix, tree_sha, recursive = pending.popleft()
        params = {"recursive": 1} if recursive else None
        exchange = _get(transport, read, f"{api}/{quote(tree_sha, safe='')}", params, None)
        spent += 1
        if exchange is None:
            raise MalformedTree(f"GET {api}/{tree_sha}: 304 to an unconditional request")
        before = listing.count
        folders: list[tuple[str, str, bool]] = []

        def take(entry: dict[str, Any], prefix: str = prefix) -> None:
            _add_blob(listing, prefix, entry)
            if entry.get("type") == "tree" and isinstance(entry.get("sha"), str):
                folders.append((prefix + entry["path"] + "/", entry["sha"], True))

        truncated = bool(scan_tree(exchange, take).get("truncated"))
        if recursive and truncated:  # list this folder level by level instead
            _forget(listing, before)
            pending.append((prefix, tree_sha, False))
            continue
        if not recursive:
            pending.extend(folders)
            if truncated:
                return f"{prefix or '/'}: a single folder holds more entries than GitHub lists"
    return None


def _forget(listing: Listing, count: int) -> None:
    """Drop the blobs added after the listing held `count` (a truncated answer's)."""
    del listing.kept[count:]
    listing.count = count


def _get(
    transport: GitHubTransport, read: TreeRead, path: str, params: Mapping[str, Any] | None,
    etag: str | None,
) -> Exchange | None:
    exchange = transport.get(path, params, etag=etag)
    read.requests += exchange.sent
    read.answers.append(exchange.status)
    if exchange.not_modified:
        read.validators[path] = exchange.etag or etag or ""
        read.evidence.append(f"GET {path} -> 304 (not modified)")
        return None
    if exchange.etag and exchange.status == 200 and params == {"recursive": 1}:
        read.validators[path] = exchange.etag
    read.evidence.append(f"GET {path} -> {exchange.status}")
    return exchange


def scan_tree(exchange: Exchange, on_entry: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Read a tree answer as a stream: each entry of `tree` is handed to `on_entry` as it is
    parsed (the answer's 100,000 entries are never all objects at once); returns the
    top-level scalars (`sha`, `truncated`).

    Raises MalformedTree for an answer that is not a git tree (a status other than 200,
    malformed JSON, no `tree` list, an entry without a string `path`).
    """
    where = f"{exchange.verb} {exchange.path}"
    if exchange.status != 200:
        raise MalformedTree(f"{where}: HTTP {exchange.status}")
    top: dict[str, Any] = {}
    saw_tree = False
    builder: ijson.ObjectBuilder | None = None
    try:
        events = ijson.parse(exchange.body.encode("utf-8", "surrogatepass"))
        for prefix, event, value in events:
            if builder is not None:
                builder.event(event, value)
                if prefix == "tree.item" and event == "end_map":
                    entry = builder.value
                    builder = None
                    if not isinstance(entry.get("path"), str):
                        raise MalformedTree(f"{where}: unexpected answer (not a git tree)")
                    on_entry(entry)
            elif prefix == "tree.item":
                if event != "start_map":
                    raise MalformedTree(f"{where}: unexpected answer (not a git tree)")
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
            elif prefix == "tree":
                saw_tree = saw_tree or event == "start_array"
            elif prefix in ("sha", "truncated") and event in _SCALARS:
                top[prefix] = value
            elif prefix == "" and event not in ("start_map", "end_map", "map_key"):
                break  # not an object
    except ijson.JSONError:
        raise MalformedTree(f"{where}: malformed JSON in the answer") from None
    if not saw_tree:
        raise MalformedTree(f"{where}: unexpected answer (not a git tree)")
    return top


_SCALARS = frozenset({"string", "boolean", "number", "null"})
