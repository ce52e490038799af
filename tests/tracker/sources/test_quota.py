"""Quota-aware observation: the services' rate-limit headers decide whether a request is sent."""

from __future__ import annotations

from fakes.github import fake_github  # noqa: F401
from fakes.huggingface import HUB_TOKENS, FakeHub

from tracker.kernel import LinkStatus
from tracker.links import normalise_url
from tracker.sources.base import RequestLedger
from tracker.sources.huggingface import HuggingFaceSource
from tracker.sources.quota import Deferral, QuotaGate


class Clock:
    """A clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_spent_window_is_waited_for_when_near_and_deferred_when_far() -> None:
    clock = Clock()
    gate = QuotaGate(max_wait=60, clock=clock, sleep=clock.sleep)
    assert gate.acquire() is None  # unknown quota: one request goes first
    gate.update(remaining=2, reset_in=30)
    gate.settle()
    assert gate.acquire() is None and gate.acquire() is None
    assert gate.acquire() is None  # the window was spent: waited 30 s for the next one
    assert clock.slept == [30]
    gate.update(remaining=0, reset_in=300)
    assert gate.acquire() == Deferral(300)
    assert clock.slept == [30]  # a far reset is not waited for


def test_requests_in_flight_count_against_the_quota_the_server_reported() -> None:
    clock = Clock()
    gate = QuotaGate(max_wait=0, clock=clock, sleep=clock.sleep)
    gate.acquire()
    gate.update(remaining=3, reset_in=100)
    gate.settle()
    assert [gate.acquire() for _ in range(3)] == [None, None, None]
    gate.update(remaining=2, reset_in=99.5)  # an answer to the first of the three
    assert isinstance(gate.acquire(), Deferral)


def test_the_hub_source_never_sends_a_request_its_quota_refuses() -> None:
    with FakeHub(HUB_TOKENS, rate_limit=3, rate_window=300) as hub:
        for n in range(6):
            hub.add_model(f"org/m{n}")
        source = HuggingFaceSource(endpoint=hub.url, ledger=RequestLedger(), backoff_base=0.01,
                                   max_rate_limit_wait=5.0)
        links = [normalise_url(f"https://huggingface.co/org/m{n}") for n in range(6)]
        looks = [look for _, look in source.observe_many(links)]  # type: ignore[arg-type]

        statuses = [look.status for look in looks]
        assert statuses.count(LinkStatus.OK) == 3
        assert statuses.count(LinkStatus.RATE_LIMITED) == 3
        assert len(hub.info_requests()) == 3  # nothing sent past the quota: no 429
        deferred = [look for look in looks if look.status is LinkStatus.RATE_LIMITED]
        assert all(look.requests == 0 and look.facts["deferred"] for look in deferred)
        assert all("deferred" in (look.reason or "") for look in deferred)


def test_github_sends_nothing_after_an_answer_that_spent_the_window(fake_github) -> None:  # type: ignore[no-untyped-def]
    from fakes.github import FakeGitHub  # noqa: F401  (the fixture's type)

    from tracker.sources.github import GitHubSource

    fake_github.add_repo("lab", "a", tree={"a.py": 1})
    window = fake_github.window()
    window.used, window.reset = window.limit - 1, window.reset + 3600
    source = GitHubSource(endpoint=fake_github.url, ledger=RequestLedger(), backoff_base=0.01,
                          min_request_interval=None, max_rate_limit_wait=5.0)

    observation = source.observe(normalise_url("https://github.com/lab/a"))  # type: ignore[arg-type]

    assert len(fake_github.server.log) == 1  # the next request would have been refused
    assert observation.status is LinkStatus.RATE_LIMITED
