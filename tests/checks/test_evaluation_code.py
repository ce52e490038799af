"""evaluation_code: evaluation scripts in the best code repository."""

from __future__ import annotations

from checks.base import Outcome
from checks.evaluation_code import check_evaluation_code
from paper_examples import github, paper


def test_eval_py_passes() -> None:
    finding = check_evaluation_code(paper(github()))

    assert finding.outcome is Outcome.PASS
    assert "eval.py" in finding.evidence[0]


def test_an_ml_test_script_in_tools_counts_as_evaluation() -> None:
    repo = github(paths=("README.md", "tools/train_net.py", "tools/test_net.py"))

    assert check_evaluation_code(paper(repo)).outcome is Outcome.PASS


def test_inference_only_and_unit_tests_fail() -> None:
    repo = github(paths=("README.md", "predict.py", "demo.py", "tests/test_model.py"))
    finding = check_evaluation_code(paper(repo))

    assert finding.outcome is Outcome.FAIL
    assert finding.subject == "https://github.com/lab/method"


def test_a_rate_limited_repository_is_unavailable_and_names_it() -> None:
    finding = check_evaluation_code(paper(github(status="rate_limited")))

    assert finding.outcome is Outcome.UNAVAILABLE
    assert finding.subject == "https://github.com/lab/method"
    assert "could not be checked (rate_limited)" in finding.evidence[0]
