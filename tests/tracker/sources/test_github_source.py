"""GitHubSource over REST, against the loopback fake GitHub with the real PyGithub client."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time

import pytest

from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.github_seed import SEED_REPOSITORIES, add_seed_repositories
from fakes.server import FakeResponse
from tracker.links import normalise_url
from tracker.sources.base import LinkStatus, Observation, RequestLedger
from tracker.sources.github import GitHubSource
from tracker.sources.github_tree import TREE_ENTRY_CAP, Listing, listing_facts
from tracker.sources.policy import HttpPolicy

TOKEN = "ghp_fake_token"


def make_source(fake: FakeGitHub, token: str | None = None, **overrides: object) -> GitHubSource:
    options: dict[str, object] = dict(
        endpoint=fake.url, token=token, timeout=5, ledger=RequestLedger(), max_retries=3,
        backoff_base=0.01, max_rate_limit_wait=5, user_agent="reprotrack-tests",
        min_request_interval=None,
    )
    options.update(overrides)
    return GitHubSource(**options)  # type: ignore[arg-type]


def link(full_name: str):
    normalised = normalise_url(f"https://github.com/{full_name}")
    assert normalised is not None
    return normalised


def add_released_repo(fake: FakeGitHub, owner: str = "lab", name: str = "paper-code") -> None:
    fake.add_repo(
        owner, name, stars=42, forks=3, watchers=5, open_issues=2, open_pulls=1,
        license_spdx="Apache-2.0", license_name="Apache License 2.0", topics=["nlp"],
        description="Code for the paper", homepage="https://lab.example.org",
        tree={"train.py": 1000, "src/model/net.py": 2000, "requirements.txt": 50},
        readme="# Paper code\n\n## Installation\n\npip install -r requirements.txt\n",
        releases=[{"tag": "v1.0", "name": "First", "published_at": "2025-03-01T00:00:00Z",
                   "assets": [{"name": "weights.pt", "size": 999, "download_count": 12}]}],
    )


def test_a_released_repository_is_ok_with_its_facts_in_five_requests(
    fake_github: FakeGitHub,
) -> None:
    add_released_repo(fake_github)
    source = make_source(fake_github)

    observation = source.observe(link("lab/paper-code"))

    assert observation.status is LinkStatus.OK
    facts = observation.facts
    assert facts["full_name"] == "lab/paper-code"
    counts = (facts["stars"], facts["forks"], facts["watchers"], facts["open_issues"])
    assert counts == (42, 3, 5, 3)
    assert facts["license_spdx"] == "Apache-2.0"
    assert "license_class" not in facts  # a judgement, made by checks/ at every scoring
    assert facts["facts_version"] == 2
    assert {e["path"]: e["size"] for e in facts["tree"]} == {
        "README.md": 63, "requirements.txt": 50, "src/model/net.py": 2000, "train.py": 1000,
    }
    assert facts["listing_complete"] is True and facts["listing_gap"] is None
    assert facts["readme"]["path"] == "README.md" and facts["readme"]["size"] == 63
    # The README is kept as text, not as a judgement of it.
    assert facts["readme"]["text"].startswith("# Paper code\n\n## Installation")
    assert "has_install" not in facts["readme"]
    assert facts["tags"] == ["v1.0"]
    assert facts["releases"] == [{
        "tag": "v1.0", "name": "First", "published_at": "2025-03-01T00:00:00Z", "prerelease": False,
        "draft": False, "assets": [{"name": "weights.pt", "size": 999, "download_count": 12}],
    }]
    assert facts["last_commit_source"] == "pushed_at"
    assert facts["last_commit_at"] == facts["pushed_at"]
    assert observation.requests == 5 == source.ledger.total("github")
    json.dumps(facts)  # every fact is JSON-serialisable


def test_a_repository_without_tags_costs_four_requests_and_no_release_call(
    fake_github: FakeGitHub,
) -> None:
    fake_github.add_repo("lab", "plain", tree={"main.py": 10}, readme="# Plain\n")
    source = make_source(fake_github)

    observation = source.observe(link("lab/plain"))

    assert observation.status is LinkStatus.OK
    assert observation.facts["releases"] == [] and observation.facts["tags"] == []
    assert observation.requests == 4
    assert fake_github.server.requests_to(r"/releases$") == []


def test_the_readme_call_is_skipped_when_the_tree_has_no_readme(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "bare", tree={"main.py": 10})
    observation = make_source(fake_github).observe(link("lab/bare"))
    assert observation.facts["readme"] is None
    assert observation.requests == 3


def test_an_empty_repository_is_ok_and_empty_in_two_requests(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "soon")
    observation = make_source(fake_github).observe(link("lab/soon"))
    assert observation.status is LinkStatus.OK
    assert observation.facts["empty"] is True and observation.facts["tree"] == []
    assert observation.requests == 2


def test_noassertion_is_kept_apart_from_no_license(fake_github: FakeGitHub) -> None:
    fake_github.add_repo(
        "lab", "custom", license_spdx="NOASSERTION", license_name="Other", tree={"a.py": 1}
    )
    fake_github.add_repo("lab", "unlicensed", tree={"a.py": 1})
    source = make_source(fake_github)
    assert source.observe(link("lab/custom")).facts["license_spdx"] == "NOASSERTION"
    assert source.observe(link("lab/unlicensed")).facts["license_spdx"] is None


def test_a_renamed_repository_is_moved_with_the_new_repositorys_facts(
    fake_github: FakeGitHub,
) -> None:
    add_released_repo(fake_github, "old-owner", "old-name")
    fake_github.rename_repo("old-owner/old-name", "new-owner/new-name")
    source = make_source(fake_github)

    observation = source.observe(link("old-owner/old-name"))

    assert observation.status is LinkStatus.MOVED
    assert observation.facts["moved_to"] == "new-owner/new-name"
    assert observation.facts["stars"] == 42
    paths = [r.path for r in fake_github.server.log]
    new_id = fake_github.find("new-owner/new-name").id
    assert paths[:2] == ["/repos/old-owner/old-name", f"/repositories/{new_id}"]
    assert all("old-" not in p for p in paths[2:])  # later calls use the new name
    assert observation.requests == 6 == source.ledger.total()  # the 301 hop is counted too


def test_a_case_difference_is_not_a_move(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("Lab", "Code", tree={"a.py": 1})
    assert make_source(fake_github).observe(link("lab/code")).status is LinkStatus.OK


def test_missing_without_a_token_may_be_private(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "secret", private=True, tree={"a.py": 1})
    anonymous = make_source(fake_github)
    for name in ("lab/secret", "lab/nothing"):
        observation = anonymous.observe(link(name))
        assert observation.status is LinkStatus.MISSING
        assert observation.facts == {"possibly_private": True}
        assert observation.requests == 1


def test_with_a_token_a_visible_private_repository_is_private(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "secret", private=True, tree={"a.py": 1})
    source = make_source(fake_github, token=TOKEN)
    observation = source.observe(link("lab/secret"))
    assert observation.status is LinkStatus.PRIVATE
    assert observation.facts["private"] is True
    assert source.observe(link("lab/nothing")).facts == {"possibly_private": False}


@pytest.mark.parametrize(("attribute", "reason"), [("disabled", "tos"), ("blocked_451", "dmca")])
def test_blocked_repositories(fake_github: FakeGitHub, attribute: str, reason: str) -> None:
    fake_github.add_repo("lab", "taken-down", tree={"a.py": 1}, **{attribute: True})
    observation = make_source(fake_github).observe(link("lab/taken-down"))
    assert observation.status is LinkStatus.BLOCKED
    assert observation.facts["block_reason"] == reason


def test_a_spent_rate_limit_far_from_reset_is_rate_limited_and_stops_sending(
    fake_github: FakeGitHub,
) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    fake_github.exhaust(reset_in=3600)
    source = make_source(fake_github)

    first = source.observe(link("lab/a"))
    second = source.observe(link("lab/a"))

    assert first.status is LinkStatus.RATE_LIMITED and "rate limit" in (first.reason or "")
    assert first.requests == 1
    assert second.status is LinkStatus.RATE_LIMITED and second.requests == 0
    assert len(fake_github.server.log) == 1


def test_a_rate_limit_resetting_soon_is_waited_for_and_recorded(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    fake_github.exhaust(reset_in=0)
    source = make_source(fake_github)

    observation = source.observe(link("lab/a"))

    assert observation.status is LinkStatus.OK
    assert source.ledger.rate_limit_waits["github"] == 1
    # The reset epoch has whole-second resolution: the wait carries a one-second margin.
    assert 1.0 <= source.ledger.rate_limit_wait_seconds["github"] <= 3


def test_a_secondary_rate_limit_honours_retry_after(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    fake_github.secondary_limit_next = 1
    source = make_source(fake_github)
    assert source.observe(link("lab/a")).status is LinkStatus.OK
    assert source.ledger.rate_limit_wait_seconds["github"] == 1


def test_repeated_secondary_limits_are_waited_out_within_the_retry_cap(
    fake_github: FakeGitHub,
) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    fake_github.secondary_limit_next, fake_github.secondary_retry_after = 2, 0
    source = make_source(fake_github)
    observation = source.observe(link("lab/a"))
    assert observation.status is LinkStatus.OK
    assert source.ledger.rate_limit_waits["github"] == 2
    fake_github.secondary_limit_next = 10
    capped = make_source(fake_github, max_retries=2).observe(link("lab/a"))
    assert capped.status is LinkStatus.RATE_LIMITED
    assert "after 3 attempts" in (capped.reason or "")
    assert "more than the" not in (capped.reason or "")


def test_a_rejected_token_says_so(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    observation = make_source(fake_github, token="ghp_revoked").observe(link("lab/a"))
    assert observation.status is LinkStatus.ERROR
    assert "GitHub rejected the token (401)" in (observation.reason or "")
    assert observation.requests == 1  # a 401 is not retried


def test_transient_5xx_are_retried(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    fake_github.server.faults.fail_next, fake_github.server.faults.fail_status = 2, 502
    source = make_source(fake_github)
    observation = source.observe(link("lab/a"))
    assert observation.status is LinkStatus.OK
    assert observation.requests == 3 + 2


@pytest.mark.parametrize("status", [502, 503])
def test_persistent_5xx_end_in_error_with_the_reason(fake_github: FakeGitHub, status: int) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    fake_github.server.faults.fail_next, fake_github.server.faults.fail_status = 10, status
    observation = make_source(fake_github, max_retries=2).observe(link("lab/a"))
    assert observation.status is LinkStatus.ERROR
    assert observation.reason == f"GET /repos/lab/a: HTTP {status} after 3 attempts"
    assert observation.requests == 3


def test_dropped_connections_are_retried_then_reported(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    fake_github.server.faults.drop_next = 1
    assert make_source(fake_github).observe(link("lab/a")).status is LinkStatus.OK
    fake_github.server.faults.drop_next = 10
    observation = make_source(fake_github, max_retries=1).observe(link("lab/a"))
    assert observation.status is LinkStatus.ERROR
    assert "connection failed or dropped" in (observation.reason or "")


def test_malformed_json_is_retried_then_an_error(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    fake_github.server.faults.malformed_next = 1
    once = make_source(fake_github).observe(link("lab/a"))
    assert once.status is LinkStatus.OK and once.requests == 3 + 1  # repo, tree, tags + 1
    fake_github.server.faults.malformed_next = 10
    observation = make_source(fake_github, max_retries=2).observe(link("lab/a"))
    assert observation.status is LinkStatus.ERROR
    assert observation.reason == "GET /repos/lab/a: malformed JSON in the answer after 3 attempts"
    assert observation.facts == {}


def test_a_second_look_with_a_token_is_all_304_unchanged_and_free(
    fake_github: FakeGitHub,
) -> None:
    add_released_repo(fake_github)
    source = make_source(fake_github, token=TOKEN)
    first = source.observe(link("lab/paper-code"))
    remaining = fake_github.remaining(TOKEN)

    second = source.observe(link("lab/paper-code"), first)

    assert second.unchanged is True and second.status is LinkStatus.OK
    assert second.facts == first.facts
    assert second.requests == 6 and source.ledger.not_modified["github"] == 6
    assert fake_github.remaining(TOKEN) == remaining  # authorized 304s cost no rate limit
    conditional = [r for r in fake_github.server.log[6:] if r.header("if-none-match")]
    assert len(conditional) == 6
    assert second.validators == first.validators


def test_an_anonymous_second_look_asks_the_repository_and_releases_only(
    fake_github: FakeGitHub,
) -> None:
    add_released_repo(fake_github)
    source = make_source(fake_github)
    first = source.observe(link("lab/paper-code"))
    remaining = fake_github.remaining()

    second = source.observe(link("lab/paper-code"), first)

    # GitHub charges anonymous 304s: an unchanged repository (same pushed_at) has the same
    # tree, README and tags, so only the repository and its releases are asked again.
    assert second.unchanged is True and second.facts == first.facts
    assert [r.path for r in fake_github.server.log[5:]] == [
        "/repos/lab/paper-code", "/repos/lab/paper-code/releases"]
    assert second.requests == 2 and fake_github.remaining() == remaining - 2
    assert second.validators == first.validators
    third = source.observe(link("lab/paper-code"), second)
    assert third.unchanged is True and third.facts == first.facts and third.requests == 2


def test_an_anonymous_look_after_a_push_fetches_the_contents_again(
    fake_github: FakeGitHub,
) -> None:
    add_released_repo(fake_github)
    source = make_source(fake_github)
    first = source.observe(link("lab/paper-code"))
    repo = fake_github.find("lab/paper-code")
    repo.tree["train.py"] = 10
    repo.pushed_at = "2031-01-01T00:00:00Z"

    second = source.observe(link("lab/paper-code"), first)

    assert second.unchanged is False and second.requests == 5
    assert {"path": "train.py", "size": 10} in second.facts["tree"]


def test_a_changed_endpoint_is_fetched_again_and_the_rest_carried_over(
    fake_github: FakeGitHub,
) -> None:
    add_released_repo(fake_github)
    source = make_source(fake_github)
    first = source.observe(link("lab/paper-code"))
    fake_github.find("lab/paper-code").stars = 43

    second = source.observe(link("lab/paper-code"), first)

    assert second.unchanged is False
    assert second.facts["stars"] == 43
    assert second.facts["tree"] == first.facts["tree"]
    assert second.facts["releases"] == first.facts["releases"]
    assert source.ledger.not_modified["github"] == 4


def test_the_enterprise_layout_works(fake_github: FakeGitHub) -> None:
    add_released_repo(fake_github)
    source = make_source(fake_github, endpoint=fake_github.enterprise_url)
    observation = source.observe(link("lab/paper-code"))
    assert observation.status is LinkStatus.OK
    assert all(r.path.startswith("/api/v3/repos/") for r in fake_github.server.log)


def test_a_truncated_tree_is_walked_by_subtrees_until_every_file_is_listed(
    fake_github: FakeGitHub,
) -> None:
    files = {f"{folder}/{sub}/{i}.py": 100 + i for folder in ("src", "data", "tools")
             for sub in ("a", "b") for i in range(3)}
    fake_github.add_repo("lab", "big", tree=files, readme="# Big\n")
    fake_github.truncate_tree_at = 8  # the whole tree (25 entries) is cut; each folder fits

    facts = make_source(fake_github).observe(link("lab/big")).facts

    assert facts["listing_complete"] is True
    assert sorted(e["path"] for e in facts["tree"]) == sorted({*files, "README.md"})
    assert facts["readme"] is not None


def test_a_folder_too_large_to_list_leaves_the_listing_incomplete_with_the_reason(
    fake_github: FakeGitHub,
) -> None:
    files = {f"data/{i}.txt": i for i in range(10)}
    fake_github.add_repo("lab", "big", tree=files, readme="# Big\n")
    fake_github.truncate_tree_at = 4

    facts = make_source(fake_github).observe(link("lab/big")).facts

    assert facts["listing_complete"] is False
    assert "data/" in facts["listing_gap"]
    assert facts["readme"] is not None  # a partial tree may hide the README: ask for it


def test_a_listing_holds_the_first_blobs_up_to_the_cap_and_counts_the_rest() -> None:
    listing = Listing()
    for i in range(3 * TREE_ENTRY_CAP):
        listing.add(f"f{i}", i)
    assert len(listing.kept) == TREE_ENTRY_CAP and listing.count == 3 * TREE_ENTRY_CAP
    assert listing.kept[-1] == (f"f{TREE_ENTRY_CAP - 1}", TREE_ENTRY_CAP - 1)
    facts = listing_facts(listing.kept, complete=True, gap=None, sha="abc",
                          blob_count=listing.count)
    assert facts["tree_blob_count"] == 3 * TREE_ENTRY_CAP and len(facts["tree"]) == TREE_ENTRY_CAP
    assert facts["listing_complete"] is False and "300000 files" in facts["listing_gap"]


def test_tree_entries_are_capped_and_the_cap_is_said() -> None:
    blobs = [(f"f{i}", 1) for i in range(TREE_ENTRY_CAP + 5)]
    facts = listing_facts(blobs, complete=True, gap=None, sha="abc")
    assert len(facts["tree"]) == TREE_ENTRY_CAP
    assert facts["listing_complete"] is False and facts["tree_blob_count"] == TREE_ENTRY_CAP + 5
    assert str(TREE_ENTRY_CAP) in facts["listing_gap"]


def test_with_a_token_the_head_commit_date_is_fetched(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1}, last_commit_at="2025-02-03T04:05:06Z")
    observation = make_source(fake_github, token=TOKEN).observe(link("lab/a"))
    assert observation.facts["last_commit_at"] == "2025-02-03T04:05:06Z"
    assert observation.facts["last_commit_source"] == "default_branch_head"
    assert fake_github.remaining(TOKEN) == 5000 - observation.requests


def test_the_token_never_leaks(fake_github: FakeGitHub, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    add_released_repo(fake_github)
    source = make_source(fake_github, token=TOKEN)
    observations = [source.observe(link("lab/paper-code")), source.observe(link("lab/missing"))]
    fake_github.server.faults.fail_next = 10
    observations.append(source.observe(link("lab/paper-code")))
    fake_github.server.faults.fail_next = 0
    wrong = make_source(fake_github, token="ghp_not_a_known_token")
    observations.append(wrong.observe(link("lab/paper-code")))

    assert all(r.header("authorization") for r in fake_github.server.log)  # it was sent ...
    for observation in observations:  # ... and is nowhere else
        serialised = json.dumps(dataclasses.asdict(observation), default=str)
        assert TOKEN not in serialised and "ghp_not_a_known_token" not in serialised
    assert observations[-1].status is LinkStatus.ERROR
    assert "Bad credentials" in (observations[-1].reason or "")
    assert TOKEN not in repr(source) and TOKEN not in caplog.text


def test_observe_many_without_a_token_observes_each_link_over_rest(fake_github: FakeGitHub) -> None:
    add_released_repo(fake_github)
    source = make_source(fake_github)
    code, gone = link("lab/paper-code"), link("lab/none")
    first = {l.url: o for l, o in source.observe_many([code, gone])}
    assert first[code.url].status is LinkStatus.OK and first[gone.url].status is LinkStatus.MISSING
    again = list(source.observe_many([code], first))
    assert again[0][1].unchanged is True


def test_the_seed_repositories_fit_well_inside_the_anonymous_budget(
    fake_github: FakeGitHub,
) -> None:
    add_seed_repositories(fake_github)
    source = make_source(fake_github)
    links = [link(name) for name in SEED_REPOSITORIES]

    first: dict[str, Observation] = {l.url: o for l, o in source.observe_many(links)}
    first_run = source.ledger.total()
    second = [o for _, o in source.observe_many(links, first)]

    assert all(o.status is LinkStatus.OK for o in first.values())
    assert first_run == 9 * 4 + 2 * 5 == 46  # well under 60, at most 5 per repository
    # A re-audit without a token: the repository, plus the releases of the two with tags
    # (anonymous 304s are charged, so each is one request of the 60 an hour).
    assert source.ledger.total() - first_run == 9 + 2 * 2 == 13
    assert source.ledger.not_modified["github"] == 13
    assert all(o.unchanged for o in second)
    assert fake_github.remaining() == 60 - 46 - 13


def test_a_github_that_cannot_be_reached_is_left_alone_after_three_repositories() -> None:
    dead = FakeGitHub().start()
    dead.stop()
    source = make_source(dead, max_retries=1)

    observations = [source.observe(link(f"lab/repo-{n}")) for n in range(5)]

    assert {o.status for o in observations} == {LinkStatus.ERROR}
    assert source.ledger.total("github") == 3 * 2  # three repositories tried twice, then none
    assert "could not be reached 3 times in a row" in (observations[-1].reason or "")


@pytest.mark.parametrize("path", [r"^/repos/lab/a$", r"/git/trees/", r"/tags$"])
def test_an_answer_of_the_wrong_type_is_an_error_never_a_crash(
    fake_github: FakeGitHub, path: str
) -> None:
    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    fake_github.server.faults.only_paths = path
    fake_github.server.faults.wrong_type_next = 1
    observation = make_source(fake_github).observe(link("lab/a"))
    assert observation.status is LinkStatus.ERROR and observation.facts == {}
    assert "unexpected answer" in (observation.reason or "")


def test_a_github_answer_dripping_past_the_deadline_ends_as_error(fake_github: FakeGitHub) -> None:
    body = json.dumps({"message": "x" * 200}).encode()
    drip = FakeResponse(200, body, {"Content-Type": "application/json"}, drip=0.2)
    fake_github.server.routes.insert(0, ("GET", re.compile(r"/repos/lab/slow"),
                                         lambda request, match: drip))
    source = make_source(fake_github, policy=HttpPolicy(deadline=1.0))
    started = time.monotonic()
    observation = source.observe(link("lab/slow"))
    assert time.monotonic() - started < 2.5
    assert observation.status is LinkStatus.ERROR
    assert "within the 1s deadline" in (observation.reason or "")
