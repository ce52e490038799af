"""Links from untrusted text: no request to private addresses, other schemes, or endless drips."""

from __future__ import annotations

import threading
import time

import pytest

from fakes.web import FakeWeb, fake_web  # noqa: F401  (fixture)
from tracker.links import LinkKind, NormalisedLink
from tracker.sources.base import LinkStatus, RequestLedger
from tracker.sources.guard import AddressGuard
from tracker.sources.policy import HttpPolicy, Interrupt, RequestCancelled
from tracker.sources.web import WebSource


def link(url: str) -> NormalisedLink:
    return NormalisedLink(url, LinkKind.WEB, "host", url)


def untrusting_source(**kwargs: object) -> WebSource:
    """A web source as configured by default: the fakes' loopback address is not allowed."""
    options: dict[str, object] = dict(ledger=RequestLedger(), backoff_base=0.01, max_retries=1,
                                      timeout=(2.0, 2.0))
    options.update(kwargs)
    return WebSource(**options)  # type: ignore[arg-type]


def trusting_source(fake: FakeWeb, **kwargs: object) -> WebSource:
    """The fake web server is the configured Zenodo endpoint, so its origin is trusted."""
    return untrusting_source(zenodo_api_url=fake.url + "/api", **kwargs)


def test_a_link_to_127_0_0_1_from_text_is_refused_and_never_sent(fake_web: FakeWeb) -> None:
    observation = untrusting_source().observe(link(fake_web.url + "/project.html"))
    assert observation.status is LinkStatus.ERROR
    assert observation.reason == "refused: 127.0.0.1 is a loopback address"
    assert observation.requests == 0 and fake_web.log == []


@pytest.mark.parametrize(("url", "reason"), [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
    ("http://169.254.10.1/", "169.254.10.1 is a link-local address"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal names"),
    ("http://127.0.0.1:22/", "127.0.0.1 is a loopback address"),
    ("http://localhost/", "localhost names this machine"),
    ("http://127.1/", "127.1 (127.0.0.1) is a loopback address"),
    ("http://2130706433/", "is a loopback address"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://[::ffff:127.0.0.1]/", "is a loopback address"),
    ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
    ("http://10.1.2.3/", "10.1.2.3 is a private address"),
    ("http://172.16.0.9/", "172.16.0.9 is a private address"),
    ("http://192.168.1.1/", "192.168.1.1 is a private address"),
    ("http://[fc00::1]/", "fc00::1 is a private address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
])
def test_private_and_metadata_hosts_are_refused(url: str, reason: str) -> None:
    refusal = AddressGuard().refusal(url)
    assert refusal is not None and refusal.startswith("refused: ") and reason in refusal
    observation = untrusting_source().observe(link(url))
    assert observation.status is LinkStatus.ERROR and observation.requests == 0
    assert reason in (observation.reason or "")


def test_a_public_address_passes_the_guard() -> None:
    assert AddressGuard().refusal("https://93.184.215.14/page") is None


def test_a_redirect_hop_into_a_private_address_is_refused(fake_web: FakeWeb) -> None:
    with FakeWeb() as intranet:
        intranet.add_page("/secret", "<title>secret</title>")
        fake_web.add_redirect("/to-intranet", f"http://127.0.0.1:{intranet.port}/secret", 302)
        fake_web.add_redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/", 302)
        source = trusting_source(fake_web)
        observation = source.observe(link(fake_web.url + "/to-intranet"))
        metadata = source.observe(link(fake_web.url + "/to-metadata"))
        assert intranet.log == []
    assert observation.status is LinkStatus.ERROR
    assert observation.reason == "refused: 127.0.0.1 is a loopback address"
    assert observation.requests == 1  # the first hop only
    assert metadata.status is LinkStatus.ERROR
    assert metadata.reason == "refused: 169.254.169.254 is a cloud metadata address"


def test_allow_private_lets_a_lab_reach_its_intranet(fake_web: FakeWeb) -> None:
    source = untrusting_source(allow_private=["127.0.0.0/8"])
    observation = source.observe(link(fake_web.url + "/project.html"))
    assert observation.status is LinkStatus.OK
    by_name = untrusting_source(allow_private=["127.0.0.1"])
    assert by_name.observe(link(fake_web.url + "/project.html")).status is LinkStatus.OK


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://example.org/x",
                                      "gopher://127.0.0.1:70/", "javascript:alert(1)"])
def test_a_redirect_to_another_scheme_is_the_links_error(fake_web: FakeWeb, location: str) -> None:
    fake_web.add_redirect("/elsewhere", location, 302)
    observation = trusting_source(fake_web).observe(link(fake_web.url + "/elsewhere"))
    assert observation.status is LinkStatus.ERROR
    scheme = location.split(":", 1)[0]
    assert f"the {scheme} scheme is not followed" in (observation.reason or "")


def test_a_link_with_another_scheme_is_an_error_not_an_exception() -> None:
    observation = untrusting_source().observe(link("file:///etc/passwd"))
    assert observation.status is LinkStatus.ERROR
    assert "file scheme is not followed" in (observation.reason or "")


def test_a_slow_drip_page_ends_at_the_deadline(fake_web: FakeWeb) -> None:
    fake_web.add_drip("/drip", "<html><title>drip</title>" + "x" * 100, interval=0.3)
    source = trusting_source(fake_web, policy=HttpPolicy(deadline=1.5))
    started = time.monotonic()
    observation = source.observe(link(fake_web.url + "/drip"))
    elapsed = time.monotonic() - started
    assert observation.status is LinkStatus.ERROR
    assert "within the 1.5s deadline" in (observation.reason or "")
    assert 1.4 <= elapsed < 2.5
    assert observation.requests == 1  # a deadline is the request's whole budget: no retry


def test_a_stop_cuts_a_stalled_request_after_the_grace(fake_web: FakeWeb) -> None:
    fake_web.add_drip("/drip", "<html><title>drip</title>" + "x" * 100, interval=0.3)
    interrupt = Interrupt()
    source = trusting_source(fake_web, interrupt=interrupt, policy=HttpPolicy(stop_grace=1.0))
    threading.Timer(0.5, interrupt.set).start()
    started = time.monotonic()
    with pytest.raises(RequestCancelled):
        source.observe(link(fake_web.url + "/drip"))
    assert 1.4 <= time.monotonic() - started < 2.2


def test_a_request_finishing_within_the_grace_is_kept(fake_web: FakeWeb) -> None:
    interrupt = Interrupt()
    source = trusting_source(fake_web, interrupt=interrupt, policy=HttpPolicy(stop_grace=2.0))
    threading.Timer(0.2, interrupt.set).start()
    observation = source.observe(link(fake_web.url + "/slow"))  # answers after 1 s
    assert observation.status is LinkStatus.OK and observation.facts["title"] == "Slow"


def test_an_interrupt_ends_a_retry_wait_at_once(fake_web: FakeWeb) -> None:
    interrupt = Interrupt()
    source = trusting_source(fake_web, interrupt=interrupt, max_retries=3,
                             max_rate_limit_wait=60.0)
    fake_web.faults.fail_next, fake_web.faults.fail_status = 5, 503
    fake_web.faults.fail_headers = {"Retry-After": "30"}
    threading.Timer(0.3, interrupt.set).start()
    started = time.monotonic()
    with pytest.raises(RequestCancelled):
        source.observe(link(fake_web.url + "/project.html"))
    assert time.monotonic() - started < 1.0
