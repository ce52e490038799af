"""environment: a dependency specification in the best code repository."""

from __future__ import annotations

from checks.base import Outcome
from checks.environment import check_environment
from paper_examples import github, paper


def test_requirements_txt_passes() -> None:
    finding = check_environment(paper(github()))

    assert finding.outcome is Outcome.PASS
    assert finding.evidence[0] == \
        "https://github.com/lab/method: dependency specification: requirements.txt"


def test_a_dockerfile_or_environment_yml_passes() -> None:
    for spec in ("Dockerfile", "environment.yml", "pyproject.toml"):
        finding = check_environment(paper(github(paths=("README.md", "main.py", spec))))
        assert finding.outcome is Outcome.PASS, spec


def test_no_specification_fails_with_remediation() -> None:
    finding = check_environment(paper(github(paths=("README.md", "train.py", "model.py"))))

    assert finding.outcome is Outcome.FAIL
    assert "no dependency specification among 3 file(s)" in finding.evidence[0]
    assert "requirements.txt" in finding.remediation


def test_a_depth_limited_tree_withholds_instead_of_failing() -> None:
    finding = check_environment(paper(github(paths=("README.md", "src/main.py"),
                                             tree_depth_limited=True)))

    assert finding.outcome is Outcome.UNAVAILABLE
    assert any("top two levels" in line for line in finding.evidence)


def test_no_recorded_tree_is_unavailable() -> None:
    assert check_environment(paper(github(paths=None))).outcome is Outcome.UNAVAILABLE


def test_no_repository_fails_and_a_rate_limited_one_is_unavailable() -> None:
    assert check_environment(paper()).outcome is Outcome.FAIL
    assert check_environment(paper(github(status="missing"))).outcome is Outcome.FAIL
    assert check_environment(paper(github(status="rate_limited"))).outcome is \
        Outcome.UNAVAILABLE
