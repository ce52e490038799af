"""GitHub's REST JSON shapes as the fake serves them: real field names and types, fewer fields."""

from __future__ import annotations

import base64
import hashlib
import math
from typing import TYPE_CHECKING, Any

from fakes.server import FakeResponse

if TYPE_CHECKING:
    from fakes.github import FakeRepo

DOCS = "https://docs.github.com/rest"
REDIRECT_DOCS = (
    "https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects"
)


def error(
    status: int, message: str, *, doc: str = DOCS, headers: dict[str, str] | None = None
) -> FakeResponse:
    """GitHub's error body: message, documentation_url and the status as a string."""
    body = {"message": message, "documentation_url": doc, "status": str(status)}
    return FakeResponse.json(body, status, headers)


def blocked(status: int, reason: str) -> FakeResponse:
    """403 (terms of service) or 451 (DMCA) for a repository whose access is blocked."""
    block = {
        "reason": reason,
        "created_at": "2025-01-02T03:04:05Z",
        "html_url": "https://github.com/tos",
    }
    return FakeResponse.json({"message": "Repository access blocked", "block": block}, status)


def repo_json(base_url: str, repo: FakeRepo) -> dict[str, Any]:
    """GET /repos/{owner}/{repo}."""
    license_json = None
    if repo.license_spdx is not None or repo.license_name is not None:
        license_json = {
            "key": (repo.license_spdx or "other").lower(),
            "name": repo.license_name or repo.license_spdx,
            "spdx_id": repo.license_spdx, "url": None, "node_id": "MDc6TGljZW5zZTA=",
        }
    return {
        "id": repo.id, "node_id": f"R_{repo.id}", "name": repo.name, "full_name": repo.full_name,
        "owner": {"login": repo.owner, "type": "User"}, "private": repo.private,
        "html_url": f"https://github.com/{repo.full_name}", "description": repo.description,
        "fork": repo.fork, "url": f"{base_url}/repos/{repo.full_name}",
        "created_at": repo.created_at, "updated_at": repo.pushed_at, "pushed_at": repo.pushed_at,
        "homepage": repo.homepage or "", "size": size_kb(repo),
        "stargazers_count": repo.stars, "watchers_count": repo.stars, "forks_count": repo.forks,
        "open_issues_count": repo.open_issues + repo.open_pulls,
        "archived": repo.archived, "disabled": repo.disabled, "license": license_json,
        "topics": repo.topics, "visibility": "private" if repo.private else "public",
        "default_branch": repo.default_branch, "subscribers_count": repo.watchers,
        "network_count": repo.forks,
    }


def license_file_json(base_url: str, repo: FakeRepo) -> dict[str, Any]:
    """GET /repos/{owner}/{repo}/license: the license file, base64, and what GitHub detected."""
    text = f"{repo.license_name or repo.license_spdx} license text\n".encode()
    return {
        "name": "LICENSE", "path": "LICENSE", "sha": hashlib.sha1(text).hexdigest(),
        "size": len(text), "type": "file", "encoding": "base64",
        "content": base64.b64encode(text).decode(),
        "url": f"{base_url}/repos/{repo.full_name}/contents/LICENSE",
        "license": repo_json(base_url, repo)["license"],
    }


def size_kb(repo: FakeRepo) -> int:
    """GitHub's `size` (KB) of a repository: 0 when it is empty."""
    return math.ceil(sum(repo.tree.values()) / 1024)


def folder_sha(head_sha: str, folder: str) -> str:
    """A fake git tree SHA for a folder at a head commit ("" is the root: the head's tree)."""
    return head_sha if not folder else hashlib.sha1(f"{head_sha}:{folder}".encode()).hexdigest()


def tree_entries(
    files: dict[str, int], *, recursive: bool, folder: str = "", head_sha: str = ""
) -> list[dict[str, Any]]:
    """GET .../git/trees/{sha}: the blobs and folders under `folder`, paths relative to it."""
    prefix = folder + "/" if folder else ""
    entries: dict[str, dict[str, Any]] = {}
    for full_path, size in files.items():
        if not full_path.startswith(prefix):
            continue
        path = full_path[len(prefix):]
        parts = path.split("/")
        for depth in range(1, len(parts)):
            sub = "/".join(parts[:depth])
            entries.setdefault(sub, {
                "path": sub, "mode": "040000", "type": "tree",
                "sha": folder_sha(head_sha, prefix + sub), "url": "",
            })
        entries[path] = {
            "path": path, "mode": "100644", "type": "blob", "size": size,
            "sha": hashlib.sha1(f"{full_path}:{size}".encode()).hexdigest(), "url": "",
        }
    listed = sorted(entries.values(), key=lambda e: e["path"])
    return listed if recursive else [e for e in listed if "/" not in e["path"]]


def commit_json(repo: FakeRepo) -> dict[str, Any]:
    """One item of GET .../commits."""
    person = {"name": "A. Author", "email": "author@example.org", "date": repo.last_commit_at}
    commit = {
        "author": person, "committer": person, "message": "Update",
        "tree": {"sha": repo.head_sha, "url": ""},
    }
    return {"sha": repo.head_sha, "commit": commit}


def release_json(repo: FakeRepo, index: int, release: dict[str, Any]) -> dict[str, Any]:
    """One item of GET .../releases, from a release given to add_repo."""
    published = release.get("published_at", "2025-01-01T00:00:00Z")
    assets = [
        {
            "id": i, "name": asset["name"], "size": asset.get("size", 0),
            "download_count": asset.get("download_count", 0),
            "content_type": "application/octet-stream", "state": "uploaded",
        }
        for i, asset in enumerate(release.get("assets", []))
    ]
    return {
        "id": repo.id * 100 + index, "tag_name": release["tag"],
        "name": release.get("name", release["tag"]), "draft": release.get("draft", False),
        "prerelease": release.get("prerelease", False), "created_at": published,
        "published_at": published, "assets": assets,
    }


def tag_json(repo: FakeRepo, name: str) -> dict[str, Any]:
    """One item of GET .../tags."""
    return {"name": name, "commit": {"sha": repo.head_sha, "url": ""}}
