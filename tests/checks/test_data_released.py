"""data_released: data files in a Hub dataset, a deposit, release assets or the repository."""

from __future__ import annotations

from checks.base import Outcome
from checks.data_released import check_data_released
from paper_examples import FULL_TREE_PATHS, dataset_files, github, hub, osf, paper, zenodo


def test_a_hub_dataset_with_parquet_files_passes() -> None:
    finding = check_data_released(paper(hub("lab/d", "hf_dataset", files=dataset_files())))

    assert finding.outcome is Outcome.PASS
    assert finding.subject == "https://huggingface.co/datasets/lab/d"


def test_a_gated_hub_dataset_counts_and_says_gated() -> None:
    gated = hub("lab/d", "hf_dataset", status="gated", gated="manual", files=dataset_files())
    finding = check_data_released(paper(gated))

    assert finding.outcome is Outcome.PASS
    assert "gated" in finding.evidence[0]


def test_a_hub_dataset_with_only_a_card_fails() -> None:
    card_only = hub("lab/d", "hf_dataset", files=[{"path": "README.md", "size": 100}])

    assert check_data_released(paper(card_only)).outcome is Outcome.FAIL


def test_osf_and_zenodo_deposits_with_data_pass() -> None:
    node = osf("abcde", [{"path": "/data/survey.csv", "size": 12_000}])
    record = zenodo("42", [{"path": "annotations.zip", "size": 8_000_000}])

    assert check_data_released(paper(node)).outcome is Outcome.PASS
    assert check_data_released(paper(record)).outcome is Outcome.PASS


def test_a_zenodo_snapshot_of_the_source_code_is_not_data() -> None:
    snapshot = zenodo("43", [{"path": "method-v1.0.0.zip", "size": 300_000}])
    finding = check_data_released(paper(snapshot))

    assert finding.outcome is Outcome.FAIL
    assert finding.evidence == ["https://zenodo.org/records/43: no data files among 1 file(s)"]


def test_data_files_in_the_repository_pass() -> None:
    repo = github(paths=(*FULL_TREE_PATHS, "data/test.jsonl"))

    assert check_data_released(paper(repo)).outcome is Outcome.PASS


def test_a_private_osf_node_fails() -> None:
    node = osf("abcde", [], status="private")

    assert check_data_released(paper(node)).outcome is Outcome.FAIL


def test_a_rate_limited_dataset_with_nothing_else_is_unavailable() -> None:
    finding = check_data_released(paper(github(), hub("lab/d", "hf_dataset",
                                                      status="rate_limited")))

    assert finding.outcome is Outcome.UNAVAILABLE
