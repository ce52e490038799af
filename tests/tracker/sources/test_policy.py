"""The HTTP policy as a value, the one retry loop, and the status table."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

import pytest

from tracker.sources.base import LinkStatus, RequestLedger
from tracker.sources.policy import RETRY_STATUSES, HttpPolicy, Interrupt, RequestCancelled
from tracker.sources.retrying import Verdict, retry
from tracker.sources.statuses import link_status


def test_the_transient_statuses_are_retried() -> None:
    assert RETRY_STATUSES == {408, 500, 502, 503, 504}


def test_a_reset_epoch_is_waited_for_with_a_one_second_margin() -> None:
    policy = HttpPolicy()
    assert policy.reset_wait(1000.0, now=999.5) == 1.5
    assert policy.reset_wait(1000.0, now=1005.0) == 1.0  # already past: still the margin
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1000"}
    assert policy.server_wait(headers, now=998.0) == 3.0


def test_what_servers_say_about_waiting() -> None:
    policy = HttpPolicy()
    assert policy.server_wait({"Retry-After": "2"}) == 2.0
    soon = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (policy.server_wait({"retry-after": soon}) or 0) <= 30
    assert policy.server_wait({"RateLimit-Reset": "7"}) == 7.0
    # GitHub sends a reset epoch on every answer: it means a wait only once the limit is spent.
    assert policy.server_wait({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "9"}) is None
    assert policy.server_wait({}) is None


def test_backoff_is_full_jitter_under_the_cap() -> None:
    policy = HttpPolicy(backoff_base=1.0, backoff_cap=3.0)
    assert all(0 <= policy.backoff(attempt) <= 3.0 for attempt in range(10) for _ in range(20))


def test_backoff_doubles_its_ceiling_each_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    monkeypatch.setattr(random, "uniform", lambda low, high: high)  # the ceiling itself
    policy = HttpPolicy(backoff_base=0.5, backoff_cap=100.0)
    assert [policy.backoff(attempt) for attempt in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert HttpPolicy(backoff_base=0.5, backoff_cap=3.0).backoff(10) == 3.0


def test_zero_and_past_waits_are_zero_not_a_second() -> None:
    policy = HttpPolicy()
    assert policy.server_wait({"Retry-After": "0"}) == 0.0
    assert policy.server_wait({"Retry-After": "-3"}) == 0.0
    assert policy.server_wait({"RateLimit-Reset": "0"}) == 0.0
    past = email.utils.format_datetime(datetime(2020, 1, 1, tzinfo=UTC), usegmt=True)
    assert policy.server_wait({"Retry-After": past}) == 0.0


def test_an_http_date_is_read_against_the_given_clock() -> None:
    policy = HttpPolicy()
    then = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
    header = {"Retry-After": email.utils.format_datetime(then, usegmt=True)}
    assert policy.server_wait(header, now=then.timestamp() - 42) == 42.0
    # A date without a zone is read as UTC, as HTTP dates are.
    naive = {"Retry-After": "Tue, 01 Jan 2030 12:00:00"}
    assert policy.server_wait(naive, now=then.timestamp() - 5) == 5.0


def test_a_reset_epoch_alone_means_the_limit_is_spent() -> None:
    # No X-RateLimit-Remaining: the reset is a wait (secondary limits send only the reset).
    policy = HttpPolicy()
    assert policy.server_wait({"X-RateLimit-Reset": "1000"}, now=990.0) == 11.0
    assert policy.server_wait({"Retry-After": "soon"}) is None  # unreadable: no wait said
    # A date past what a datetime holds (in UTC) is no wait either, not a 8,000-year one.
    assert policy.server_wait({"Retry-After": "Fri, 31 Dec 9999 23:59:59 -0100"}) is None


def test_a_switch_follows_the_event_it_is_given() -> None:
    import threading

    interrupt, audit_stop = Interrupt(), threading.Event()
    interrupt.follow(audit_stop)
    audit_stop.set()
    assert interrupt.is_set()
    with pytest.raises(RequestCancelled, match="^stop requested$"):
        interrupt.sleep(5)


def test_spent_retries_return_the_last_answer_marked_exhausted() -> None:
    answers = iter(["first 503", "second 503"])
    verdict = retry(lambda: Verdict.again("HTTP 503", wait=0, value=next(answers)),
                    HttpPolicy(max_retries=1), service="s", ledger=RequestLedger(),
                    label="GET /", sleep=lambda _: None)
    assert (verdict.value, verdict.exhausted, verdict.attempts) == ("second 503", True, 2)


def test_replace_overrides_only_what_is_given() -> None:
    policy = HttpPolicy().replace(timeout=(2, 7), max_retries=None, user_agent="ua")
    assert (policy.connect_timeout, policy.read_timeout, policy.user_agent) == (2.0, 7.0, "ua")
    assert policy.max_retries == HttpPolicy().max_retries


def test_the_retry_loop_counts_attempts_and_records_only_waits_it_made() -> None:
    ledger, slept = RequestLedger(), []
    answers = iter([Verdict.again("HTTP 429", 2.0, rate_limited=True),
                    Verdict.again("HTTP 503"), Verdict.done("ok")])
    verdict = retry(lambda: next(answers), HttpPolicy(backoff_base=0.0), service="s",
                    ledger=ledger, label="GET /", sleep=slept.append)
    assert (verdict.value, verdict.attempts, verdict.exhausted) == ("ok", 3, False)
    assert slept == [2.0, 0.0] and ledger.rate_limit_waits["s"] == 1

    always = retry(lambda: Verdict.again("HTTP 429", 1.0, rate_limited=True),
                   HttpPolicy(max_retries=2), service="s", ledger=ledger, label="GET /",
                   sleep=slept.append)
    assert always.retry and always.exhausted and always.attempts == 3
    assert ledger.rate_limit_waits["s"] == 1 + 2  # no wait after the last attempt


def test_a_stop_ends_the_wait_between_attempts_at_once() -> None:
    interrupt = Interrupt()
    interrupt.set()
    attempts = []

    def attempt() -> Verdict[int]:
        attempts.append(1)
        return Verdict.again("HTTP 503", 30.0)

    with pytest.raises(RequestCancelled):
        retry(attempt, HttpPolicy(), service="s", ledger=RequestLedger(), label="GET /",
              interrupt=interrupt)
    assert attempts == [1]  # the attempt under way finished; no wait, no second attempt


@pytest.mark.parametrize(("code", "service", "status"), [
    (200, "web", LinkStatus.OK),
    (404, "web", LinkStatus.MISSING),
    (410, "osf", LinkStatus.MISSING),
    (401, "web", LinkStatus.PRIVATE),
    (403, "web", LinkStatus.BLOCKED),
    (403, "zenodo", LinkStatus.PRIVATE),
    (403, "osf", LinkStatus.PRIVATE),
    (451, "huggingface", LinkStatus.BLOCKED),
    (401, "huggingface", LinkStatus.MISSING),
    (418, "web", LinkStatus.ERROR),
])
def test_the_status_table(code: int, service: str, status: LinkStatus) -> None:
    assert link_status(code, service)[0] is status


def test_the_settings_make_the_policy() -> None:
    from tracker.config import Settings
    from tracker.sources import http_policy

    settings = Settings()
    settings.http.timeout, settings.http.deadline, settings.http.max_retries = 5.0, 30.0, 1
    policy = http_policy(settings)
    assert (policy.read_timeout, policy.connect_timeout, policy.deadline) == (5.0, 5.0, 30.0)
    assert policy.max_retries == 1
    settings.http.timeout = 90.0
    assert http_policy(settings).deadline == 90.0  # never shorter than one read may take
