"""The batched GitHub path: one GraphQL query observes up to `graphql_batch_size` repositories.

Each repository is an aliased `repository(owner:, name:)` field (`r0`, `r1`, ...) spreading one
fragment, so N repositories cost ceil(N / batch size) requests. The fragment fetches what the
REST path fetches with 4-6 calls, except the file listing: GitHub's GraphQL has no recursive
tree, so the query asks for the head's tree SHA only, and the whole tree is then read over REST
(`tracker.sources.github_tree`): one request per repository on a first look, none when the tree
SHA is the one listed last time. A criterion may only fail on a complete listing, so a partial
one (two levels deep) is never used. The README is looked up at the usual root names
(README.md, readme.md, Readme.md, README.rst, README). Node budget per repository:
releases 20 x assets 50, tags 100, topics 20, about 1,150 nodes, so a batch of 25 stays far
below GitHub's 500,000-node limit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from tracker.kernel import FACTS_VERSION, FACTS_VERSION_KEY, stamp
from tracker.sources import github_facts as gf
from tracker.sources.base import LinkStatus, LinkTarget, Observation
from tracker.sources.github_transport import SERVICE, GitHubTransport, RateLimited, TransportFailure
from tracker.sources.github_tree import MalformedTree, listing_facts, read_tree

README_NAMES = ("README.md", "readme.md", "Readme.md", "README.rst", "README")

REPOSITORY_FRAGMENT = """
fragment repositoryFacts on Repository {
  id
  nameWithOwner
  stargazerCount
  forkCount
  watchers { totalCount }
  issues(states: OPEN) { totalCount }
  pullRequests(states: OPEN) { totalCount }
  isArchived
  isFork
  isEmpty
  isPrivate
  isDisabled
  createdAt
  pushedAt
  diskUsage
  description
  homepageUrl
  repositoryTopics(first: 20) { nodes { topic { name } } }
  licenseInfo { spdxId name }
  defaultBranchRef {
    name
    target {
      ... on Commit {
        committedDate
        tree { oid }
      }
    }
  }
%(readme_fields)s
  refs(refPrefix: "refs/tags/", first: 100) { totalCount nodes { name } }
  releases(first: 20, orderBy: {field: CREATED_AT, direction: DESC}) {
    totalCount
    nodes {
      tagName
      name
      publishedAt
      isPrerelease
      isDraft
      releaseAssets(first: 50) { nodes { name size downloadCount } }
    }
  }
}

fragment readmeBlob on Blob { byteSize text isTruncated }
"""


def _readme_alias(index: int) -> str:
    return f"readme{index}"


def build_repository_query(count: int) -> str:
    """The GraphQL document for `count` repositories, with variables $o0/$n0 ... (owner, name)."""
    readme_fields = "\n".join(
        f'  {_readme_alias(i)}: object(expression: "HEAD:{name}") {{ ...readmeBlob }}'
        for i, name in enumerate(README_NAMES)
    )
    params = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(count))
    fields = "\n".join(
        f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...repositoryFacts }}"
        for i in range(count)
    )
    header = (
        f"query RepositoryFacts({params}) {{\n"
        "  rateLimit { cost remaining resetAt limit used }\n"
    )
    return header + fields + "\n}\n" + REPOSITORY_FRAGMENT % {"readme_fields": readme_fields}


def repository_variables(targets: Sequence[str]) -> dict[str, str]:
    """The variables for `build_repository_query(len(targets))`."""
    variables: dict[str, str] = {}
    for i, target in enumerate(targets):
        owner, _, name = target.partition("/")
        variables[f"o{i}"] = owner
        variables[f"n{i}"] = name
    return variables


def observe_batch(
    transport: GitHubTransport,
    links: Sequence[LinkTarget],
    previous: Mapping[str, Observation] | None = None,
) -> Iterator[tuple[LinkTarget, Observation]]:
    """Observe `links` with one GraphQL request (its cost attributed to the first link), then
    read each reachable repository's whole tree over REST."""
    previous = previous or {}
    valid = [link for link in links if _is_owner_name(link.target)]
    for link in links:
        if not _is_owner_name(link.target):
            reason = f"not an owner/name repository target: {link.target!r}"
            yield link, Observation(SERVICE, LinkStatus.ERROR, reason=reason, evidence=[reason])
    if not valid:
        return
    label = f"POST {transport.graphql_path} ({len(valid)} repositories)"
    try:
        query = build_repository_query(len(valid))
        exchange = transport.graphql(query, repository_variables([link.target for link in valid]))
    except TransportFailure as exc:
        status = LinkStatus.RATE_LIMITED if isinstance(exc, RateLimited) else LinkStatus.ERROR
        yield from _all_failed(valid, status, exc.reason, exc.sent)
        return
    try:
        body = exchange.json()
    except ValueError:
        body = None
    if exchange.status != 200 or not isinstance(body, dict):
        message = body.get("message") if isinstance(body, dict) else None
        reason = f"{label}: HTTP {exchange.status} " + (message or "malformed JSON in the answer")
        yield from _all_failed(valid, LinkStatus.ERROR, reason, exchange.sent)
        return
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    errors_by_alias = {e["path"][0]: e for e in errors if e.get("path")}
    if not data:
        reason = f"{label}: " + ("; ".join(str(e.get("message")) for e in errors) or "no data")
        rate_limited = any(e.get("type") == "RATE_LIMITED" for e in errors)
        status = LinkStatus.RATE_LIMITED if rate_limited else LinkStatus.ERROR
        yield from _all_failed(valid, status, reason, exchange.sent)
        return
    rate = data.get("rateLimit") or {}
    batch_evidence = (
        f"{label} -> 200 (GraphQL cost {rate.get('cost')}, remaining {rate.get('remaining')}, "
        f"resets {rate.get('resetAt')})"
    )
    for i, link in enumerate(valid):
        alias = f"r{i}"
        try:
            status, facts, note = _repository_outcome(
                link.target, data.get(alias), errors_by_alias.get(alias), transport.authenticated
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:  # a wrong shape
            status, facts = LinkStatus.ERROR, {}
            note = f"unexpected answer ({type(exc).__name__}: {exc})"[:300]
        evidence = [batch_evidence] + ([f"{alias}: {note}"] if note else [])
        observation = Observation(
            SERVICE, status, facts=facts, evidence=evidence,
            requests=exchange.sent if i == 0 else 0,
            reason=note if status in (LinkStatus.ERROR, LinkStatus.BLOCKED) else None,
        )
        if status in (LinkStatus.OK, LinkStatus.MOVED):
            if not facts.get("empty"):
                _read_tree(transport, observation, previous.get(link.url))
            stamp(observation.facts)
        facts.pop("tree_sha_hint", None)
        yield link, observation


def _read_tree(
    transport: GitHubTransport, observation: Observation, previous: Observation | None
) -> None:
    """Add the repository's whole file listing (REST) to a batched observation.

    A tree that cannot be read leaves the observation's status alone (GraphQL did describe
    the repository) but marks its listing incomplete with the reason, so the criteria that
    need files are withheld rather than failed.
    """
    facts = observation.facts
    carried = previous.facts if previous is not None and previous.status in (
        LinkStatus.OK, LinkStatus.MOVED) else {}
    if carried.get(FACTS_VERSION_KEY, 1) < FACTS_VERSION:
        carried = {}
    try:
        tree = read_tree(transport, facts["full_name"], facts.get("default_branch") or "HEAD",
                         sha=facts.pop("tree_sha_hint", None), previous_facts=carried,
                         previous_validators=previous.validators if carried and previous else {})
    except (TransportFailure, MalformedTree) as exc:
        reason = exc.reason if isinstance(exc, TransportFailure) else str(exc)
        observation.requests += getattr(exc, "sent", 0)
        facts.update(tree=[], listing_complete=False, listing_gap=f"tree not read: {reason}")
        observation.evidence.append(f"tree not read: {reason}")
        observation.reason = f"tree not read: {reason}"
        return
    observation.requests += tree.requests
    observation.evidence.extend(tree.evidence)
    observation.validators.update(tree.validators)
    empty = facts.get("empty")
    facts.update(tree.facts)
    facts["empty"] = bool(empty) or tree.empty_repository


def _is_owner_name(target: str) -> bool:
    owner, _, name = target.partition("/")
    return bool(owner and name and "/" not in name)


def _all_failed(
    links: Sequence[LinkTarget], status: LinkStatus, reason: str, sent: int
) -> Iterator[tuple[LinkTarget, Observation]]:
    for i, link in enumerate(links):
        yield link, Observation(
            SERVICE, status, evidence=[reason], reason=reason, requests=sent if i == 0 else 0
        )


def _repository_outcome(
    target: str,
    node: Mapping[str, Any] | None,
    error: Mapping[str, Any] | None,
    authenticated: bool,
) -> tuple[LinkStatus, dict[str, Any], str | None]:
    """Status, facts and a note for one aliased repository of a batch."""
    if node is None:
        kind = str((error or {}).get("type") or "")
        message = str((error or {}).get("message") or "no data and no error")
        if kind == "NOT_FOUND":
            return LinkStatus.MISSING, {"possibly_private": not authenticated}, f"{kind}: {message}"
        if "blocked" in message.lower():
            block = {"block_reason": kind.lower() or "blocked"}
            return LinkStatus.BLOCKED, block, f"{kind}: {message}"
        return LinkStatus.ERROR, {}, f"{kind or 'error'}: {message}"
    facts = graphql_repository_facts(node)
    note = f"partial answer: {error.get('message')}" if error else None
    if facts["full_name"].lower() != target.lower():
        facts["moved_to"] = facts["full_name"]
    if facts["private"]:
        return LinkStatus.PRIVATE, facts, note
    if facts["disabled"]:
        return LinkStatus.BLOCKED, facts, note or "repository is disabled"
    return (LinkStatus.MOVED if "moved_to" in facts else LinkStatus.OK), facts, note


def graphql_repository_facts(node: Mapping[str, Any]) -> dict[str, Any]:
    """Facts (the same keys as over REST) from one `repositoryFacts` fragment."""
    license_info = node.get("licenseInfo") or {}
    branch = node.get("defaultBranchRef") or {}
    head = branch.get("target") or {}
    facts: dict[str, Any] = {
        "full_name": node["nameWithOwner"],
        "stars": node.get("stargazerCount"),
        "forks": node.get("forkCount"),
        "watchers": _total(node.get("watchers")),
        "open_issues": _total(node.get("issues")) + _total(node.get("pullRequests")),
        "archived": bool(node.get("isArchived")),
        "fork": bool(node.get("isFork")),
        "disabled": bool(node.get("isDisabled")),
        "private": bool(node.get("isPrivate")),
        "created_at": node.get("createdAt"),
        "pushed_at": node.get("pushedAt"),
        "default_branch": branch.get("name"),
        "description": node.get("description"),
        "homepage": node.get("homepageUrl") or None,
        "topics": [n["topic"]["name"] for n in _nodes(node.get("repositoryTopics"))],
        "size_kb": node.get("diskUsage"),
        "last_commit_at": head.get("committedDate"),
        "last_commit_source": "default_branch_head",
    }
    facts.update(gf.license_facts(license_info.get("spdxId"), license_info.get("name")))
    facts["node_id"] = node.get("id")
    facts["tree_sha_hint"] = (head.get("tree") or {}).get("oid")
    facts["empty"] = bool(node.get("isEmpty")) or not head
    if facts["empty"]:
        facts.update(listing_facts([], complete=True, gap=None, sha=None))
    facts["readme"] = _readme(node)
    tags = node.get("refs") or {}
    facts["tags"] = [n["name"] for n in _nodes(tags)]
    facts["tags_more"] = _total(tags) > len(facts["tags"])
    releases = node.get("releases") or {}
    facts["releases"] = [
        gf.release_fact(
            r["tagName"], r.get("name"), r.get("publishedAt"),
            bool(r.get("isPrerelease")), bool(r.get("isDraft")),
            ((a["name"], int(a.get("size") or 0), int(a.get("downloadCount") or 0))
             for a in _nodes(r.get("releaseAssets"))),
        )
        for r in _nodes(releases)
    ]
    facts["releases_more"] = _total(releases) > len(facts["releases"])
    return facts


def _total(connection: Mapping[str, Any] | None) -> int:
    return int((connection or {}).get("totalCount") or 0)


def _nodes(connection: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    return [n for n in (connection or {}).get("nodes") or [] if n]


def _readme(node: Mapping[str, Any]) -> dict[str, Any] | None:
    for i, name in enumerate(README_NAMES):
        blob = node.get(_readme_alias(i))
        if blob:
            return gf.readme_facts(name, int(blob.get("byteSize") or 0), blob.get("text"))
    return None
