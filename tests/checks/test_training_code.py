"""training_code: training scripts in the best code repository."""

from __future__ import annotations

from checks.base import Outcome
from checks.training_code import check_training_code
from paper_examples import github, paper


def test_train_py_passes() -> None:
    finding = check_training_code(paper(github()))

    assert finding.outcome is Outcome.PASS
    assert "train.py" in finding.evidence[0]


def test_configs_and_unit_tests_are_not_training_code() -> None:
    repo = github(paths=("README.md", "configs/train/base.yaml", "tests/test_train.py",
                         "model.py", "requirements.txt"))
    finding = check_training_code(paper(repo))

    assert finding.outcome is Outcome.FAIL
    assert finding.remediation.startswith("Add the training scripts")


def test_an_empty_repository_fails() -> None:
    finding = check_training_code(paper(github(paths=(), readme=None, empty=True)))

    assert finding.outcome is Outcome.FAIL
    assert "empty repository" in finding.evidence[0]


def test_a_truncated_tree_withholds_instead_of_failing() -> None:
    finding = check_training_code(paper(github(paths=("README.md", "lib/a.py"),
                                               tree_truncated=True)))

    assert finding.outcome is Outcome.UNAVAILABLE
    assert any("truncated" in line for line in finding.evidence)
