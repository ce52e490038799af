"""GitHubSource's batched GraphQL path, and its query checked against GitHub's real schema."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema, parse, validate

from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.github_seed import SEED_REPOSITORIES, add_seed_repositories
from tracker.links import normalise_url
from tracker.sources.base import LinkStatus, RequestLedger
from tracker.sources.github import GitHubSource
from tracker.sources.github_graphql import build_repository_query

TOKEN = "ghp_fake_token"
SCHEMA_PATH = Path(__file__).parents[3] / "../shared/github/schema.graphql"


def make_source(fake: FakeGitHub, token: str | None = TOKEN, **overrides: object) -> GitHubSource:
    options: dict[str, object] = dict(
        endpoint=fake.url, token=token, timeout=5, ledger=RequestLedger(), max_retries=2,
        backoff_base=0.01, max_rate_limit_wait=5, user_agent="reprotrack-tests",
        min_request_interval=None,
    )
    options.update(overrides)
    return GitHubSource(**options)  # type: ignore[arg-type]


def link(full_name: str):
    normalised = normalise_url(f"https://github.com/{full_name}")
    assert normalised is not None
    return normalised


def add_many(fake: FakeGitHub, count: int) -> list[str]:
    names = [f"lab{i % 7}/repo-{i}" for i in range(count)]
    for i, name in enumerate(names):
        owner, repo = name.split("/")
        fake.add_repo(owner, repo, stars=i, tree={"train.py": 10 + i}, readme=f"# Repo {i}\n")
    return names


@pytest.fixture(scope="module")
def github_schema() -> GraphQLSchema:
    if not SCHEMA_PATH.is_file():
        pytest.skip("GitHub's schema is not available at ../shared/github/schema.graphql")
    # The published SDL repeats a few fields and trips graphql-core's own schema checks; the
    # query is still validated field by field against it.
    return build_schema(SCHEMA_PATH.read_text(), assume_valid_sdl=True, assume_valid=True)


@pytest.mark.parametrize("count", [1, 25])
def test_the_batched_query_validates_against_githubs_schema(
    github_schema: GraphQLSchema, count: int
) -> None:
    assert validate(github_schema, parse(build_repository_query(count))) == []


def test_the_schema_check_would_catch_a_wrong_field(github_schema: GraphQLSchema) -> None:
    broken = build_repository_query(1).replace("stargazerCount", "stargazersCount")
    assert validate(github_schema, parse(broken)) != []


@pytest.mark.parametrize(("count", "batch_size", "queries"), [(60, 25, 3), (25, 10, 3), (11, 25, 1)])
def test_n_repositories_cost_one_query_per_batch_and_one_tree_each_then_only_the_queries(
    fake_github: FakeGitHub, count: int, batch_size: int, queries: int
) -> None:
    names = add_many(fake_github, count)
    source = make_source(fake_github, graphql_batch_size=batch_size)

    observed = list(source.observe_many([link(n) for n in names]))

    assert [l.target for l, _ in observed] == names
    assert all(o.status is LinkStatus.OK for _, o in observed)
    assert queries == math.ceil(count / batch_size)
    # A first look: the batched metadata, plus each repository's whole tree over REST.
    assert source.ledger.total() == queries + count
    assert sum(o.requests for _, o in observed) == queries + count
    assert len(fake_github.server.requests_to(r"/graphql$", "POST")) == queries
    assert observed[7][1].facts["stars"] == 7
    assert all(o.facts["listing_complete"] for _, o in observed)

    # Looking again at unchanged repositories: the trees' SHAs are the same, so no tree is
    # fetched again and the listings are carried over.
    previous = {l.url: o for l, o in observed}
    again = make_source(fake_github, graphql_batch_size=batch_size)
    second = list(again.observe_many([l for l, _ in observed], previous))
    assert again.ledger.total() == queries
    assert [o.facts["tree"] for _, o in second] == [o.facts["tree"] for _, o in observed]


def test_a_changed_tree_is_fetched_again(fake_github: FakeGitHub) -> None:
    (name,) = add_many(fake_github, 1)
    first = list(make_source(fake_github).observe_many([link(name)]))
    fake_github.find(name).tree["eval.py"] = 9  # a new commit: a new tree SHA

    source = make_source(fake_github)
    ((_, second),) = source.observe_many([link(name)], {l.url: o for l, o in first})

    assert source.ledger.total() == 2
    assert "eval.py" in [e["path"] for e in second.facts["tree"]]


def test_batched_facts_match_the_rest_facts(fake_github: FakeGitHub) -> None:
    fake_github.add_repo(
        "lab", "code", stars=4, forks=2, watchers=3, open_issues=1, open_pulls=2,
        license_spdx="NOASSERTION", license_name="Other", topics=["vision"],
        tree={"train.py": 5, "eval/run.py": 7, "src/pkg/deep/model.py": 9},
        readme="# Code\n\n## Usage\n",
        releases=[{"tag": "v2", "assets": [{"name": "ckpt.bin", "size": 8, "download_count": 1}]}],
    )
    rest = make_source(fake_github).observe(link("lab/code")).facts
    (_, batched), = make_source(fake_github).observe_many([link("lab/code")])

    shared_keys = (
        "full_name", "node_id", "stars", "forks", "watchers", "open_issues", "license_spdx",
        "license_name", "topics", "tree", "readme", "tags", "releases", "last_commit_at",
        "empty", "size_kb", "listing_complete", "facts_version",
    )
    for key in shared_keys:
        assert batched.facts[key] == rest[key], key


def test_the_batched_path_lists_the_whole_tree_however_deep(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "deep", tree={"a.py": 1, "src/b.py": 2, "src/pkg/x/y/c.py": 3})
    (_, observation), = make_source(fake_github).observe_many([link("lab/deep")])
    assert [e["path"] for e in observation.facts["tree"]] == ["a.py", "src/b.py",
                                                              "src/pkg/x/y/c.py"]
    assert observation.facts["listing_complete"] is True


def test_a_tree_that_cannot_be_read_leaves_the_repository_described_but_its_files_unseen(
    fake_github: FakeGitHub,
) -> None:
    (name,) = add_many(fake_github, 1)
    fake_github.exhaust(TOKEN, "core", reset_in=3600)  # REST spent, GraphQL still has points

    ((_, observation),) = make_source(fake_github).observe_many([link(name)])

    assert observation.status is LinkStatus.OK
    assert observation.facts["stars"] == 0
    assert observation.facts["listing_complete"] is False
    assert "tree not read" in observation.facts["listing_gap"]


def test_statuses_inside_one_batch(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "fine", tree={"a.py": 1})
    fake_github.add_repo("lab", "before", tree={"a.py": 1})
    fake_github.rename_repo("lab/before", "elsewhere/after")
    fake_github.add_repo("lab", "hidden", private=True, tree={"a.py": 1})
    fake_github.add_repo("lab", "off", disabled=True, tree={"a.py": 1})
    fake_github.add_repo("lab", "dmca", blocked_451=True, tree={"a.py": 1})
    fake_github.add_repo("lab", "blank")
    names = ["lab/fine", "lab/gone", "lab/before", "lab/hidden", "lab/off", "lab/dmca", "lab/blank"]

    source = make_source(fake_github)
    observed = {l.target: o for l, o in source.observe_many([link(n) for n in names])}

    assert {n: o.status for n, o in observed.items()} == {
        "lab/fine": LinkStatus.OK, "lab/gone": LinkStatus.MISSING, "lab/before": LinkStatus.MOVED,
        "lab/hidden": LinkStatus.PRIVATE, "lab/off": LinkStatus.BLOCKED,
        "lab/dmca": LinkStatus.BLOCKED,
        "lab/blank": LinkStatus.OK,
    }
    assert observed["lab/before"].facts["moved_to"] == "elsewhere/after"
    assert "NOT_FOUND" in observed["lab/gone"].evidence[-1]
    assert observed["lab/blank"].facts["empty"] is True
    # One query, and the trees of the two reachable non-empty repositories (fine, moved).
    assert source.ledger.total() == 3


def test_an_exhausted_graphql_limit_marks_the_batch_rate_limited(fake_github: FakeGitHub) -> None:
    names = add_many(fake_github, 3)
    fake_github.exhaust(TOKEN, "graphql", reset_in=3600)
    observed = [o for _, o in make_source(fake_github).observe_many([link(n) for n in names])]
    assert [o.status for o in observed] == [LinkStatus.RATE_LIMITED] * 3
    assert "rate limit" in (observed[0].reason or "")


def test_a_failing_graphql_endpoint_marks_the_batch_as_error(fake_github: FakeGitHub) -> None:
    names = add_many(fake_github, 2)
    fake_github.server.faults.fail_next = 10
    observed = [o for _, o in make_source(fake_github).observe_many([link(n) for n in names])]
    assert [o.status for o in observed] == [LinkStatus.ERROR] * 2
    assert observed[0].reason == "POST /graphql: HTTP 503 after 3 attempts"
    assert [o.requests for o in observed] == [3, 0]


def test_the_enterprise_graphql_endpoint_is_used(fake_github: FakeGitHub) -> None:
    names = add_many(fake_github, 2)
    source = make_source(fake_github, endpoint=fake_github.enterprise_url)
    assert all(o.status is LinkStatus.OK for _, o in source.observe_many([link(n) for n in names]))
    assert [r.path for r in fake_github.server.log][0] == "/api/graphql"
    assert all(r.path.startswith("/api/v3/repos/") for r in fake_github.server.log[1:])


def test_the_graphql_points_are_recorded_in_the_evidence(fake_github: FakeGitHub) -> None:
    names = add_many(fake_github, 2)
    observed = [o for _, o in make_source(fake_github).observe_many([link(n) for n in names])]
    assert "GraphQL cost 1, remaining 4999" in observed[0].evidence[0]


def test_seed_and_hundred_repositories_in_batches(fake_github: FakeGitHub) -> None:
    add_seed_repositories(fake_github)
    seed = make_source(fake_github)
    observed = seed.observe_many([link(n) for n in SEED_REPOSITORIES])
    assert all(o.status is LinkStatus.OK for _, o in observed)
    assert seed.ledger.total() == 1 + 11  # one query, eleven trees
    names = add_many(fake_github, 100)
    hundred = make_source(fake_github)
    assert len(list(hundred.observe_many([link(n) for n in names]))) == 100
    assert hundred.ledger.total() == 4 + 100


def test_a_batch_hit_twice_by_a_secondary_limit_waits_and_succeeds(
    fake_github: FakeGitHub,
) -> None:
    names = add_many(fake_github, 25)
    fake_github.secondary_limit_next, fake_github.secondary_retry_after = 2, 0
    source = make_source(fake_github)
    seen = list(source.observe_many([link(name) for name in names]))
    assert len(seen) == 25 and {o.status for _, o in seen} == {LinkStatus.OK}
    assert source.ledger.rate_limit_waits["github"] == 2
    assert source.ledger.total("github") == 3 + 25  # two refused, one answered; 25 trees


def test_a_rejected_token_fails_the_batch_with_that_reason(fake_github: FakeGitHub) -> None:
    names = add_many(fake_github, 3)
    seen = list(make_source(fake_github, token="ghp_revoked").observe_many(
        [link(name) for name in names]))
    assert {o.status for _, o in seen} == {LinkStatus.ERROR}
    assert all("GitHub rejected the token (401)" in (o.reason or "") for _, o in seen)


def test_a_graphql_answer_of_the_wrong_type_fails_the_batch_as_error(
    fake_github: FakeGitHub,
) -> None:
    names = add_many(fake_github, 3)
    fake_github.server.faults.wrong_type_next = 1
    seen = list(make_source(fake_github).observe_many([link(name) for name in names]))
    assert {o.status for _, o in seen} == {LinkStatus.ERROR}
