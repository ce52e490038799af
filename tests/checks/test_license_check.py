"""license: OSI-approved 1.0, non-commercial/custom/unidentified 0.5, none 0."""

from __future__ import annotations

import pytest

from checks.base import Outcome
from checks.license_check import check_license
from paper_examples import github, hub, model_files, paper, zenodo


@pytest.mark.parametrize(
    ("spdx", "outcome", "score"),
    [
        ("Apache-2.0", Outcome.PASS, 1.0),
        ("MIT", Outcome.PASS, 1.0),
        ("GPL-3.0", Outcome.PASS, 1.0),
        ("CC-BY-NC-4.0", Outcome.PARTIAL, 0.5),
        ("NOASSERTION", Outcome.PARTIAL, 0.5),  # a LICENSE file GitHub could not identify
        ("other", Outcome.PARTIAL, 0.5),
        (None, Outcome.FAIL, 0.0),
    ],
)
def test_the_repository_license_decides(spdx: str | None, outcome: Outcome,
                                        score: float) -> None:
    finding = check_license(paper(github(license_spdx=spdx)))

    assert (finding.outcome, finding.score) == (outcome, score)
    assert finding.subject == "https://github.com/lab/method"
    assert (finding.remediation == "") == (outcome is Outcome.PASS)


def test_evidence_names_the_license_and_its_class() -> None:
    finding = check_license(paper(github(license_spdx="CC-BY-NC-4.0")))

    assert finding.evidence[0] == \
        "https://github.com/lab/method: license CC-BY-NC-4.0 (non_commercial)"


def test_without_a_repository_the_hub_card_license_is_used() -> None:
    finding = check_license(paper(hub("lab/m", files=model_files(), license="llama3.1")))

    assert finding.outcome is Outcome.PARTIAL
    assert finding.subject == "https://huggingface.co/lab/m"
    assert any("read from hf_model" in line for line in finding.evidence)


def test_a_dead_repository_falls_back_to_the_best_hub_or_zenodo_license() -> None:
    finding = check_license(paper(
        github(status="missing"),
        hub("lab/m", files=model_files(), license="cc-by-nc-4.0"),
        zenodo("1234", [{"path": "data.zip", "size": 10}], license="cc-by-4.0"),
    ))

    assert finding.outcome is Outcome.PASS
    assert finding.subject == "https://zenodo.org/records/1234"
    assert "https://github.com/lab/method: missing" in finding.evidence


def test_a_repository_without_license_is_not_rescued_by_the_hub() -> None:
    finding = check_license(paper(github(license_spdx=None), hub("lab/m", files=model_files())))

    assert finding.outcome is Outcome.FAIL


def test_a_rate_limited_repository_is_unavailable() -> None:
    finding = check_license(paper(github(status="rate_limited"), hub("lab/m")))

    assert finding.outcome is Outcome.UNAVAILABLE


def test_nothing_linked_fails() -> None:
    assert check_license(paper()).outcome is Outcome.FAIL
