"""A loopback fake of the Hugging Face Hub: repo info, file resolve and papers, on FakeServer.

Wire format, as huggingface_hub 1.x reads it and as the Hub was observed to answer:
- `GET /api/{models|datasets|spaces}/{repo_id}[/revision/{rev}]` answers the repo's JSON
  (`_id`, `id`, `author`, `sha`, `lastModified`, `createdAt`, `private`, `gated`, `disabled`,
  `tags`, `likes`, `cardData`, `siblings`, ...). `?blobs=true` adds `blobId`, `size` and,
  for LFS files, `lfs: {size, sha256, pointerSize}` to every sibling.
- Renamed repos, and ids asked for in another letter case, answer 307 with a relative
  `Location` (path and query) to the canonical id; every hop is a request.
- Missing or hidden (private) repos: anonymous callers get 401 with `X-Error-Message` and
  (by default) `X-Error-Code: RepoNotFound`; callers with a token get 404 `RepoNotFound`.
  A token the Hub does not know gets 401 "Invalid credentials in Authorization header".
- `/resolve/{rev}/README.md` answers the card: `card_text` when a test sets it, else a small
  generated card (front matter and a title); its `blobId` and size follow its text.
- Gated repos: the info endpoint answers 200 with `gated: "auto"|"manual"`; file downloads
  (`/resolve/`) answer 401 (anonymous) or 403 (token without accepted terms) `GatedRepo`.
- Disabled repos: info 200 with `disabled: true` (observed on models), or, with
  `disabled_answer="forbidden"`, 403 with `X-Error-Message: Access to this resource is
  disabled.` (the shape huggingface_hub documents for a disabled dataset).
- Every `/api/` response carries `RateLimit: "api";r=..;t=..` and `RateLimit-Policy`; an
  exhausted window answers 429 with the same headers (and `Retry-After` when asked). One
  window for all callers, or with `quota_per_account` one per token (the Hub meters
  authenticated requests per account, anonymous ones per address).
- `GET /api/papers/{arxiv_id}` and `GET /api/papers/search?q=` in the shapes `paper_info`
  and `list_papers` parse. A paper page carries `githubRepo`, `githubRepoAddedBy` ("auto"
  when the Hub matched it, else "user"), `githubStars`, `projectPage`, `organization`, and a
  preview (`linked_preview` entries, most downloaded first) of the repositories whose tags
  cite it (`arxiv:<id>`) as `linkedModels` / `linkedDatasets` / `linkedSpaces`, with their
  totals `numTotalModels` / `numTotalDatasets` / `numTotalSpaces`. Search hits nest the paper
  under `paper` (without the linked repositories) and match on the query's words: a paper is
  a hit when most of the words are in its title or summary, best first.
- `GET /api/{models|datasets|spaces}?filter=arxiv:<id>&limit=N` lists the repositories
  whose tags hold every filter (the `list_models` / `list_datasets` shape).
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import pytest

from fakes.server import FakeRequest, FakeResponse, FakeServer

RepoType = Literal["model", "dataset", "space"]
_PLURAL: dict[str, str] = {"model": "models", "dataset": "datasets", "space": "spaces"}
_SINGULAR: dict[str, str] = {plural: singular for singular, plural in _PLURAL.items()}

# Tokens the fixture's Hub knows, mapped to the user they authenticate.
ALICE_TOKEN = "hf_fakeAliceToken0123456789abcdef"
HUB_TOKENS: dict[str, str] = {ALICE_TOKEN: "alice"}

ANONYMOUS_NOT_FOUND = "Invalid username or password."
INVALID_TOKEN = "Invalid credentials in Authorization header"
DISABLED = "Access to this resource is disabled."
_LFS_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".onnx", ".h5",
                 ".msgpack", ".parquet", ".arrow", ".zip", ".tar", ".gz", ".npz", ".pkl")
_LFS_MIN_SIZE = 10 * 1024 * 1024


def _hex(seed: str, length: int = 40) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


@dataclass
class HubRepo:
    """One repository held by the fake Hub; tests may mutate it between observations."""

    repo_type: RepoType
    repo_id: str
    files: dict[str, int] = field(default_factory=dict)
    license: str | list[str] | None = None
    tags: list[str] = field(default_factory=list)
    gated: Literal[False, "auto", "manual"] = False
    private: bool = False
    disabled: bool = False
    disabled_answer: Literal["flag", "forbidden"] = "flag"
    downloads: int = 0
    likes: int = 0
    card: bool = True
    card_text: str | None = None  # the README.md body (None: a generated minimal card)
    card_data: dict[str, Any] = field(default_factory=dict)
    pipeline_tag: str | None = None
    library_name: str | None = None
    sdk: str | None = None
    stage: str | None = None
    readers: set[str] = field(default_factory=set)  # users who may see it when private
    gate_accepted: set[str] = field(default_factory=set)  # users who accepted the gate
    created_at: str = "2024-03-01T12:00:00.000Z"
    last_modified: str = "2024-05-02T08:30:00.000Z"

    @property
    def author(self) -> str | None:
        """The namespace (user or organisation), None for legacy single-name repos."""
        return self.repo_id.split("/")[0] if "/" in self.repo_id else None

    @property
    def sha(self) -> str:
        """A commit id that changes whenever the file list changes."""
        return _hex(f"{self.repo_id}:{sorted(self.files.items())}:{self.card_text}")

    def visible_to(self, user: str | None) -> bool:
        """Whether `user` (None: anonymous) may see this repository at all."""
        if not self.private:
            return True
        return user is not None and (user == self.author or user in self.readers)


@dataclass
class HubPaper:
    """A paper page held by the fake Hub."""

    arxiv_id: str
    title: str
    summary: str = ""
    authors: list[str] = field(default_factory=list)
    github_repo: str | None = None
    github_repo_added_by: str = "auto"
    github_stars: int | None = None
    project_page: str | None = None
    organization: str | None = None
    upvotes: int = 0
    published_at: str = "2024-05-01T00:00:00.000Z"


class FakeHub(FakeServer):
    """The Hugging Face Hub API as a loopback server with an in-memory set of repositories."""

    def __init__(
        self,
        tokens: Mapping[str, str] | None = None,
        *,
        rate_limit: int = 500,
        rate_window: int = 300,
        not_found_error_code: bool = True,
        quota_per_account: bool = False,
    ) -> None:
        super().__init__()
        self.tokens: dict[str, str] = dict(tokens or {})
        self.repos: dict[tuple[str, str], HubRepo] = {}  # (type, lower-cased id) -> repo
        self.redirects: dict[tuple[str, str], str] = {}  # (type, lower-cased old id) -> new id
        self.papers: dict[str, HubPaper] = {}
        self.linked_preview = 3  # linked repositories a paper page shows
        # The Hub has been seen answering anonymous 401s both with and without the code.
        self.not_found_error_code = not_found_error_code
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.retry_after_on_429 = False
        self._quota_lock = threading.Lock()
        self._window_started = time.monotonic()
        self._remaining = rate_limit
        self.quota_per_account = quota_per_account
        self._account_quota: dict[str, tuple[float, int]] = {}  # Authorization -> window
        self.route("GET", r"/api/papers/search", self._paper_search)
        self.route("GET", r"/api/papers/(?P<paper>[^/]+)", self._paper)
        self.route("GET", r"/api/(?P<plural>models|datasets|spaces)", self._list)
        self.route("GET", r"/api/(?P<plural>models|datasets|spaces)/(?P<rest>.+)", self._info)
        resolve = (
            r"/(?:(?P<plural>datasets|spaces)/)?(?P<repo>[^/]+(?:/[^/]+)?)"
            r"/resolve/(?P<rev>[^/]+)/(?P<path>.+)"
        )
        self.route("GET", resolve, self._resolve)
        self.route("HEAD", resolve, self._resolve)

    # -- building the model ------------------------------------------------------------
    def add_model(self, repo_id: str, **attributes: Any) -> HubRepo:
        """Add a model repository; keyword arguments are `HubRepo` fields."""
        return self._add("model", repo_id, attributes)

    def add_dataset(self, repo_id: str, **attributes: Any) -> HubRepo:
        """Add a dataset repository; keyword arguments are `HubRepo` fields."""
        return self._add("dataset", repo_id, attributes)

    def add_space(self, repo_id: str, **attributes: Any) -> HubRepo:
        """Add a Space (default: gradio, RUNNING); keyword arguments are `HubRepo` fields."""
        attributes.setdefault("sdk", "gradio")
        attributes.setdefault("stage", "RUNNING")
        attributes.setdefault("files", {"app.py": 2048, "requirements.txt": 64})
        return self._add("space", repo_id, attributes)

    def _add(self, repo_type: RepoType, repo_id: str, attributes: dict[str, Any]) -> HubRepo:
        attributes["tags"] = list(attributes.get("tags", ()))
        repo = HubRepo(repo_type, repo_id, **attributes)
        self.repos[(repo_type, repo_id.lower())] = repo
        return repo

    def rename(self, old_id: str, new_id: str, repo_type: RepoType = "model") -> HubRepo:
        """Rename (or transfer) a repository; the old id then redirects with a 307."""
        repo = self.repos.pop((repo_type, old_id.lower()))
        repo.repo_id = new_id
        self.repos[(repo_type, new_id.lower())] = repo
        self.redirects[(repo_type, old_id.lower())] = new_id
        return repo

    def remove(self, repo_id: str, repo_type: RepoType = "model") -> None:
        """Delete a repository (its redirects go with it)."""
        self.repos.pop((repo_type, repo_id.lower()), None)
        self.redirects = {k: v for k, v in self.redirects.items() if v.lower() != repo_id.lower()}

    def add_paper(self, arxiv_id: str, title: str, **attributes: Any) -> HubPaper:
        """Add a paper page; keyword arguments are `HubPaper` fields."""
        paper = HubPaper(arxiv_id, title, **attributes)
        self.papers[arxiv_id] = paper
        return paper

    def exhaust_rate_limit(self, reset_in: float, *, retry_after: bool = False) -> None:
        """Spend the current window's quota; it resets `reset_in` seconds from now."""
        with self._quota_lock:
            self._remaining = 0
            self._window_started = time.monotonic() - (self.rate_window - reset_in)
        self.retry_after_on_429 = retry_after

    def info_requests(self) -> list[FakeRequest]:
        """The repo info requests received so far."""
        return self.requests_to(r"^/api/(models|datasets|spaces)/")

    # -- request plumbing --------------------------------------------------------------
    def dispatch(self, request: FakeRequest) -> FakeResponse:
        """Route a request, spending API quota and stamping the rate-limit headers."""
        if not request.path.startswith("/api/"):
            return super().dispatch(request)
        remaining, reset, exhausted = self._spend_quota(request)
        headers = {
            "RateLimit": f'"api";r={remaining};t={reset}',
            "RateLimit-Policy": f'"fixed window";"api";q={self.rate_limit};w={self.rate_window}',
            "X-Request-Id": f"Root=1-{_hex(str(time.monotonic_ns()), 24)}",
        }
        if exhausted:
            if self.retry_after_on_429:
                headers["Retry-After"] = str(reset)
            message = "You have exceeded our rate limit of API requests. Retry later."
            response = FakeResponse.json({"error": message}, 429, {"X-Error-Message": message})
        else:
            response = super().dispatch(request)
        response.headers = {**headers, **response.headers}
        return response

    def _spend_quota(self, request: FakeRequest) -> tuple[int, int, bool]:
        """Count one API request: (remaining, seconds to the reset, whether it was refused).

        With `quota_per_account`, each token (and the anonymous callers together) has a
        window of its own, as the Hub meters authenticated requests per account.
        """
        with self._quota_lock:
            now = time.monotonic()
            if self.quota_per_account:
                key = request.header("authorization") or ""
                started, left = self._account_quota.get(key, (now, self.rate_limit))
            else:
                started, left = self._window_started, self._remaining
            if now - started >= self.rate_window:
                started, left = now, self.rate_limit
            reset = max(1, math.ceil(self.rate_window - (now - started)))
            exhausted = left <= 0
            if not exhausted:
                left -= 1
            if self.quota_per_account:
                self._account_quota[key] = (started, left)
            else:
                self._window_started, self._remaining = started, left
            return left, reset, exhausted

    def not_found(self, request: FakeRequest) -> FakeResponse:
        """The Hub's answer for a path it does not serve."""
        message = "Sorry, we can't find the page you are looking for."
        return FakeResponse.json({"error": message}, 404)

    def _caller(self, request: FakeRequest) -> tuple[str | None, FakeResponse | None]:
        """The authenticated user (None: anonymous), or the 401 for an unknown token."""
        authorization = request.header("authorization")
        if not authorization:
            return None, None
        token = authorization.removeprefix("Bearer ").strip()
        if token in self.tokens:
            return self.tokens[token], None
        return None, _error(401, INVALID_TOKEN)

    def _hidden(self, user: str | None) -> FakeResponse:
        """What a missing, or hidden private, repository looks like to `user`."""
        if user is None:
            code = "RepoNotFound" if self.not_found_error_code else None
            return _error(401, ANONYMOUS_NOT_FOUND, code)
        return _error(404, "Repository not found", "RepoNotFound")

    def _lookup(self, repo_type: str, repo_id: str) -> tuple[HubRepo | None, str | None]:
        """The repository and, when the id asked for is not canonical, where to redirect."""
        key = (repo_type, repo_id.lower())
        if key in self.repos:
            repo = self.repos[key]
            return repo, (repo.repo_id if repo.repo_id != repo_id else None)
        if key in self.redirects:
            new_id = self.redirects[key]
            return self.repos.get((repo_type, new_id.lower())), new_id
        return None, None

    # -- routes ------------------------------------------------------------------------
    def _info(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        repo_type = _SINGULAR[match["plural"]]
        repo_id, _, revision = match["rest"].partition("/revision/")
        if repo_id.count("/") > 1:
            return self.not_found(request)  # sub-resources (tree, commits ...) are not faked
        user, rejection = self._caller(request)
        if rejection:
            return rejection
        repo, canonical = self._lookup(repo_type, repo_id)
        if repo is None or not repo.visible_to(user):
            return self._hidden(user)
        if canonical is not None:
            location = f"/api/{match['plural']}/{canonical}"
            location += f"/revision/{revision}" if revision else ""
            if request.query:
                location += "?" + urlencode(request.query, doseq=True)
            return FakeResponse.json({"error": "Moved"}, 307, {"Location": location})
        if revision and revision not in ("main", repo.sha):
            return _error(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        if repo.disabled and repo.disabled_answer == "forbidden":
            return _error(403, DISABLED)
        blobs = request.query.get("blobs", ["false"])[-1].lower() == "true"
        return FakeResponse.json(_info_json(repo, blobs))

    def _resolve(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        repo_type = _SINGULAR[match["plural"]] if match["plural"] else "model"
        user, rejection = self._caller(request)
        if rejection:
            return rejection
        repo, canonical = self._lookup(repo_type, match["repo"])
        if repo is None or not repo.visible_to(user):
            return self._hidden(user)
        if canonical is not None:
            prefix = f"/{match['plural']}" if match["plural"] else ""
            location = f"{prefix}/{canonical}/resolve/{match['rev']}/{match['path']}"
            return FakeResponse(307, b"", {"Location": location})
        if repo.disabled:
            return _error(403, DISABLED)
        if repo.gated and user not in repo.gate_accepted:
            restricted = f"Access to {repo_type} {repo.repo_id} is restricted"
            if user is None:
                return _error(401, f"{restricted}. You must have access to it and be authenticated "
                                   "to access it. Please log in.", "GatedRepo")
            return _error(403, f"{restricted} and you are not in the authorized list.", "GatedRepo")
        if match["path"] not in _all_files(repo):
            return _error(404, "Entry not found", "EntryNotFound")
        body = (_card_body(repo) if match["path"] == "README.md"
                else f"fake content of {match['path']}".encode())
        headers = {"ETag": f'"{_hex(match["path"])}"', "X-Repo-Commit": repo.sha}
        return FakeResponse(200, body, headers)

    def _paper(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        paper = self.papers.get(match["paper"])
        if paper is None:
            return FakeResponse.json({"error": "Paper not found"}, 404)
        body = _paper_json(paper)
        for repo_type in ("model", "dataset", "space"):
            citing = self.citing(paper.arxiv_id, repo_type)
            key = {"model": "Models", "dataset": "Datasets", "space": "Spaces"}[repo_type]
            body[f"linked{key}"] = [_list_json(r) for r in citing[: self.linked_preview]]
            body[f"numTotal{key}"] = len(citing)
        return FakeResponse.json(body)

    def citing(self, arxiv_id: str, repo_type: RepoType) -> list[HubRepo]:
        """The public repositories of a type whose tags cite the paper, most downloaded first."""
        tag = f"arxiv:{arxiv_id}"
        found = [r for (t, _), r in self.repos.items()
                 if t == repo_type and tag in r.tags and not r.private]
        return sorted(found, key=lambda r: (-r.downloads, -r.likes, r.repo_id.lower()))

    def _paper_search(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        words = _words(request.query.get("q", [""])[-1])
        limit = int(request.query.get("limit", ["50"])[-1])
        scored = []
        for paper in self.papers.values():
            text = set(_words(f"{paper.title} {paper.summary}"))
            share = sum(w in text for w in words) / len(words) if words else 0.0
            if share >= 0.6:
                scored.append((-share, paper.arxiv_id, paper))
        hits = [paper for _, _, paper in sorted(scored, key=lambda item: item[:2])]
        return FakeResponse.json([_search_hit_json(p) for p in hits[:limit]])

    def _list(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        repo_type = _SINGULAR[match["plural"]]
        filters = request.query.get("filter", [])
        limit = int(request.query.get("limit", ["1000"])[-1])
        found = [r for (t, _), r in self.repos.items()
                 if t == repo_type and not r.private and all(f in _tags(r) for f in filters)]
        found.sort(key=lambda r: (-r.downloads, r.repo_id.lower()))
        return FakeResponse.json([_list_json(r) for r in found[:limit]])


def _error(status: int, message: str, code: str | None = None) -> FakeResponse:
    headers = {"X-Error-Message": message}
    if code:
        headers["X-Error-Code"] = code
    return FakeResponse.json({"error": message}, status, headers)


def _card_body(repo: HubRepo) -> bytes:
    if repo.card_text is not None:
        return repo.card_text.encode()
    license_line = f"license: {repo.license}\n" if isinstance(repo.license, str) else ""
    return f"---\n{license_line}---\n\n# {repo.repo_id}\n".encode()


def _all_files(repo: HubRepo) -> dict[str, int]:
    files = {".gitattributes": 1519}
    if repo.card:
        files["README.md"] = len(_card_body(repo))
    files.update(repo.files)
    return files


def _sibling(path: str, size: int, blobs: bool, repo: HubRepo | None = None) -> dict[str, Any]:
    sibling: dict[str, Any] = {"rfilename": path}
    if blobs:
        content = _card_body(repo).decode() if repo is not None and path == "README.md" else ""
        sibling["blobId"] = _hex(f"blob:{path}:{size}:{content}")
        sibling["size"] = size
        if path.endswith(_LFS_SUFFIXES) or size >= _LFS_MIN_SIZE:
            sha256 = _hex(f"lfs:{path}:{size}", 64)
            sibling["lfs"] = {"size": size, "sha256": sha256, "pointerSize": 134}
    return sibling


def _tags(repo: HubRepo) -> list[str]:
    tags = list(repo.tags)
    tags += [t for t in (repo.library_name, repo.pipeline_tag) if t]
    if repo.card:
        licenses = [repo.license] if isinstance(repo.license, str) else repo.license or []
        tags += [f"license:{name}" for name in licenses]
    tags.append("region:us")
    return list(dict.fromkeys(tags))


def _info_json(repo: HubRepo, blobs: bool) -> dict[str, Any]:
    files = _all_files(repo)
    body: dict[str, Any] = {
        "_id": _hex(f"id:{repo.repo_type}:{repo.created_at}:{repo.repo_id}", 24),
        "id": repo.repo_id,
        "author": repo.author,
        "sha": repo.sha,
        "lastModified": repo.last_modified,
        "createdAt": repo.created_at,
        "private": repo.private,
        "gated": repo.gated,
        "disabled": repo.disabled,
        "tags": _tags(repo),
        "likes": repo.likes,
        "siblings": [_sibling(path, size, blobs, repo) for path, size in files.items()],
        "usedStorage": sum(files.values()),
    }
    if repo.card:
        license_entry = {"license": repo.license} if repo.license else {}
        body["cardData"] = {**license_entry, **repo.card_data}
    if repo.repo_type == "model":
        body.update(modelId=repo.repo_id, downloads=repo.downloads, spaces=[])
        if repo.pipeline_tag:
            body["pipeline_tag"] = repo.pipeline_tag
        if repo.library_name:
            body["library_name"] = repo.library_name
    elif repo.repo_type == "dataset":
        body.update(downloads=repo.downloads, description="", citation=None)
    else:
        subdomain = repo.repo_id.replace("/", "-").lower()
        runtime = {
            "stage": repo.stage, "hardware": {"current": "cpu-basic", "requested": "cpu-basic"},
            "storage": None, "gcTimeout": 172800, "replicas": {"current": 1, "requested": 1},
            "devMode": False, "domains": [{"domain": f"{subdomain}.hf.space", "stage": "READY"}],
        }
        body.update(sdk=repo.sdk, subdomain=subdomain, host=f"https://{subdomain}.hf.space",
                    models=[], datasets=[], runtime=runtime)
    return body


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _list_json(repo: HubRepo) -> dict[str, Any]:
    """A repository as listings and paper pages show it (no siblings)."""
    body: dict[str, Any] = {
        "_id": _hex(f"id:{repo.repo_type}:{repo.created_at}:{repo.repo_id}", 24),
        "id": repo.repo_id,
        "author": repo.author,
        "likes": repo.likes,
        "downloads": repo.downloads,
        "private": repo.private,
        "gated": repo.gated,
        "tags": _tags(repo),
        "createdAt": repo.created_at,
        "lastModified": repo.last_modified,
    }
    if repo.repo_type == "model":
        body["modelId"] = repo.repo_id
        if repo.pipeline_tag:
            body["pipeline_tag"] = repo.pipeline_tag
        if repo.library_name:
            body["library_name"] = repo.library_name
    return body


def _paper_json(paper: HubPaper) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": paper.arxiv_id,
        "authors": [{"_id": _hex(n, 24), "name": n, "hidden": False} for n in paper.authors],
        "publishedAt": paper.published_at,
        "title": paper.title,
        "summary": paper.summary,
        "upvotes": paper.upvotes,
        "discussionId": _hex(f"discussion:{paper.arxiv_id}", 24),
    }
    if paper.github_repo:
        body["githubRepo"] = paper.github_repo
        body["githubRepoAddedBy"] = paper.github_repo_added_by
        if paper.github_stars is not None:
            body["githubStars"] = paper.github_stars
    if paper.project_page:
        body["projectPage"] = paper.project_page
    if paper.organization:
        org = paper.organization
        body["organization"] = {"_id": _hex(f"org:{org}", 24), "name": org, "fullname": org,
                                "avatar": f"https://cdn-avatars.huggingface.co/{org}.png"}
    return body


def _search_hit_json(paper: HubPaper) -> dict[str, Any]:
    return {
        "paper": _paper_json(paper),
        "publishedAt": paper.published_at,
        "title": paper.title,
        "summary": paper.summary,
        "numComments": 0,
        "isAuthorParticipating": False,
    }


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    """A running FakeHub that knows `ALICE_TOKEN` (user "alice")."""
    with FakeHub(HUB_TOKENS) as hub:
        yield hub  # type: ignore[misc]
