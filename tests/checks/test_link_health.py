"""link_health: every link reachable at every check of the window."""

from __future__ import annotations

import pytest

from checks.base import Outcome
from checks.link_health import check_link_health
from paper_examples import github, hub, page, paper


def test_always_reachable_links_pass() -> None:
    finding = check_link_health(paper(github(history=("ok", "ok", "ok")),
                                      page("https://lab.github.io/method", history=("ok",))))

    assert finding.outcome is Outcome.PASS
    assert finding.evidence == ["4 of 4 checks of 2 link(s) reachable"]


def test_moved_and_gated_are_reachable() -> None:
    finding = check_link_health(paper(github(status="moved", history=("ok", "moved")),
                                      hub("meta/m", status="gated")))

    assert finding.outcome is Outcome.PASS


def test_some_failures_give_the_share_and_name_the_link() -> None:
    flaky = github(status="ok", history=("ok", "missing", "ok", "ok"))
    finding = check_link_health(paper(flaky, page("https://lab.github.io/method")))

    assert finding.outcome is Outcome.PARTIAL
    assert finding.score == pytest.approx(4 / 5)
    assert "https://github.com/lab/method: 1 of 4 checks failed (missing); latest ok" in \
        finding.evidence


def test_rate_limits_are_left_out_of_the_count() -> None:
    finding = check_link_health(paper(github(history=("ok", "rate_limited", "ok"))))

    assert finding.outcome is Outcome.PASS
    assert finding.evidence == ["2 of 2 checks of 1 link(s) reachable"]


def test_all_dead_fails() -> None:
    finding = check_link_health(paper(github(status="missing", history=("private", "missing")),
                                      page("https://lab.github.io/x", status="error")))

    assert finding.outcome is Outcome.FAIL
    assert finding.score == 0.0


def test_no_links_is_not_applicable_and_only_rate_limits_is_unavailable() -> None:
    assert check_link_health(paper()).outcome is Outcome.NOT_APPLICABLE
    assert check_link_health(paper(github(status="rate_limited"))).outcome is \
        Outcome.UNAVAILABLE
