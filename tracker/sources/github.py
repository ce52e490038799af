"""The GitHub source: repository status and facts over REST (one link) or GraphQL (batches).

Facts (all JSON-serialisable; dates are GitHub's ISO 8601 UTC strings):

- `full_name` (str, the current owner/name), `moved_to` (str, only when renamed or transferred)
- `stars`, `forks`, `watchers` (subscribers), `open_issues` (issues + pull requests, as REST counts)
- `archived`, `fork`, `disabled`, `private`, `empty` (no commits, or an empty tree) (bool)
- `created_at`, `pushed_at` (str), `default_branch`, `description`, `homepage` (str | None),
  `topics` (list[str]), `size_kb` (int, GitHub's `size`)
- `license_spdx` (GitHub's `license.spdx_id`: "MIT", ..., "NOASSERTION" for a license it cannot
  name; None when there is no license), `license_name`; `node_id` (GitHub's global id: a
  repository deleted and re-created under the same name gets a new one)
- `tree` (list of {path, size} for every blob of the default branch, read by
  `tracker.sources.github_tree` on both paths; at most 100,000 entries), `tree_blob_count`,
  `tree_sha`, `listing_complete` (every blob was listed), `listing_gap` (why not, else None)
- `readme` (None, or {path, size, text, truncated}: the raw text, capped at 64,000 characters;
  what it says is judged by checks.classify.readme at every scoring)
- `facts_version` (2; tracker.kernel.read_facts reads older rows)
- `tags` (names, first page), `tags_more` (more pages exist)
- `releases` (list of {tag, name, published_at, prerelease, draft,
  assets: [{name, size, download_count}]}), `releases_more` (more exist than were listed)
- `last_commit_at` (str | None), `last_commit_source` ("default_branch_head", or "pushed_at"
  when unauthenticated REST saves the call and reports the last push instead)
- `possibly_private` (bool, on `missing` without a token: GitHub answers 404 for both),
  `block_reason` (str, on `blocked`: "tos", "dmca", ...)

REST calls for one repository, unauthenticated (`observe`): GET /repos/{o}/{r}, GET
/repos/{o}/{r}/git/trees/{branch}?recursive=1, GET /repos/{o}/{r}/readme (skipped when the tree
shows no README), GET /repos/{o}/{r}/tags, and GET /repos/{o}/{r}/releases only when there are
tags (a published release always has a tag): 4 calls for a typical repository without tags, 5
with tags, 2 for an empty one, 1 for a missing one. With a token, GET /repos/{o}/{r}/commits
(one commit) adds the head commit's date. Every answer's ETag is kept in `validators`, and sent
back as If-None-Match next time: a 304 costs no rate limit and carries the previous facts over.

`observe_many` with a token sends one GraphQL query per `graphql_batch_size` repositories
(see `tracker.sources.github_graphql`); without a token it observes each link over REST.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

from tracker.kernel import FACTS_VERSION, FACTS_VERSION_KEY, stamp
from tracker.links import LinkKind
from tracker.sources import github_facts as gf
from tracker.sources.base import LinkStatus, LinkTarget, Observation, RequestLedger
from tracker.sources.github_graphql import observe_batch
from tracker.sources.github_transport import (
    SERVICE,
    Exchange,
    GitHubTransport,
    RateLimited,
    TransportFailure,
)
from tracker.sources.github_tree import MalformedTree, TreeRead, read_tree
from tracker.sources.policy import HttpPolicy, Interrupt
from tracker.sources.statuses import BLOCKED_BODY_WORD, link_status

DEFAULT_API_URL = "https://api.github.com"


class MalformedAnswer(Exception):
    """GitHub answered with a body we cannot read."""


class GitHubSource:
    """Observes GitHub repositories through PyGithub (REST v3, and GraphQL v4 with a token)."""

    service = SERVICE
    kinds = frozenset({LinkKind.GITHUB_REPO})
    # One request at a time: GitHub asks integrators to make requests serially (secondary rate
    # limits), and PyGithub's Requester is not thread-safe: its shared connection object keeps a
    # request's verb, URL and headers between `request()` and `getresponse()` (PR #2052).
    max_concurrency = 1

    def __init__(
        self,
        *,
        endpoint: str = DEFAULT_API_URL,
        token: str | None = None,
        timeout: float | None = None,
        ledger: RequestLedger | None = None,
        max_retries: int | None = None,
        backoff_base: float | None = None,
        max_rate_limit_wait: float | None = None,
        user_agent: str | None = None,
        graphql_batch_size: int = 25,
        min_request_interval: float | None = 0.25,
        policy: HttpPolicy | None = None,
        interrupt: Interrupt | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.ledger = ledger if ledger is not None else RequestLedger()
        self.graphql_batch_size = graphql_batch_size
        self._transport = GitHubTransport(
            api_url=self.endpoint,
            token=token,
            ledger=self.ledger,
            policy=(policy or HttpPolicy()).replace(
                timeout=timeout, max_retries=max_retries, backoff_base=backoff_base,
                max_rate_limit_wait=max_rate_limit_wait, user_agent=user_agent,
            ),
            min_request_interval=min_request_interval,
            interrupt=interrupt,
        )

    def __repr__(self) -> str:
        auth = "token" if self._transport.authenticated else "anonymous"
        return f"GitHubSource(endpoint={self.endpoint!r}, {auth})"

    def close(self) -> None:
        """Release pooled connections."""
        self._transport.close()

    def observe(self, link: LinkTarget, previous: Observation | None = None) -> Observation:
        """Observe one repository over REST (the calls are listed in the module docstring)."""
        return _RestObservation(self._transport, link.target, previous).run()

    def observe_many(
        self,
        links: Iterable[LinkTarget],
        previous: Mapping[str, Observation] | None = None,
    ) -> Iterator[tuple[LinkTarget, Observation]]:
        """Observe many repositories: GraphQL batches with a token, REST one by one without."""
        previous = previous or {}
        if not self._transport.authenticated:
            for link in links:
                yield link, self.observe(link, previous.get(link.url))
            return
        batch: list[LinkTarget] = []
        for link in links:
            batch.append(link)
            if len(batch) == self.graphql_batch_size:
                yield from observe_batch(self._transport, batch, previous)
                batch = []
        if batch:
            yield from observe_batch(self._transport, batch, previous)


class _RestObservation:
    """One REST look at one repository: the calls, their validators and the facts they give."""

    def __init__(
        self, transport: GitHubTransport, target: str, previous: Observation | None
    ) -> None:
        self.transport = transport
        self.target = target
        # Only a successful look has facts to carry over and validators worth sending.
        if previous is None or previous.status not in (LinkStatus.OK, LinkStatus.MOVED):
            previous = None
        # Facts of an older version hold judgements, not raw facts: never carry them over.
        if previous is not None and previous.facts.get(FACTS_VERSION_KEY, 1) < FACTS_VERSION:
            previous = None
        self.previous_facts: Mapping[str, Any] = previous.facts if previous else {}
        self.previous_validators: Mapping[str, str] = previous.validators if previous else {}
        self.facts: dict[str, Any] = {}
        self.evidence: list[str] = []
        self.validators: dict[str, str] = {}
        self.requests = 0
        self.answers: list[int] = []

    def run(self) -> Observation:
        """Make the calls and turn what they said into an Observation (never raises for GitHub)."""
        try:
            status = self._observe()
        except RateLimited as exc:
            return self._finish(LinkStatus.RATE_LIMITED, exc.reason, exc.sent)
        except TransportFailure as exc:
            return self._finish(LinkStatus.ERROR, exc.reason, exc.sent)
        except MalformedAnswer as exc:
            return self._finish(LinkStatus.ERROR, str(exc))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            # Valid JSON of the wrong shape (a list where an object belongs ...): the answer is
            # unusable, which says nothing about the repository.
            self.facts = {}
            where = self.evidence[-1] if self.evidence else "GitHub"
            reason = f"{where}: unexpected answer ({type(exc).__name__}: {exc})"[:300]
            return self._finish(LinkStatus.ERROR, reason)
        return self._finish(status, None)

    def _finish(
        self, status: LinkStatus, reason: str | None, extra_requests: int = 0
    ) -> Observation:
        self.requests += extra_requests
        if reason:
            self.evidence.append(reason)
        unchanged = bool(self.answers) and all(code == 304 for code in self.answers)
        if status in (LinkStatus.ERROR, LinkStatus.RATE_LIMITED):
            # Half an answer is no fact: an inconclusive look records none.
            facts: dict[str, Any] = {}
        elif unchanged:
            facts = dict(self.previous_facts)
        elif status in (LinkStatus.OK, LinkStatus.MOVED):
            facts = stamp(self.facts)
        else:
            facts = self.facts
        return Observation(
            service=SERVICE,
            status=status,
            facts=facts,
            evidence=self.evidence,
            requests=self.requests,
            reason=reason,
            validators=self.validators,
            unchanged=unchanged,
        )

    # -- the calls -------------------------------------------------------------------
    def _observe(self) -> LinkStatus:
        owner, _, name = self.target.partition("/")
        if not owner or not name or "/" in name:
            raise MalformedAnswer(f"not an owner/name repository target: {self.target!r}")
        repo_path = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
        repo = self._get(repo_path, gf.REPO_KEYS)
        if repo is not None and repo.status != 200:
            return self._unavailable(repo)
        if repo is not None:
            self.facts.update(gf.rest_repo_facts(self._json(repo)))
        full_name = self.facts["full_name"]
        moved = full_name.lower() != self.target.lower()
        if moved:
            self.facts["moved_to"] = full_name
            self.evidence[-1] += f" (answered by {full_name}: renamed or transferred)"
        if self.facts.get("private"):
            return LinkStatus.PRIVATE
        if self.facts.get("disabled"):
            return LinkStatus.BLOCKED
        self._contents(f"/repos/{full_name}", self.facts["default_branch"])
        return LinkStatus.MOVED if moved else LinkStatus.OK

    def _contents(self, api: str, branch: str) -> None:
        """Tree, README, tags, releases and the head commit of the default branch."""
        tree_path = f"{api}/git/trees/{quote(branch, safe='')}"
        if self._unchanged_anonymously():
            self._carry_git_contents(api, tree_path)
            return
        try:
            tree = read_tree(self.transport, api.removeprefix("/repos/"), branch,
                             previous_facts=self.previous_facts,
                             previous_validators=self.previous_validators)
        except MalformedTree as exc:
            raise MalformedAnswer(str(exc)) from None
        self._absorb(tree)
        if tree.empty_repository:
            self.facts.update(gf.empty_repository_facts())
            self.facts.update(last_commit_at=None, last_commit_source="default_branch_head")
            return
        self.facts["readme"] = None
        if gf.has_readme_candidate(self.facts):
            readme = self._get(f"{api}/readme", gf.README_KEYS)
            if readme is not None and readme.status != 404:
                self._expect_ok(readme)
                self.facts["readme"] = _readme_from_contents(self._json(readme))
        tags = self._get(f"{api}/tags", gf.TAGS_KEYS, {"per_page": 100})
        if tags is not None:
            self._expect_ok(tags)
            self.facts["tags"] = [tag["name"] for tag in self._json(tags)]
            self.facts["tags_more"] = gf.has_next_page(tags.headers.get("link"))
        self._releases(api)
        if not self.facts.get("tags"):
            self.facts.update(releases=[], releases_more=False)
        if not self.transport.authenticated:
            pushed_at = self.facts.get("pushed_at")
            self.facts.update(last_commit_at=pushed_at, last_commit_source="pushed_at")
            return
        commits = self._get(f"{api}/commits", gf.COMMIT_KEYS, {"sha": branch, "per_page": 1})
        if commits is not None:
            self._expect_ok(commits)
            head = (self._json(commits) or [{}])[0]
            committed = ((head.get("commit") or {}).get("committer") or {}).get("date")
            self.facts.update(last_commit_at=committed, last_commit_source="default_branch_head")

    def _absorb(self, tree: TreeRead) -> None:
        """Take a tree read's facts, validators, evidence and cost into this observation."""
        self.facts.update(tree.facts)
        self.validators.update(tree.validators)
        self.evidence.extend(tree.evidence)
        self.requests += tree.requests
        self.answers.extend(tree.answers)

    def _unchanged_anonymously(self) -> bool:
        """True when, without a token, the repository itself answered 304.

        GitHub charges anonymous 304s like any request. An unchanged repository answer means
        an unchanged `pushed_at`, hence the same tree, README and tags: those are carried
        over without asking (releases can change without a push, so they are still asked).
        """
        return (not self.transport.authenticated and self.answers == [304]
                and all(key in self.previous_facts for key in (*gf.TREE_KEYS, *gf.TAGS_KEYS)))

    def _carry_git_contents(self, api: str, tree_path: str) -> None:
        for key in (*gf.TREE_KEYS, *gf.README_KEYS, *gf.TAGS_KEYS, *gf.COMMIT_KEYS):
            if key in self.previous_facts:
                self.facts[key] = self.previous_facts[key]
        for path in (tree_path, f"{api}/readme", f"{api}/tags"):
            if path in self.previous_validators:
                self.validators[path] = self.previous_validators[path]
        self.evidence.append("tree, README and tags carried over: the repository is unchanged")
        self._releases(api)

    def _releases(self, api: str) -> None:
        """GET /releases when the repository has tags (a published release always has one)."""
        self.facts.setdefault("releases", [])
        self.facts.setdefault("releases_more", False)
        if self.facts.get("tags"):
            releases = self._get(f"{api}/releases", gf.RELEASES_KEYS, {"per_page": 100})
            if releases is not None:
                self._expect_ok(releases)
                self.facts["releases"] = gf.rest_release_facts(self._json(releases))
                self.facts["releases_more"] = gf.has_next_page(releases.headers.get("link"))

    def _get(
        self, path: str, carried_keys: Iterable[str], params: Mapping[str, Any] | None = None
    ) -> Exchange | None:
        """GET `path` conditionally; on 304 carry `carried_keys` over and return None."""
        exchange = self.transport.get(path, params, etag=self.previous_validators.get(path))
        self.requests += exchange.sent
        self.answers.append(exchange.status)
        if exchange.not_modified:
            self.validators[path] = exchange.etag or self.previous_validators[path]
            self.evidence.append(f"GET {path} -> 304 (not modified)")
            for key in carried_keys:
                if key in self.previous_facts:
                    self.facts[key] = self.previous_facts[key]
            return None
        if exchange.etag and exchange.status == 200:
            self.validators[path] = exchange.etag
        self.evidence.append(f"GET {path} -> {exchange.status}")
        return exchange

    def _unavailable(self, exchange: Exchange) -> LinkStatus:
        """Map a non-200 answer for the repository itself to a status."""
        status = exchange.status
        body = _json_or_empty(exchange)
        message = str(body.get("message") or "")
        link, _ = link_status(status, "github")
        if status == 403 and BLOCKED_BODY_WORD in message.lower():
            link = LinkStatus.BLOCKED
        if link is LinkStatus.MISSING:
            self.facts["possibly_private"] = not self.transport.authenticated
            return LinkStatus.MISSING
        if link is LinkStatus.BLOCKED:
            self.facts["block_reason"] = (body.get("block") or {}).get("reason") or (
                "legal" if status == 451 else "blocked"
            )
            return LinkStatus.BLOCKED
        raise MalformedAnswer(f"GET {exchange.path}: HTTP {status} {message}".rstrip())

    def _expect_ok(self, exchange: Exchange) -> None:
        if exchange.status != 200:
            message = str(_json_or_empty(exchange).get("message") or "")
            where = f"{exchange.verb} {exchange.path}"
            raise MalformedAnswer(f"{where}: HTTP {exchange.status} {message}".rstrip())

    @staticmethod
    def _json(exchange: Exchange) -> Any:
        try:
            return exchange.json()
        except ValueError:
            where = f"{exchange.verb} {exchange.path}"
            raise MalformedAnswer(f"{where}: malformed JSON in the answer") from None


def _json_or_empty(exchange: Exchange) -> dict[str, Any]:
    try:
        body = exchange.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _readme_from_contents(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The `readme` fact from GET /repos/{o}/{r}/readme (a base64 contents object)."""
    text: str | None = None
    if payload.get("encoding") == "base64" and payload.get("content"):
        try:
            text = base64.b64decode(payload["content"]).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            raise MalformedAnswer("GET readme: content is not valid base64") from None
    return gf.readme_facts(payload.get("path") or "README", int(payload.get("size") or 0), text)
