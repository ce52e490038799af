"""How many GitHub requests and rate-limit units checking N repositories costs, by path.

Run: `python -m benchmarks.github_requests [--repos 11 100]`. The repositories are served by
the loopback fake GitHub (tests/fakes), which applies GitHub's rate-limit rules: 60 REST
requests an hour without a token, 5,000 with one, 304s free with a token only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.github import FakeGitHub  # noqa: E402
from fakes.github_seed import SEED_REPOSITORIES, add_seed_repositories  # noqa: E402

from tracker.links import normalise_url  # noqa: E402
from tracker.sources.base import LinkStatus, RequestLedger  # noqa: E402
from tracker.sources.github import GitHubSource  # noqa: E402

TOKEN = "ghp_fake_token"


def _corpus(fake: FakeGitHub, count: int) -> list[str]:
    add_seed_repositories(fake)
    names = list(SEED_REPOSITORIES)
    for index in range(len(names), count):
        owner, name = f"lab{index % 37}", f"method-{index}"
        fake.add_repo(owner, name, stars=index, license_spdx="MIT",
                      tree={"train.py": 900, "requirements.txt": 80, "README.md": 600},
                      readme=f"# method-{index}\n\n## Installation\n\npip install -e .\n")
        names.append(f"{owner}/{name}")
    return names[:count]


PATHS = {
    "REST anonymous": (None, False),
    "REST with a token": (TOKEN, False),
    "GraphQL batched (token)": (TOKEN, True),
}


def _observe(source: GitHubSource, links: list[Any], batched: bool, previous: dict | None) -> dict:
    if batched:
        return {link.url: obs for link, obs in source.observe_many(links, previous)}
    previous = previous or {}
    return {link.url: source.observe(link, previous.get(link.url)) for link in links}


def _run(count: int, path: str) -> list[dict[str, Any]]:
    """Two runs over the same repositories: the first, then one with everything unchanged."""
    token, batched = PATHS[path]
    fake = FakeGitHub().start()
    try:
        names = _corpus(fake, count)
        links = [normalise_url(f"https://github.com/{n}") for n in names]
        source = GitHubSource(endpoint=fake.url, token=token, ledger=RequestLedger(),
                              backoff_base=0.01, max_rate_limit_wait=0, min_request_interval=None)
        rows = []
        previous = None
        for run in ("first run", "second run, unchanged"):
            before, before_304 = source.ledger.total("github"), source.ledger.not_modified["github"]
            units_before = _units(fake, token)
            seen = _observe(source, links, batched, previous)
            requests = source.ledger.total("github") - before
            units = _units(fake, token) - units_before
            rows.append({
                "repositories": count, "path": path, "run": run, "requests": requests,
                "per_repository": round(requests / count, 3),
                "units": units, "units_per_repository": round(units / count, 3),
                "304s": source.ledger.not_modified["github"] - before_304,
                "ok": sum(o.status in (LinkStatus.OK, LinkStatus.MOVED) for o in seen.values()),
                "rate_limited": sum(o.status == LinkStatus.RATE_LIMITED for o in seen.values()),
            })
            previous = seen
        return rows
    finally:
        fake.stop()


def _units(fake: FakeGitHub, token: str | None) -> int:
    """Rate-limit units spent so far, as GitHub counts them: REST requests (a 304 is free
    only with a token) plus GraphQL points."""
    return fake.window(token, "core").used + fake.window(token, "graphql").used


def main(argv: list[str] | None = None) -> None:
    """Print the request counts as a table and as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, nargs="+", default=[11, 100])
    args = parser.parse_args(argv)
    rows = []
    for count in args.repos:
        for path in PATHS:
            rows.extend(_run(count, path))
    header = ("repositories", "path", "run", "requests", "per_repository", "units",
              "units_per_repository", "304s", "ok", "rate_limited")
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[h]) for h in header))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
