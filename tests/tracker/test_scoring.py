"""The scorer: weights, normalisation over conclusive criteria, grades, checklist, JSON."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from checks import CRITERIA
from checks.base import Finding, Outcome
from paper_examples import (
    PLACEHOLDER_README,
    dataset_files,
    full_release,
    github,
    hub,
    model_files,
    paper,
)
from tracker.errors import ConfigError
from tracker.kernel import LinkStatus
from tracker.scoring import (
    DEFAULT_WEIGHTS,
    Scorecard,
    grade_for,
    score_paper,
    to_json,
    validate_weights,
    weighted_score,
)


def test_a_full_release_scores_a_with_the_whole_checklist() -> None:
    scorecard = score_paper(full_release())

    assert scorecard.score == pytest.approx(1.0)
    assert scorecard.grade == "A"
    assert scorecard.checklist == 5
    assert scorecard.inconclusive == []
    assert scorecard.promise_unfulfilled is False
    assert scorecard.best_code_url == "https://github.com/lab/method"


def test_popularity_is_reported_but_not_scored() -> None:
    scorecard = score_paper(full_release())

    assert (scorecard.stars, scorecard.forks) == (120, 12)
    assert (scorecard.downloads, scorecard.likes) == (1_800, 15)  # summed over Hub repos
    assert scorecard.last_commit_at == "2025-01-10T12:00:00Z"
    repo, *others = full_release().links
    unpopular = replace(repo, facts={**repo.facts, "stars": 0, "forks": 0})
    assert score_paper(paper(unpopular, *others)).score == 1.0


def test_a_coming_soon_repository_promised_in_the_abstract_is_an_f_and_flagged() -> None:
    placeholder = github(paths=("README.md", "LICENSE"), readme=PLACEHOLDER_README,
                         license_spdx=None)
    scorecard = score_paper(paper(
        placeholder, abstract="Code and models will be released at github.com/lab/method."))

    # code_available partial (0.25 x 0.25) + link_health (0.025); everything else fails.
    assert scorecard.score == pytest.approx(0.0875)
    assert scorecard.grade == "F"
    assert scorecard.checklist == 0
    assert scorecard.promise_unfulfilled is True
    assert any("will be released" in line for line in scorecard.promise_evidence)


def test_a_paper_without_links_scores_zero_not_none() -> None:
    scorecard = score_paper(paper())

    assert scorecard.score == 0.0
    assert scorecard.grade == "F"
    assert scorecard.findings["code_available"].outcome is Outcome.FAIL
    assert scorecard.findings["link_health"].outcome is Outcome.NOT_APPLICABLE
    assert scorecard.inconclusive == []


def test_a_paper_whose_discovery_failed_has_its_grade_withheld_not_an_f() -> None:
    gap = "hf-paper 2409.18433: HTTP 503 (after 3 attempts)"
    scorecard = score_paper(replace(paper(), discovery_gap=gap))

    assert scorecard.grade is None and scorecard.status == "incomplete"
    assert scorecard.withheld is not None and gap in scorecard.withheld
    code = scorecard.findings["code_available"]
    assert code.outcome is Outcome.UNAVAILABLE and code.score is None
    assert gap in code.evidence[-1]


def test_after_a_failed_discovery_what_passed_stands_and_only_absences_are_withheld() -> None:
    released = full_release()
    whole = score_paper(released)
    gapped = score_paper(replace(released, discovery_gap="arxiv-search: rate limited"))

    assert whole.grade == gapped.grade == "A" and gapped.score == whole.score
    assert {c: f.outcome for c, f in gapped.findings.items()} == {
        c: f.outcome for c, f in whole.findings.items()}
    broken = replace(released, links=tuple(replace(link, history=(LinkStatus.OK, LinkStatus.MISSING, LinkStatus.OK))
                                           for link in released.links))
    health = score_paper(replace(broken, discovery_gap="x")).findings["link_health"]
    assert health.outcome is Outcome.PARTIAL  # a dead link seen is a fact, gap or not


def test_a_rate_limited_repository_leaves_the_denominator() -> None:
    scorecard = score_paper(paper(
        github(status="rate_limited"),
        hub("lab/method-base", files=model_files()),
        hub("lab/method-data", "hf_dataset", status="missing"),
    ))

    assert scorecard.inconclusive == [
        "code_available", "license", "environment", "training_code", "evaluation_code",
        "data_released", "documentation", "versioned_release",
    ]
    # Conclusive: weights_released 1.0 (w 0.1) and link_health 1 of 2 links ok (w 0.025).
    assert scorecard.score == pytest.approx((0.1 * 1.0 + 0.025 * 0.5) / (0.1 + 0.025))
    # ... but a score resting on an eighth of the rubric is no grade: it is withheld.
    assert scorecard.grade is None
    assert scorecard.status == "incomplete"
    assert scorecard.coverage == pytest.approx(0.125)
    assert scorecard.withheld == "code_available and license could not be judged"
    assert any(line.startswith("GitHub rate limited") and "GITHUB_TOKEN" in line
               for line in scorecard.not_checked)


def test_nothing_conclusive_gives_no_score_and_no_grade() -> None:
    scorecard = score_paper(paper(github(status="rate_limited")))

    assert scorecard.score is None
    assert scorecard.grade is None
    assert "link_health" in scorecard.inconclusive


def test_the_better_of_two_repositories_is_judged_and_named() -> None:
    project_page = github("https://github.com/lab/method-page", paths=("README.md", "index.html"),
                          readme=PLACEHOLDER_README, stars=900)
    scorecard = score_paper(paper(project_page, github()))

    assert scorecard.best_code_url == "https://github.com/lab/method"
    finding = scorecard.findings["training_code"]
    assert finding.subject == "https://github.com/lab/method"
    assert any("best of 2 code repositories" in line for line in finding.evidence)


def test_a_non_commercial_license_counts_half() -> None:
    scorecard = score_paper(paper(github(license_spdx="CC-BY-NC-4.0")))

    assert scorecard.findings["license"].score == 0.5


def test_a_gated_hub_model_counts_as_released_weights() -> None:
    gated = hub("lab/method-large", status="gated", gated="manual", files=model_files())
    finding = score_paper(paper(github(), gated)).findings["weights_released"]

    assert finding.outcome is Outcome.PASS
    assert "gated" in finding.evidence[0]


def test_custom_weights_change_the_score() -> None:
    only_data = {criterion_id: 0.0 for criterion_id in CRITERIA} | {"data_released": 1.0}
    released_data = paper(hub("lab/method-data", "hf_dataset", files=dataset_files()))

    assert score_paper(released_data, only_data).score == 1.0
    assert score_paper(released_data).score < 0.5


def test_default_weights_are_valid_and_cover_every_criterion() -> None:
    validate_weights(DEFAULT_WEIGHTS)
    assert list(DEFAULT_WEIGHTS) == list(CRITERIA)


def test_weights_summing_to_0_9_are_refused_naming_the_sum() -> None:
    weights = dict(DEFAULT_WEIGHTS) | {"code_available": 0.15}

    with pytest.raises(ConfigError, match="sum to 0.9") as caught:
        validate_weights(weights)
    assert caught.value.key == "scoring.weights"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"stars": 0.0}, "scoring.weights.stars"),
        ({"license": -0.1, "code_available": 0.5}, "scoring.weights.license"),
        ({"license": "high"}, "scoring.weights.license"),
        ({"license": float("nan")}, "scoring.weights.license"),
        ({"license": True}, "scoring.weights.license"),
    ],
)
def test_bad_weights_are_refused_naming_the_key(change: dict, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_weights(dict(DEFAULT_WEIGHTS) | change)
    assert caught.value.key == key
    assert key in str(caught.value)


def test_an_unknown_criterion_is_refused_with_the_list_of_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        validate_weights(dict(DEFAULT_WEIGHTS) | {"stars": 0.0})
    assert f"unknown criterion 'stars'; known: {', '.join(CRITERIA)}" in str(caught.value)


def test_downloads_and_likes_sum_over_models_datasets_and_spaces() -> None:
    scorecard = score_paper(paper(
        github(),
        hub("lab/m", downloads=10, likes=1),
        hub("lab/d", "hf_dataset", downloads=20, likes=2),
        hub("lab/demo", "hf_space", downloads=40, likes=4),
        hub("lab/gone", status="missing"),
    ))
    assert (scorecard.downloads, scorecard.likes) == (70, 7)


def test_a_missing_criterion_weight_is_refused_naming_it() -> None:
    weights = dict(DEFAULT_WEIGHTS)
    del weights["link_health"]

    with pytest.raises(ConfigError, match="link_health"):
        validate_weights(weights)


@pytest.mark.parametrize(
    ("score", "grade"),
    [(1.0, "A"), (0.85, "A"), (0.8499, "B"), (0.70, "B"), (0.5, "C"), (0.3, "D"),
     (0.2999, "F"), (0.0, "F"), (None, None), (0.7 + 0.15, "A")],
)
def test_grade_bands(score: float | None, grade: str | None) -> None:
    assert grade_for(score) == grade


def test_not_applicable_and_unavailable_findings_leave_the_denominator() -> None:
    findings = {
        "code_available": Finding("code_available", Outcome.PASS, 1.0),
        "license": Finding("license", Outcome.PARTIAL, 0.5),
        "environment": Finding("environment", Outcome.UNAVAILABLE, None),
        "link_health": Finding("link_health", Outcome.NOT_APPLICABLE, None),
    }

    assert weighted_score(findings, DEFAULT_WEIGHTS) == pytest.approx(
        (0.25 * 1.0 + 0.15 * 0.5) / (0.25 + 0.15))


def test_json_has_the_check_json_scorecard_shape() -> None:
    scorecard = score_paper(paper(github(license_spdx=None)))
    document = to_json(scorecard)

    json.dumps(document)  # serialisable as is
    assert set(document) >= {"score", "grade", "checklist", "criteria", "inconclusive",
                             "promise_unfulfilled"}
    assert list(document["criteria"]) == list(CRITERIA)
    license_part = document["criteria"]["license"]
    assert license_part["outcome"] == "fail"
    assert license_part["weight"] == 0.15
    assert license_part["score"] == 0.0
    assert license_part["remediation"].startswith("Add a LICENSE file")
    assert isinstance(scorecard, Scorecard)


def test_json_rounds_scores_to_four_places() -> None:
    readme = "# M\n\n" + "Words about the method. " * 20 + "\n\n## Install\n\npip install m\n"
    document = to_json(score_paper(paper(github(readme=readme))))

    assert document["criteria"]["documentation"]["score"] == 0.3333
