"""Choosing the code repository the code criteria judge."""

from __future__ import annotations

from checks.common import best_code_repo, placeholder_reason
from paper_examples import PLACEHOLDER_README, github, hub, model_files, paper


def test_no_code_link_means_no_best_repository() -> None:
    assert best_code_repo(paper(hub("lab/m", files=model_files()))) is None


def test_a_reachable_repository_beats_a_missing_one_listed_first() -> None:
    gone = github("https://github.com/lab/old", status="missing")
    alive = github("https://github.com/lab/new")

    assert best_code_repo(paper(gone, alive)) is alive


def test_an_unchecked_repository_ranks_above_a_gone_one() -> None:
    gone = github("https://github.com/lab/old", status="private")
    unknown = github("https://github.com/lab/new", status="rate_limited")

    assert best_code_repo(paper(gone, unknown)) is unknown


def test_completeness_beats_stars() -> None:
    popular_page = github("https://github.com/lab/lab.github.io",
                          paths=("README.md", "index.html"), readme=PLACEHOLDER_README,
                          stars=5_000)
    real_code = github(stars=3)

    assert best_code_repo(paper(popular_page, real_code)) is real_code


def test_stars_break_a_tie_then_the_first_linked_wins() -> None:
    fork = github("https://github.com/someone/method", stars=2)
    upstream = github("https://github.com/lab/method", stars=300)
    twin = github("https://github.com/lab/method-copy", stars=300)

    assert best_code_repo(paper(fork, upstream, twin)) is upstream


def test_placeholder_reasons() -> None:
    assert placeholder_reason(github(empty=True)) == "empty repository (no commits)"
    assert placeholder_reason(github(paths=("README.md",), readme=PLACEHOLDER_README))
    assert placeholder_reason(github()) is None
    # No tree recorded: the README's wording decides.
    assert placeholder_reason(github(paths=None, readme=PLACEHOLDER_README))
    assert placeholder_reason(github(paths=None)) is None
