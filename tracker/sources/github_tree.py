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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

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


def listing_facts(
    blobs: list[tuple[str, int]], *, complete: bool, gap: str | None, sha: str | None
) -> dict[str, Any]:
    """The stored listing: blob paths and sizes, whether it is whole, and the tree's SHA."""
    capped = len(blobs) > TREE_ENTRY_CAP
    if capped:
        gap = f"{len(blobs)} files, more than the {TREE_ENTRY_CAP} kept"
    return {
        "tree": [{"path": path, "size": size} for path, size in blobs[:TREE_ENTRY_CAP]],
        "tree_blob_count": len(blobs),
        "listing_complete": complete and not capped,
        "listing_gap": None if complete and not capped else gap,
        "tree_sha": sha,
        "empty": not blobs and complete,
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
    body = _tree_body(exchange)
    if not body.get("truncated"):
        blobs = [(e["path"], int(e.get("size") or 0)) for e in body["tree"]
                 if e.get("type") == "blob"]
        read.facts = listing_facts(blobs, complete=True, gap=None, sha=body.get("sha") or sha)
        return read
    blobs, gap = _walk(transport, read, api, body.get("sha") or sha or ref, max_requests)
    read.facts = listing_facts(blobs, complete=gap is None, gap=gap, sha=body.get("sha") or sha)
    return read


def _walk(
    transport: GitHubTransport, read: TreeRead, api: str, root_sha: str, max_requests: int
) -> tuple[list[tuple[str, int]], str | None]:
    """Walk a truncated tree by subtrees, breadth first; returns (blobs, gap or None)."""
    blobs: list[tuple[str, int]] = []
    pending: deque[tuple[str, str, bool]] = deque([("", root_sha, False)])  # prefix, sha, recursive
    spent = 0
    while pending:
        if spent >= max_requests:
            unread = ", ".join(prefix or "/" for prefix, _, _ in list(pending)[:3])
            return blobs, (f"the tree is too large to list whole: {len(pending)} folder(s) "
                           f"left unread after {spent} listings ({unread} ...)")
        prefix, tree_sha, recursive = pending.popleft()
        params = {"recursive": 1} if recursive else None
        exchange = _get(transport, read, f"{api}/{quote(tree_sha, safe='')}", params, None)
        spent += 1
        if exchange is None:
            raise MalformedTree(f"GET {api}/{tree_sha}: 304 to an unconditional request")
        body = _tree_body(exchange)
        if recursive and body.get("truncated"):
            pending.append((prefix, tree_sha, False))  # list this folder level by level
            continue
        for entry in body["tree"]:
            path = prefix + entry["path"]
            if entry.get("type") == "blob":
                blobs.append((path, int(entry.get("size") or 0)))
            elif entry.get("type") == "tree" and not recursive:
                pending.append((path + "/", entry["sha"], True))
        if not recursive and body.get("truncated"):
            return blobs, f"{prefix or '/'}: a single folder holds more entries than GitHub lists"
    return blobs, None


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


def _tree_body(exchange: Exchange) -> dict[str, Any]:
    where = f"{exchange.verb} {exchange.path}"
    if exchange.status != 200:
        raise MalformedTree(f"{where}: HTTP {exchange.status}")
    try:
        body = exchange.json()
    except ValueError:
        raise MalformedTree(f"{where}: malformed JSON in the answer") from None
    entries = body.get("tree") if isinstance(body, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("path"), str) for e in entries
    ):
        raise MalformedTree(f"{where}: unexpected answer (not a git tree)")
    return body
