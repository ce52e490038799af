"""versioned_release: a GitHub release or tag, or a Zenodo record; a Hub sha does not count."""

from __future__ import annotations

from dataclasses import replace

from checks.base import Outcome
from checks.versioned_release import check_versioned_release
from paper_examples import github, hub, model_files, paper, zenodo

RELEASE = {"tag": "v1.0", "name": "First release", "draft": False, "prerelease": False,
           "published_at": "2025-01-01T00:00:00Z", "assets": []}


def test_a_release_passes_and_is_named() -> None:
    finding = check_versioned_release(paper(github(releases=[RELEASE], tags=["v1.0"])))

    assert finding.outcome is Outcome.PASS
    assert finding.evidence == ["https://github.com/lab/method: release v1.0"]


def test_a_tag_alone_passes() -> None:
    finding = check_versioned_release(paper(github(tags=["cvpr2025"])))

    assert finding.evidence == ["https://github.com/lab/method: tag cvpr2025"]


def test_a_draft_release_does_not_count() -> None:
    draft = RELEASE | {"draft": True}

    assert check_versioned_release(paper(github(releases=[draft]))).outcome is Outcome.FAIL


def test_a_hub_revision_is_not_a_pinned_release() -> None:
    finding = check_versioned_release(paper(github(), hub("lab/m", files=model_files())))

    assert finding.outcome is Outcome.FAIL
    assert finding.evidence == ["https://github.com/lab/method: no release or tag"]


def test_a_zenodo_record_passes() -> None:
    finding = check_versioned_release(paper(github(), zenodo("99", [])))

    assert finding.outcome is Outcome.PASS
    assert "DOI 10.5281/zenodo.99" in finding.evidence[0]


def test_releases_not_recorded_or_a_rate_limited_repository_is_unavailable() -> None:
    repo = github()
    bare = replace(repo, facts={key: value for key, value in repo.facts.items()
                                if key not in ("releases", "tags")})

    assert check_versioned_release(paper(bare)).outcome is Outcome.UNAVAILABLE
    assert check_versioned_release(paper(github(status="rate_limited"))).outcome is \
        Outcome.UNAVAILABLE


def test_nothing_linked_fails() -> None:
    finding = check_versioned_release(paper())

    assert finding.outcome is Outcome.FAIL
    assert finding.remediation.startswith("Tag the version")
