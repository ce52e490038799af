"""What the report's filters read about a paper: its links' hosts and what it lacks."""

from __future__ import annotations

from reports.report import CriterionCell, LinkRow, PaperRow
from reports.rows import host_label, missing_artefacts


def _row(**changes: object) -> PaperRow:
    values: dict[str, object] = {
        "paper_id": 7, "title": "Sparse Transformers", "arxiv_id": "2111.10050", "score": None,
        "grade": None, "checklist": None, "criteria": (), "best_code_url": None,
        "license": None, "stars": None, "links": (), "promise_unfulfilled": False,
        "inconclusive": ()}
    values.update(changes)
    return PaperRow(**values)  # type: ignore[arg-type]


def test_hosts_are_named_as_users_know_them() -> None:
    assert host_label("github_repo") == "GitHub"
    assert host_label("hf_dataset") == host_label("hf_model") == "Hugging Face"
    assert host_label("osf_node") == "OSF" and host_label("zenodo_record") == "Zenodo"
    assert host_label("drive_folder") == host_label("drive_file") == "Google Drive"
    assert host_label("web") == host_label("something new") == "Other web"


def test_only_a_conclusive_fail_counts_as_missing() -> None:
    outcomes = {"code_available": "pass", "weights_released": "fail", "data_released":
                "unavailable", "license": "partial", "environment": "fail",
                "documentation": None}
    assert missing_artefacts(outcomes) == ("weights", "env")
    assert missing_artefacts({}) == ()


def test_a_row_knows_its_grade_filter_value_hosts_and_search_text() -> None:
    links = (LinkRow("https://github.com/Lab/Repo", "github_repo", "ok"),
             LinkRow("https://huggingface.co/lab/m", "hf_model", "ok"),
             LinkRow("https://github.com/lab/other", "github_repo", "missing"))
    row = _row(links=links, criteria=(
        CriterionCell("data_released", "Data released", "fail", 0.0, "", "Deposit the data"),))

    assert row.hosts == ("GitHub", "Hugging Face") and row.missing == ("data",)
    assert row.grade_key == "none"
    assert _row(grade="B").grade_key == "B" and _row(status="incomplete").grade_key == "withheld"
    assert "arxiv:2111.10050" in row.search_text and "sparse transformers" in row.search_text
    assert "https://github.com/lab/repo" in row.search_text  # lowercased like the query


def test_the_code_license_is_the_scored_one_else_the_stated_one() -> None:
    scored = {"code": None, "weights": "Apache-2.0", "data": None, "conflicts": []}
    assert _row(license="apache-2.0", licenses=scored).code_license is None
    assert _row(license="MIT").code_license == "MIT"  # a scorecard from before licenses
    assert _row(licenses=scored).weights_license == "Apache-2.0"
