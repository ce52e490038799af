"""The baseline: the plain sequential PyGithub + HfApi script a user would otherwise write.

For each paper of the corpus file, for each link: a GitHub repository costs `get_repo`,
`get_license`, `get_releases` (every page), `get_git_tree(default_branch, recursive=True)` and
`get_readme`; a Hub model or dataset costs `model_info` / `dataset_info`. One client each,
constructed with the libraries' defaults (PyGithub's included: 0.25 s between requests, its
default retry policy), one request after the other, results kept in a list and written as JSON.
OSF projects and project pages are not fetched: the script knows only the two libraries.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from github import Auth, Github
from github.GithubException import (
    GithubException,
    RateLimitExceededException,
    UnknownObjectException,
)
from huggingface_hub import HfApi, constants
from huggingface_hub.errors import HfHubHTTPError

from benchmarks.corpus import GITHUB_TOKEN, HUB_TOKEN

GITHUB_REPO = re.compile(r"https://github\.com/([^/]+/[^/]+)")
HUB_DATASET = re.compile(r"https://huggingface\.co/datasets/([^/]+/[^/]+)")
HUB_MODEL = re.compile(r"https://huggingface\.co/([^/]+/[^/]+)")
constants.HF_HUB_DISABLE_TELEMETRY = True  # no request to the global endpoint for a User-Agent


def _repository(github: Github, full_name: str) -> dict[str, Any]:
    repo = github.get_repo(full_name)
    try:
        license_name: str | None = repo.get_license().license.spdx_id
    except UnknownObjectException:
        license_name = None
    releases = [{"tag": r.tag_name, "assets": [a.name for a in r.assets]}
                for r in repo.get_releases()]
    tree = repo.get_git_tree(repo.default_branch, recursive=True)
    try:
        readme: str | None = repo.get_readme().decoded_content.decode("utf-8", "replace")
    except UnknownObjectException:
        readme = None
    return {"repo": full_name, "stars": repo.stargazers_count, "license": license_name,
            "releases": releases, "files": [e.path for e in tree.tree if e.type == "blob"],
            "readme_chars": len(readme or "")}


def run_baseline(
    corpus: Path, urls: dict[str, str], *, token: bool, papers: int | None = None,
    spacing: float | None = None,
) -> dict[str, Any]:
    """Fetch every GitHub repository and Hub entry of the first `papers` papers, in order.

    `spacing` overrides PyGithub's default 0.25 s between requests (the smoke test uses 0).
    """
    options: dict[str, Any] = {} if spacing is None else {"seconds_between_requests": spacing}
    github = Github(base_url=urls["github"], auth=Auth.Token(GITHUB_TOKEN) if token else None,
                    per_page=100, **options)
    hub = HfApi(endpoint=urls["huggingface"], token=HUB_TOKEN if token else False)
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    records = records[:papers] if papers is not None else records
    results: list[dict[str, Any]] = []
    outcomes: Counter[str] = Counter()
    github_spent = False
    for record in records:
        for url in record["urls"]:
            if match := GITHUB_REPO.match(url):
                if github_spent:  # a script would sleep an hour here; we stop asking
                    outcomes["github_not_reached"] += 1
                    continue
                try:
                    results.append(_repository(github, match[1]))
                    outcomes["github_ok"] += 1
                except RateLimitExceededException:
                    github_spent = True
                    outcomes["github_rate_limited"] += 1
                except GithubException as exc:
                    outcomes[f"github_{exc.status}"] += 1
            elif (match := HUB_DATASET.match(url)) or (match := HUB_MODEL.match(url)):
                fetch = hub.dataset_info if "/datasets/" in url else hub.model_info
                try:
                    info = fetch(match[1])
                    results.append({"repo": info.id, "files": len(info.siblings or [])})
                    outcomes["hub_ok"] += 1
                except HfHubHTTPError as exc:
                    outcomes[f"hub_{exc.response.status_code}"] += 1
    github.close()
    return {"papers": len(records), "outcomes": dict(outcomes), "results": len(results)}
