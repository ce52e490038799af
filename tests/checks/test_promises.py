"""promise_unfulfilled: the abstract promises code that is not there."""

from __future__ import annotations

from checks.promises import promise_unfulfilled
from paper_examples import PLACEHOLDER_README, github, paper

PROMISE = "We will release the code and models upon acceptance."


def test_a_promise_with_no_code_link_is_flagged() -> None:
    flagged, evidence = promise_unfulfilled(paper(abstract=PROMISE))

    assert flagged is True
    assert evidence[1] == "no code repository is linked"
    assert "will release" in evidence[0]


def test_a_promise_with_a_placeholder_repository_is_flagged() -> None:
    placeholder = github(paths=("README.md",), readme=PLACEHOLDER_README)

    assert promise_unfulfilled(paper(placeholder, abstract=PROMISE))[0] is True


def test_a_promise_with_a_missing_repository_is_flagged() -> None:
    assert promise_unfulfilled(paper(github(status="missing"), abstract=PROMISE))[0] is True


def test_a_kept_promise_is_not_flagged() -> None:
    flagged, evidence = promise_unfulfilled(paper(github(), abstract=PROMISE))

    assert flagged is False
    assert evidence[-1] == "https://github.com/lab/method: holds code"


def test_a_repository_that_could_not_be_checked_is_not_flagged() -> None:
    assert promise_unfulfilled(paper(github(status="rate_limited"), abstract=PROMISE))[0] is False


def test_no_promise_no_flag_even_without_code() -> None:
    assert promise_unfulfilled(paper(abstract="We study scaling laws.")) == (False, [])


# ---- the README's promises: placeholders and "coming soon", per artefact --------------------

from pathlib import Path  # noqa: E402

from paper_examples import hub, model_files  # noqa: E402

PLACEHOLDERS = (Path(__file__).parents[1] / "fixtures" / "readmes" / "placeholders.md").read_text()


def test_template_placeholders_where_the_model_and_data_links_should_be_are_flagged() -> None:
    repo = github(readme=PLACEHOLDERS)

    flagged, evidence = promise_unfulfilled(paper(repo))

    assert flagged is True
    assert any("placeholder for weights" in line and "<hf_model_link>" not in line
               and "hf_model_link" in line for line in evidence)
    assert any("placeholder for data" in line and "[link](#)" in line for line in evidence)
    assert any("promise for data" in line and "will be released" in line for line in evidence)


def test_a_placeholder_for_weights_is_kept_once_the_weights_are_released() -> None:
    repo = github(readme=PLACEHOLDERS)
    weights = hub("lab/voxtalk-base", files=model_files())

    flagged, evidence = promise_unfulfilled(paper(repo, weights))

    assert not any("for weights" in line for line in evidence)
    assert flagged is True  # the dataset is still only promised
