"""The criteria family's values: LinkFacts coercion, Finding rules, the registry."""

from __future__ import annotations

import pytest

from checks import CRITERIA
from checks.base import (
    CHECKLIST_ITEMS,
    CriterionDefinition,
    Finding,
    LinkFacts,
    Outcome,
    PaperFacts,
    criterion,
    evaluate,
)
from paper_examples import full_release
from tracker.links import LinkKind
from tracker.sources.base import LinkStatus


def test_link_facts_accept_stored_strings_and_expose_enums() -> None:
    link = LinkFacts(url="https://github.com/a/b", kind="github_repo", status="moved",
                     history=("ok", "missing", "moved"))

    assert link.kind is LinkKind.GITHUB_REPO
    assert link.status is LinkStatus.MOVED
    assert link.statuses == (LinkStatus.OK, LinkStatus.MISSING, LinkStatus.MOVED)


def test_without_history_the_latest_status_is_the_whole_window() -> None:
    link = LinkFacts(url="https://osf.io/abcde/", kind="osf_node", status="ok")

    assert link.statuses == (LinkStatus.OK,)


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError):
        LinkFacts(url="https://x.org", kind="web", status="fine")


@pytest.mark.parametrize(
    ("outcome", "score", "remediation"),
    [
        (Outcome.UNAVAILABLE, 0.0, ""),  # unavailable carries no score
        (Outcome.NOT_APPLICABLE, 1.0, ""),
        (Outcome.FAIL, None, "fix it"),  # a conclusive outcome needs a score
        (Outcome.PARTIAL, 1.5, "fix it"),
        (Outcome.PASS, 1.0, "nothing to fix"),  # a pass has no remediation
        (Outcome.FAIL, 0.0, "two\nlines"),
    ],
)
def test_inconsistent_findings_are_refused(outcome: Outcome, score: float | None,
                                           remediation: str) -> None:
    with pytest.raises(ValueError):
        Finding("license", outcome, score, remediation=remediation)


def test_every_criterion_of_the_rubric_is_registered_in_order() -> None:
    assert list(CRITERIA) == [
        "code_available", "license", "environment", "training_code", "evaluation_code",
        "weights_released", "data_released", "documentation", "versioned_release",
        "link_health",
    ]
    items = [c.definition.checklist_item for c in CRITERIA.values() if c.definition.checklist_item]
    assert sorted(items) == sorted(CHECKLIST_ITEMS)


def test_evaluate_runs_every_criterion() -> None:
    findings = evaluate(full_release())

    assert list(findings) == list(CRITERIA)
    assert all(finding.outcome is Outcome.PASS for finding in findings.values())


def test_a_criterion_id_cannot_be_registered_twice() -> None:
    definition = CRITERIA["license"].definition

    with pytest.raises(ValueError, match="registered twice"):
        criterion(definition)(lambda paper: Finding("license", Outcome.PASS, 1.0))


def test_a_finding_labelled_with_another_criterion_is_an_error() -> None:
    definition = CriterionDefinition(
        id="test_only_mislabelled", title="t", question="q?", motivation="m", how="h",
        outcomes={Outcome.PASS: "p", Outcome.FAIL: "f"}, remediation="r")
    registered = criterion(definition)(lambda paper: Finding("license", Outcome.PASS, 1.0))
    try:
        with pytest.raises(ValueError, match="returned a finding for license"):
            registered(PaperFacts())
    finally:
        CRITERIA.pop("test_only_mislabelled")
