"""weights_released: weight files anywhere among the paper's links."""

from __future__ import annotations

from checks.base import Outcome
from checks.weights_released import check_weights_released
from paper_examples import FULL_TREE_PATHS, github, hub, model_files, osf, paper, zenodo

RELEASE_WITH_CHECKPOINT = {
    "tag": "v1.0", "name": "v1.0", "draft": False, "prerelease": False,
    "published_at": "2025-01-01T00:00:00Z",
    "assets": [{"name": "method_base.pth", "size": 400_000_000, "download_count": 91},
               {"name": "method-1.0.tar.gz", "size": 20_000, "download_count": 3}],
}


def test_a_hub_model_with_safetensors_passes() -> None:
    finding = check_weights_released(paper(github(), hub("lab/m", files=model_files())))

    assert finding.outcome is Outcome.PASS
    assert finding.subject == "https://huggingface.co/lab/m"
    assert finding.evidence == ["https://huggingface.co/lab/m: files: model.safetensors"]


def test_a_gated_hub_model_counts_and_says_gated() -> None:
    gated = hub("meta/m", status="gated", gated="manual", files=model_files())
    finding = check_weights_released(paper(gated))

    assert finding.outcome is Outcome.PASS
    assert "(gated: access after accepting terms)" in finding.evidence[0]


def test_a_public_copy_is_preferred_as_subject_over_a_gated_one() -> None:
    gated = hub("meta/m", status="gated", gated="auto", files=model_files())
    public = hub("lab/m", files=model_files())

    assert check_weights_released(paper(gated, public)).subject == "https://huggingface.co/lab/m"


def test_release_assets_that_are_checkpoints_pass() -> None:
    finding = check_weights_released(paper(github(releases=[RELEASE_WITH_CHECKPOINT])))

    assert finding.outcome is Outcome.PASS
    assert finding.evidence == ["https://github.com/lab/method: release assets: method_base.pth"]


def test_weights_committed_to_the_repository_pass() -> None:
    repo = github(paths=(*FULL_TREE_PATHS, "checkpoints/best.pt"))

    assert check_weights_released(paper(repo)).outcome is Outcome.PASS


def test_a_zenodo_or_osf_deposit_with_checkpoints_passes() -> None:
    deposit = zenodo("777", [{"path": "model_weights.ckpt", "size": 900_000_000}])
    node = osf("abcde", [{"path": "/models/final.pt", "size": 300_000_000}])

    assert check_weights_released(paper(deposit)).outcome is Outcome.PASS
    assert check_weights_released(paper(node)).outcome is Outcome.PASS


def test_an_anonymous_review_only_copy_is_partial() -> None:
    node = osf("abcde", [{"path": "/models/final.pt", "size": 300_000_000}], public=False,
               view_only_required=True)
    finding = check_weights_released(paper(node))

    assert finding.outcome is Outcome.PARTIAL
    assert finding.score == 0.5
    assert "anonymous-review" in finding.evidence[0]


def test_a_hub_model_without_weight_files_fails_and_says_what_was_seen() -> None:
    card_only = hub("lab/m", files=[{"path": "README.md", "size": 900}])
    finding = check_weights_released(paper(github(), card_only))

    assert finding.outcome is Outcome.FAIL
    assert "https://huggingface.co/lab/m: no weight files among 1 file(s)" in finding.evidence
    assert "Hugging Face Hub" in finding.remediation


def test_a_missing_hub_model_fails() -> None:
    finding = check_weights_released(paper(hub("lab/m", status="missing")))

    assert finding.outcome is Outcome.FAIL
    assert finding.evidence == ["https://huggingface.co/lab/m: missing"]


def test_nothing_found_while_a_link_was_rate_limited_is_unavailable() -> None:
    finding = check_weights_released(paper(github(), hub("lab/m", status="rate_limited")))

    assert finding.outcome is Outcome.UNAVAILABLE
    assert finding.subject == "https://huggingface.co/lab/m"


def test_a_paper_without_links_fails_rather_than_not_applicable() -> None:
    finding = check_weights_released(paper())

    assert finding.outcome is Outcome.FAIL
    assert finding.evidence == ["the paper links nothing that could hold weight files"]
