"""Turn GitHub REST and GraphQL payloads into the JSON-serialisable facts of an Observation.

The keys are documented in `tracker.sources.github`. Raw paths, sizes, license ids and the
README's text are kept as they are; deciding what a file, a README or a license means is the
criteria's job (``checks/``), at every scoring, never this module's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from tracker.kernel import text_fact
from tracker.sources.github_tree import LISTING_KEYS, listing_facts

# Fact keys each REST endpoint produces: on a 304 these are carried over from the previous facts.
REPO_KEYS = (
    "full_name", "stars", "forks", "watchers", "open_issues", "archived", "fork", "disabled",
    "private", "created_at", "pushed_at", "default_branch", "description", "homepage", "topics",
    "license_spdx", "license_name", "size_kb", "node_id",
)
TREE_KEYS = LISTING_KEYS
README_KEYS = ("readme",)
TAGS_KEYS = ("tags", "tags_more")
RELEASES_KEYS = ("releases", "releases_more")
COMMIT_KEYS = ("last_commit_at", "last_commit_source")

_README_BASENAME_RE = re.compile(r"readme(\.[a-z0-9]+)?", re.IGNORECASE)


def license_facts(spdx_id: str | None, name: str | None) -> dict[str, Any]:
    """License facts; `NOASSERTION` (a license GitHub cannot name) stays distinct from None."""
    return {"license_spdx": spdx_id, "license_name": name}


def rest_repo_facts(repo: Mapping[str, Any]) -> dict[str, Any]:
    """Facts from GET /repos/{owner}/{repo}."""
    license_info = repo.get("license") or {}
    facts = {
        "full_name": repo["full_name"],
        "node_id": repo.get("node_id"),
        "stars": repo.get("stargazers_count"),
        "forks": repo.get("forks_count"),
        "watchers": repo.get("subscribers_count"),
        "open_issues": repo.get("open_issues_count"),
        "archived": bool(repo.get("archived")),
        "fork": bool(repo.get("fork")),
        "disabled": bool(repo.get("disabled")),
        "private": bool(repo.get("private")),
        "created_at": repo.get("created_at"),
        "pushed_at": repo.get("pushed_at"),
        "default_branch": repo.get("default_branch"),
        "description": repo.get("description"),
        "homepage": repo.get("homepage") or None,
        "topics": list(repo.get("topics") or []),
        "size_kb": repo.get("size"),
    }
    facts.update(license_facts(license_info.get("spdx_id"), license_info.get("name")))
    return facts


def empty_repository_facts() -> dict[str, Any]:
    """Facts for a repository with no commits (GitHub answers 409 for its tree)."""
    facts = listing_facts([], complete=True, gap=None, sha=None)
    facts.update(readme=None, tags=[], tags_more=False, releases=[], releases_more=False)
    return facts


def has_readme_candidate(facts: Mapping[str, Any]) -> bool:
    """Whether GET /readme can find anything: a README in the root, docs/ or .github/."""
    if not facts.get("listing_complete", True):
        return True
    for entry in facts.get("tree") or []:
        folder, _, basename = entry["path"].rpartition("/")
        if folder in ("", "docs", ".github") and _README_BASENAME_RE.fullmatch(basename):
            return True
    return False


def readme_facts(path: str, size: int, text: str | None) -> dict[str, Any]:
    """The `readme` fact: its path, size and text (capped; None when binary or too large)."""
    return text_fact(path, size, text)


def release_fact(
    tag: str, name: str | None, published_at: str | None, prerelease: bool, draft: bool,
    assets: Iterable[tuple[str, int, int]],
) -> dict[str, Any]:
    """One entry of the `releases` fact."""
    return {
        "tag": tag,
        "name": name,
        "published_at": published_at,
        "prerelease": prerelease,
        "draft": draft,
        "assets": [
            {"name": asset_name, "size": size, "download_count": downloads}
            for asset_name, size, downloads in assets
        ],
    }


def rest_release_facts(payload: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The `releases` fact from GET /repos/{o}/{r}/releases."""
    return [
        release_fact(
            release["tag_name"], release.get("name"), release.get("published_at"),
            bool(release.get("prerelease")), bool(release.get("draft")),
            (
                (asset["name"], int(asset.get("size") or 0), int(asset.get("download_count") or 0))
                for asset in release.get("assets") or []
            ),
        )
        for release in payload
    ]


def has_next_page(link_header: str | None) -> bool:
    """Whether a pagination Link header offers a next page."""
    return bool(link_header) and 'rel="next"' in link_header  # type: ignore[operator]
