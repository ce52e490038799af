"""The fake GitHub speaks GitHub's wire format (checked with plain `requests`, no PyGithub)."""

from __future__ import annotations

import requests

from fakes.github import FakeGitHub, fake_github  # noqa: F401

TOKEN = "ghp_fake_token"


def get(url: str, **headers: str) -> requests.Response:
    """GET with headers given as keywords (If_None_Match -> If-None-Match)."""
    named = {key.replace("_", "-"): value for key, value in headers.items()}
    return requests.get(url, headers=named, timeout=5)


def test_an_anonymous_304_is_charged_an_authorized_one_is_free(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    url = f"{fake_github.url}/repos/lab/a"
    first = get(url)
    assert first.status_code == 200 and first.headers["X-RateLimit-Remaining"] == "59"
    assert first.headers["X-RateLimit-Limit"] == "60"
    assert first.headers["X-RateLimit-Resource"] == "core"

    again = get(url, If_None_Match=first.headers["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again.headers["X-RateLimit-Remaining"] == "58"  # GitHub charges anonymous 304s

    auth = f"token {TOKEN}"
    with_token = get(url, Authorization=auth)
    assert with_token.headers["X-RateLimit-Remaining"] == "4999"
    free = get(url, Authorization=auth, If_None_Match=with_token.headers["ETag"])
    assert free.status_code == 304 and free.headers["X-RateLimit-Remaining"] == "4999"

    fake_github.find("lab/a").stars = 1
    changed = get(url, If_None_Match=first.headers["ETag"])
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]

    fake_github.exhaust()
    spent = get(url, If_None_Match=changed.headers["ETag"])
    assert spent.status_code == 403  # no anonymous 304 once the window is spent


def test_a_spent_limit_answers_the_documented_403(fake_github: FakeGitHub) -> None:
    fake_github.exhaust()
    answer = get(f"{fake_github.url}/repos/lab/a")
    assert answer.status_code == 403 and answer.headers["X-RateLimit-Remaining"] == "0"
    assert answer.json()["message"].startswith("API rate limit exceeded for ")
    with_token = get(f"{fake_github.url}/repos/lab/a", Authorization=f"token {TOKEN}")
    assert with_token.status_code == 404 and with_token.headers["X-RateLimit-Limit"] == "5000"


def test_a_renamed_repository_answers_301_with_githubs_body(fake_github: FakeGitHub) -> None:
    repo = fake_github.add_repo("lab", "old")
    fake_github.rename_repo("lab/old", "lab/new")
    url = f"{fake_github.enterprise_url}/repos/lab/old"
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"{fake_github.enterprise_url}/repositories/{repo.id}"
    assert answer.json()["message"] == "Moved Permanently"
    assert answer.json()["url"] == answer.headers["Location"]
    assert get(answer.headers["Location"]).json()["full_name"] == "lab/new"


def test_releases_are_paginated_with_link_headers(fake_github: FakeGitHub) -> None:
    releases = [{"tag": f"v{i}"} for i in range(5)]
    fake_github.add_repo("lab", "a", tree={"a.py": 1}, releases=releases)
    page = get(f"{fake_github.url}/repos/lab/a/releases?per_page=2")
    assert [r["tag_name"] for r in page.json()] == ["v0", "v1"]
    assert page.links["next"]["url"].endswith("per_page=2&page=2")
    assert page.links["last"]["url"].endswith("page=3")
    last = get(page.links["last"]["url"])
    assert [r["tag_name"] for r in last.json()] == ["v4"] and "next" not in last.links


def test_graphql_reports_unknown_repositories_like_github(fake_github: FakeGitHub) -> None:
    query = {"query": (
        'query { rateLimit { cost remaining } x: repository(owner: "no", name: "pe") { name } }'
    )}
    assert requests.post(f"{fake_github.url}/graphql", json=query, timeout=5).status_code == 401
    answer = requests.post(
        f"{fake_github.url}/api/graphql", json=query,
        headers={"Authorization": f"bearer {TOKEN}"}, timeout=5,
    )
    body = answer.json()
    assert body["data"] == {"rateLimit": {"cost": 1, "remaining": 4999}, "x": None}
    assert body["errors"][0]["type"] == "NOT_FOUND" and body["errors"][0]["path"] == ["x"]
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 38}]  # the aliased field
    assert answer.headers["X-RateLimit-Resource"] == "graphql"


def test_graphql_rejects_an_unknown_field(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "a")
    query = {"query": '{ repository(owner: "lab", name: "a") { starz } }'}
    body = requests.post(
        f"{fake_github.url}/graphql", json=query,
        headers={"Authorization": f"bearer {TOKEN}"}, timeout=5,
    ).json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "undefinedField"
