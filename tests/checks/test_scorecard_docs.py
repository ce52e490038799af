"""docs/scorecard.md is generated from the definitions and every definition is complete."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checks import CRITERIA
from checks.base import Outcome
from checks.docs import DOCS_PATH, missing_definition_parts, render_scorecard_docs
from tracker.scoring import DEFAULT_WEIGHTS


def test_the_committed_page_equals_the_generated_one() -> None:
    committed = DOCS_PATH.read_text(encoding="utf-8")

    assert committed == render_scorecard_docs(), (
        "docs/scorecard.md is stale: regenerate it with `python -m checks.docs`")


@pytest.mark.parametrize("criterion_id", list(CRITERIA))
def test_every_criterion_has_a_complete_definition(criterion_id: str) -> None:
    definition = CRITERIA[criterion_id].definition

    assert missing_definition_parts(definition) == []
    assert definition.id == criterion_id
    assert definition.question.endswith("?")
    assert "\n" not in definition.remediation
    assert set(definition.outcomes) <= set(Outcome)


@pytest.mark.parametrize("criterion_id", list(CRITERIA))
def test_every_criterion_is_documented_with_its_weight(criterion_id: str) -> None:
    page = render_scorecard_docs()
    definition = CRITERIA[criterion_id].definition

    assert f"### `{criterion_id}`: {definition.title}" in page
    assert definition.how in page
    assert f"{criterion_id} = {DEFAULT_WEIGHTS[criterion_id]:g}" in page


def test_a_definition_with_empty_parts_is_reported() -> None:
    definition = CRITERIA["license"].definition
    broken = replace(definition, how=" ", outcomes={Outcome.PASS: "ok"})

    assert missing_definition_parts(broken) == ["how", "outcomes[fail]"]
