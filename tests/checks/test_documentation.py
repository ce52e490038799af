"""documentation: the README's install, usage and results table."""

from __future__ import annotations

import pytest

from checks.base import Outcome
from checks.documentation import check_documentation
from paper_examples import PLACEHOLDER_README, github, paper

INSTALL_ONLY = """# Method

A longer description of the method that this repository implements, with enough words to
not be a placeholder: it explains the model, the data and the training schedule in prose.

## Installation

    pip install -r requirements.txt
"""

INSTALL_AND_USAGE = INSTALL_ONLY + """
## Usage

    python train.py --config configs/base.yaml
"""


def test_install_usage_and_results_pass() -> None:
    finding = check_documentation(paper(github()))

    assert finding.outcome is Outcome.PASS
    assert finding.evidence == ["https://github.com/lab/method: README.md has installation "
                                "instructions, how to run, a results table"]


@pytest.mark.parametrize(("readme", "score"), [(INSTALL_ONLY, 1 / 3),
                                               (INSTALL_AND_USAGE, 2 / 3)])
def test_some_parts_are_partial_by_share(readme: str, score: float) -> None:
    finding = check_documentation(paper(github(readme=readme)))

    assert finding.outcome is Outcome.PARTIAL
    assert finding.score == pytest.approx(score)
    assert "a results table" in finding.remediation


def test_a_placeholder_readme_fails() -> None:
    finding = check_documentation(paper(github(readme=PLACEHOLDER_README)))

    assert finding.outcome is Outcome.FAIL
    assert finding.score == 0.0


def test_no_readme_fails() -> None:
    finding = check_documentation(paper(github(readme=None)))

    assert finding.outcome is Outcome.FAIL
    assert finding.evidence == ["https://github.com/lab/method: no README"]


def test_no_repository_fails() -> None:
    assert check_documentation(paper()).outcome is Outcome.FAIL
