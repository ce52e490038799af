"""code_available: a reachable, public repository with more than a placeholder."""

from __future__ import annotations

from checks.base import Outcome
from checks.code_available import check_code_available
from paper_examples import PLACEHOLDER_README, github, hub, model_files, paper


def test_a_reachable_repository_with_code_passes() -> None:
    finding = check_code_available(paper(github()))

    assert finding.outcome is Outcome.PASS
    assert finding.score == 1.0
    assert finding.subject == "https://github.com/lab/method"
    assert finding.remediation == ""
    assert "source file(s) among 8" in finding.evidence[0]


def test_no_code_link_fails() -> None:
    finding = check_code_available(paper(hub("lab/m", files=model_files())))

    assert finding.outcome is Outcome.FAIL
    assert finding.evidence == ["no code repository is linked"]
    assert finding.remediation


def test_a_coming_soon_readme_only_repository_is_partial() -> None:
    finding = check_code_available(paper(github(paths=("README.md", "LICENSE"),
                                                readme=PLACEHOLDER_README)))

    assert finding.outcome is Outcome.PARTIAL
    assert finding.score == 0.25
    assert "placeholder" in finding.evidence[0]


def test_an_empty_repository_is_a_placeholder() -> None:
    finding = check_code_available(paper(github(paths=(), readme=None, empty=True)))

    assert finding.outcome is Outcome.PARTIAL
    assert "empty repository" in finding.evidence[0]


def test_an_archived_repository_with_code_passes_and_says_archived() -> None:
    finding = check_code_available(paper(github(archived=True)))

    assert finding.outcome is Outcome.PASS
    assert any("archived" in line for line in finding.evidence)


def test_missing_and_private_repositories_fail_with_their_status() -> None:
    for status in ("missing", "private", "blocked"):
        finding = check_code_available(paper(github(status=status)))
        assert finding.outcome is Outcome.FAIL
        assert status in finding.evidence[0]


def test_a_private_repository_seen_through_a_token_fails() -> None:
    finding = check_code_available(paper(github(private=True)))

    assert finding.outcome is Outcome.FAIL
    assert "private" in finding.evidence[0]


def test_only_rate_limited_or_unchecked_repositories_are_unavailable() -> None:
    finding = check_code_available(paper(github(status="rate_limited"),
                                         github("https://github.com/lab/b", status="error")))

    assert finding.outcome is Outcome.UNAVAILABLE
    assert finding.score is None


def test_a_depth_limited_tree_withholds_the_finding_instead_of_guessing() -> None:
    # A facts-v1 row: GraphQL listed two levels; code may sit deeper (src/method/...), unseen.
    shallow = github(paths=("README.md", "LICENSE", "setup.cfg"), tree_depth_limited=True)

    finding = check_code_available(paper(shallow))

    assert finding.outcome is Outcome.UNAVAILABLE
    assert any("top two levels" in line for line in finding.evidence)


def test_a_moved_repository_is_judged_at_its_new_name() -> None:
    finding = check_code_available(paper(github(status="moved", moved_to="newlab/method")))

    assert finding.outcome is Outcome.PASS
    assert any("moved to newlab/method" in line for line in finding.evidence)


def test_real_code_with_a_coming_soon_readme_is_not_a_placeholder() -> None:
    # "Weights coming soon" in the README does not undo the code in the tree.
    finding = check_code_available(paper(github(readme=PLACEHOLDER_README)))

    assert finding.outcome is Outcome.PASS
