"""A loopback fake of GitHub's REST v3 and GraphQL v4 APIs, speaking GitHub's wire format.

It holds an in-memory model of repositories and answers the endpoints reprotrack uses, both at
the root (api.github.com layout) and under /api/v3 (Enterprise layout; GraphQL at /graphql and
/api/graphql). Faithful in what clients notice: documented JSON shapes and error bodies, the
301 for a renamed repository, 403 "Repository access blocked" and 451, ETag / If-None-Match
-> 304 (free with a token, charged without one), X-RateLimit-* headers counting down (60 an hour
without a token, 5000 with one) and the documented 403 when spent, secondary limits with
Retry-After, pagination Link headers, the tree's `truncated` flag, and the transport faults of
`FakeServer` (5xx, dropped connections, malformed bodies).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

import pytest

from fakes import github_json as gj
from fakes.github_graphql import answer_graphql
from fakes.server import FakeRequest, FakeResponse, FakeServer

DOCS = gj.DOCS
_PRIMARY_LIMIT = {False: 60, True: 5000}
_WINDOW_SECONDS = 3600


@dataclass
class FakeRepo:
    """One repository of the fake, in the fake's own terms (not GitHub's JSON)."""

    id: int
    owner: str
    name: str
    stars: int = 0
    forks: int = 0
    watchers: int = 0
    open_issues: int = 0
    open_pulls: int = 0
    archived: bool = False
    fork: bool = False
    private: bool = False
    disabled: bool = False
    blocked_451: bool = False
    license_spdx: str | None = None
    license_name: str | None = None
    tree: dict[str, int] = field(default_factory=dict)  # path -> size in bytes
    releases: list[dict[str, Any]] = field(default_factory=list)
    tags: list[str] | None = None  # None: the releases' tags
    readme: str | None = None
    readme_path: str = "README.md"
    default_branch: str = "main"
    description: str | None = None
    homepage: str | None = None
    topics: list[str] = field(default_factory=list)
    created_at: str = "2024-05-01T10:00:00Z"
    pushed_at: str = "2025-06-01T12:00:00Z"
    last_commit_at: str = "2025-06-01T11:59:00Z"

    @property
    def full_name(self) -> str:
        """owner/name as GitHub spells it."""
        return f"{self.owner}/{self.name}"

    @property
    def empty(self) -> bool:
        """No commits at all."""
        return not self.tree

    @property
    def tag_names(self) -> list[str]:
        """The repository's tags (by default, one per release)."""
        return self.tags if self.tags is not None else [r["tag"] for r in self.releases]

    @property
    def head_sha(self) -> str:
        """A stable fake commit id for the default branch's head."""
        return hashlib.sha1(f"{self.full_name}:{sorted(self.tree.items())}".encode()).hexdigest()


@dataclass
class _Window:
    """One identity's primary rate-limit window for one resource."""

    limit: int
    reset: float
    used: int = 0


class FakeGitHub:
    """The fake GitHub: a model of repositories served by a `FakeServer`."""

    def __init__(
        self, tokens: tuple[str, ...] = ("ghp_fake_token",), clock: Callable[[], float] = time.time
    ) -> None:
        self.server = FakeServer()
        self.tokens = set(tokens)
        self.clock = clock
        self.repos: dict[int, FakeRepo] = {}
        self.renamed: dict[str, int] = {}  # lower-case old full name -> repository id
        # Past this many entries, trees are cut and answered with `truncated: true`.
        self.truncate_tree_at: int | None = None
        self.tree_requests = 0  # tree listings answered with a body (not 304s)
        self.secondary_limit_next = 0
        self.secondary_retry_after = 1
        self._windows: dict[tuple[str, str], _Window] = {}
        self._ids = itertools.count(1000)
        self.server.route("GET", r"(?:/api/v3)?(/.*)", self._rest)
        self.server.route("POST", r"(?:/api)?/graphql", self._graphql)

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        """Start serving."""
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()

    @property
    def url(self) -> str:
        """The api.github.com-style root: REST at /, GraphQL at /graphql."""
        return self.server.url

    @property
    def enterprise_url(self) -> str:
        """The Enterprise-style REST root (GraphQL at /api/graphql)."""
        return self.server.url + "/api/v3"

    # -- the model -------------------------------------------------------------------
    def add_repo(self, owner: str, name: str, **attributes: Any) -> FakeRepo:
        """Add a repository; `attributes` are FakeRepo fields. The README joins the tree."""
        repo = FakeRepo(next(self._ids), owner, name, **attributes)
        if repo.readme is not None:
            repo.tree.setdefault(repo.readme_path, len(repo.readme.encode()))
        self.repos[repo.id] = repo
        return repo

    def find(self, full_name: str) -> FakeRepo | None:
        """The repository now at `full_name` (case-insensitive)."""
        wanted = full_name.lower()
        return next((r for r in self.repos.values() if r.full_name.lower() == wanted), None)

    def rename_repo(self, old: str, new: str) -> FakeRepo:
        """Rename or transfer: `old` answers 301 to /repositories/{id} from now on."""
        repo = self.find(old)
        assert repo is not None, old
        repo.owner, repo.name = new.split("/")
        self.renamed[old.lower()] = repo.id
        return repo

    def delete_repo(self, full_name: str) -> None:
        """Delete a repository (it answers 404)."""
        repo = self.find(full_name)
        assert repo is not None, full_name
        del self.repos[repo.id]

    def set_license(self, full_name: str, spdx: str | None, name: str | None = None) -> None:
        """Change a repository's detected license (None: no license)."""
        repo = self.find(full_name)
        assert repo is not None, full_name
        repo.license_spdx, repo.license_name = spdx, name or spdx

    # -- rate limits -----------------------------------------------------------------
    def window(self, token: str | None = None, resource: str = "core") -> _Window:
        """The rate-limit window of a token (or of anonymous callers) for a resource."""
        key = (token or "", resource)
        now = self.clock()
        current = self._windows.get(key)
        if current is None or now >= current.reset:
            current = _Window(_PRIMARY_LIMIT[bool(token)], math.floor(now) + _WINDOW_SECONDS)
            self._windows[key] = current
        return current

    def exhaust(
        self, token: str | None = None, resource: str = "core", reset_in: float = 3600
    ) -> None:
        """Spend a window now; it resets `reset_in` seconds from now."""
        window = self.window(token, resource)
        window.used = window.limit
        window.reset = math.ceil(self.clock() + reset_in)

    def remaining(self, token: str | None = None, resource: str = "core") -> int:
        """Requests (or GraphQL points) left in the current window."""
        window = self.window(token, resource)
        return window.limit - window.used

    def _rate_headers(self, window: _Window, resource: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(max(0, window.limit - window.used)),
            "X-RateLimit-Reset": str(int(window.reset)),
            "X-RateLimit-Used": str(window.used),
            "X-RateLimit-Resource": resource,
        }

    def _identity(self, request: FakeRequest) -> tuple[str | None, FakeResponse | None]:
        """The caller's token, or a 401 for a token GitHub does not know."""
        auth = request.header("authorization")
        if not auth:
            return None, None
        token = auth.split(" ", 1)[-1].strip()
        if token in self.tokens:
            return token, None
        return None, gj.error(401, "Bad credentials")

    def _limited(self, token: str | None, window: _Window, resource: str) -> FakeResponse | None:
        """The documented primary or secondary rate-limit answer, if one applies now."""
        if self.secondary_limit_next > 0:
            self.secondary_limit_next -= 1
            message = (
                "You have exceeded a secondary rate limit. Please wait a few minutes before you "
                "try again. If you reach out to GitHub Support for help, please include the "
                "request ID 0000:FAKE."
            )
            headers = {"Retry-After": str(self.secondary_retry_after)}
            return gj.error(403, message, headers=headers)
        if window.used < window.limit:
            return None
        who = "user ID 1" if token else "127.0.0.1"
        message = f"API rate limit exceeded for {who}."
        if not token:
            message += (
                " (But here's the good news: Authenticated requests get a higher rate limit. "
                "Check out the documentation for more details.)"
            )
        if resource == "graphql":
            body = {"errors": [{"type": "RATE_LIMITED", "message": message}]}
            return FakeResponse.json(body, 200)
        return gj.error(403, message, doc=f"{DOCS}/overview/rate-limits-for-the-rest-api")

    # -- REST ------------------------------------------------------------------------
    def _rest(self, request: FakeRequest, match: Any) -> FakeResponse:
        token, refused = self._identity(request)
        window = self.window(token)
        response = refused or self._route(request, match.group(1), token)
        etag = None
        if response.status == 200:
            etag = 'W/"' + hashlib.sha256(response.encoded()).hexdigest()[:40] + '"'
            response.headers["ETag"] = etag
            response.headers.setdefault("Cache-Control", "public, max-age=60, s-maxage=60")
        not_modified = bool(etag and etag in _etags(request.header("if-none-match")))
        if not_modified and token is not None:
            # A 304 carries no body, and costs no rate limit when the request was "made while
            # correctly authorized with an Authorization header" (GitHub's docs).
            headers = {"ETag": etag, **self._rate_headers(window, "core")}
            return FakeResponse(304, b"", headers)
        limited = self._limited(token, window, "core")
        if limited is None and not_modified:
            window.used += 1  # an anonymous conditional request is charged like any other
            headers = {"ETag": etag, **self._rate_headers(window, "core")}
            return FakeResponse(304, b"", headers)
        if limited is None:
            window.used += 1
        else:
            response = limited
        response.headers.update(self._rate_headers(window, "core"))
        return response

    def _route(self, request: FakeRequest, path: str, token: str | None) -> FakeResponse:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[0] == "repositories" and len(parts) >= 2 and parts[1].isdigit():
            repo = self.repos.get(int(parts[1]))
            rest = parts[2:]
        elif parts[0] == "repos" and len(parts) >= 3:
            full_name = f"{parts[1]}/{parts[2]}"
            repo, rest = self.find(full_name), parts[3:]
            moved_id = self.renamed.get(full_name.lower())
            if repo is None and moved_id in self.repos:
                return self._moved(request, moved_id, rest)
        else:
            return gj.error(404, "Not Found")
        if repo is None or (repo.private and token is None):
            return gj.error(404, "Not Found", doc=f"{DOCS}/repos/repos#get-a-repository")
        if repo.blocked_451:
            return gj.blocked(451, "dmca")
        if repo.disabled:
            return gj.blocked(403, "tos")
        return self._repo_endpoint(request, repo, rest)

    def _moved(self, request: FakeRequest, repo_id: int, rest: list[str]) -> FakeResponse:
        prefix = "/api/v3" if request.path.startswith("/api/v3/") else ""
        location = f"{self.url}{prefix}/repositories/{repo_id}" + "".join(f"/{p}" for p in rest)
        body = {
            "message": "Moved Permanently",
            "url": location,
            "documentation_url": gj.REDIRECT_DOCS,
        }
        return FakeResponse.json(body, 301, {"Location": location})

    def _repo_endpoint(self, request: FakeRequest, repo: FakeRepo, rest: list[str]) -> FakeResponse:
        if not rest:
            return FakeResponse.json(gj.repo_json(self.url, repo))
        if rest[0] == "git" and len(rest) >= 3 and rest[1] == "trees":
            return self._tree(request, repo, "/".join(rest[2:]))
        if rest == ["readme"]:
            return self._readme(request, repo)
        if rest == ["license"]:
            if repo.license_spdx is None and repo.license_name is None:
                return gj.error(404, "Not Found", doc=f"{DOCS}/licenses/licenses")
            return FakeResponse.json(gj.license_file_json(self.url, repo))
        if rest == ["commits"]:
            if repo.empty:
                return gj.error(409, "Git Repository is empty.")
            return FakeResponse.json([gj.commit_json(repo)])
        if rest == ["releases"]:
            releases = [gj.release_json(repo, i, r) for i, r in enumerate(repo.releases)]
            return self._page(request, releases)
        if rest == ["tags"]:
            return self._page(request, [gj.tag_json(repo, name) for name in repo.tag_names])
        return gj.error(404, "Not Found")

    def _tree(self, request: FakeRequest, repo: FakeRepo, ref: str) -> FakeResponse:
        if repo.empty:
            return gj.error(409, "Git Repository is empty.", doc=f"{DOCS}/git/trees#get-a-tree")
        folders = {""} | {path.rsplit("/", 1)[0] for path in repo.tree if "/" in path}
        folders |= {"/".join(f.split("/")[:i]) for f in list(folders) for i in
                    range(1, f.count("/") + 1)}
        by_sha = {gj.folder_sha(repo.head_sha, folder): folder for folder in folders}
        if ref == repo.default_branch:
            ref = repo.head_sha
        if ref not in by_sha:
            return gj.error(404, "Not Found", doc=f"{DOCS}/git/trees#get-a-tree")
        entries = gj.tree_entries(repo.tree, recursive="recursive" in request.query,
                                  folder=by_sha[ref], head_sha=repo.head_sha)
        truncated = self.truncate_tree_at is not None and len(entries) > self.truncate_tree_at
        if truncated:
            entries = entries[: self.truncate_tree_at]
        self.tree_requests += 1
        body = {"sha": ref, "url": "", "tree": entries, "truncated": truncated}
        return FakeResponse.json(body)

    def _readme(self, request: FakeRequest, repo: FakeRepo) -> FakeResponse:
        if repo.readme is None:
            return gj.error(404, "Not Found", doc=f"{DOCS}/repos/contents#get-a-repository-readme")
        raw = repo.readme.encode()
        if "application/vnd.github.raw" in (request.header("accept") or ""):
            headers = {"Content-Type": "application/vnd.github.raw; charset=utf-8"}
            return FakeResponse(200, raw, headers)
        encoded = base64.encodebytes(raw).decode()  # GitHub wraps base64 lines, like this
        return FakeResponse.json({
            "type": "file", "encoding": "base64", "size": len(raw),
            "name": repo.readme_path.rsplit("/", 1)[-1], "path": repo.readme_path,
            "content": encoded, "sha": hashlib.sha1(raw).hexdigest(),
        })

    def _page(self, request: FakeRequest, items: list[Any]) -> FakeResponse:
        """One page of a list endpoint, with GitHub's Link header when there are more."""
        per_page = min(int((request.query.get("per_page") or ["30"])[0]), 100)
        page = int((request.query.get("page") or ["1"])[0])
        pages = max(1, math.ceil(len(items) / per_page))
        headers = {}
        if pages > 1:
            def link(number: int, rel: str) -> str:
                query = urlencode({"per_page": per_page, "page": number})
                return f'<{self.url}{request.path}?{query}>; rel="{rel}"'
            rels = ([link(page + 1, "next"), link(pages, "last")] if page < pages else []) + (
                [link(page - 1, "prev"), link(1, "first")] if page > 1 else []
            )
            headers["Link"] = ", ".join(rels)
        return FakeResponse.json(items[(page - 1) * per_page : page * per_page], headers=headers)

    # -- GraphQL -----------------------------------------------------------------------
    def _graphql(self, request: FakeRequest, match: Any) -> FakeResponse:
        token, refused = self._identity(request)
        if refused is not None:
            return refused
        if token is None:
            doc = "https://docs.github.com/graphql/guides/forming-calls-with-graphql"
            return gj.error(401, "This endpoint requires you to be authenticated.", doc=doc)
        window = self.window(token, "graphql")
        response = self._limited(token, window, "graphql")
        if response is None:
            window.used += 1  # every query here costs one point
            body = answer_graphql(self, request.json() or {}, window)
            response = FakeResponse.json(body)
        response.headers.update(self._rate_headers(window, "graphql"))
        return response


def _etags(header: str | None) -> list[str]:
    """The validators listed in an If-None-Match header."""
    return [tag.strip() for tag in (header or "").split(",") if tag.strip()]


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A started FakeGitHub, stopped after the test."""
    fake = FakeGitHub().start()
    try:
        yield fake
    finally:
        fake.stop()

