"""PoliteSession against a loopback server: retries, rate limits, spacing, timeouts, counting."""

from __future__ import annotations

import email.utils
import http.server
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fakes.web import FakeWeb, fake_web  # noqa: F401  (fixture)
from tracker.sources.base import RequestLedger
from tracker.sources.http import PoliteSession, RateLimited, ServiceError


class RecordedSleep:
    """A `sleep` that records what it was asked and sleeps at most `cap` seconds."""

    def __init__(self, cap: float = 0.0) -> None:
        self.calls: list[float] = []
        self.cap = cap

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        time.sleep(min(seconds, self.cap))


def polite(ledger: RequestLedger | None = None, **kwargs: object) -> PoliteSession:
    options: dict[str, object] = dict(ledger=ledger or RequestLedger(), max_retries=3,
                                      backoff_base=0.01, max_rate_limit_wait=5.0,
                                      timeout=(2.0, 2.0))
    options.update(kwargs)
    return PoliteSession("web", **options)  # type: ignore[arg-type]


def test_backs_off_on_502_and_503_then_succeeds(fake_web: FakeWeb) -> None:
    sleep = RecordedSleep(cap=0.05)
    session = polite(sleep=sleep, backoff_cap=0.02)
    fake_web.faults.fail_next, fake_web.faults.fail_status = 1, 502
    first = session.get(fake_web.url + "/project.html")
    fake_web.faults.fail_next, fake_web.faults.fail_status = 2, 503
    second = session.get(fake_web.url + "/project.html")
    assert first.status_code == 200 and second.status_code == 200
    assert len(fake_web.requests_to("/project.html")) == 2 + 3
    # Full jitter: each delay lies in [0, min(cap, base * 2**attempt)].
    assert len(sleep.calls) == 3
    assert all(0 <= s <= 0.02 for s in sleep.calls)
    assert session.ledger.total("web") == 5


def test_gives_up_into_service_error_after_the_retries(fake_web: FakeWeb) -> None:
    session = polite(max_retries=2)
    fake_web.faults.fail_next, fake_web.faults.fail_status = 10, 503
    with pytest.raises(ServiceError, match="HTTP 503 after 3 attempts"):
        session.get(fake_web.url + "/project.html")
    assert len(fake_web.log) == 3
    assert session.ledger.total("web") == 3


def test_a_dropped_connection_is_retried(fake_web: FakeWeb) -> None:
    session = polite()
    fake_web.faults.drop_next = 1
    response = session.get(fake_web.url + "/project.html")
    assert response.status_code == 200
    assert session.ledger.total("web") == 2


def test_connection_refused_becomes_service_error_with_reason() -> None:
    with FakeWeb() as server:
        dead_url = server.url + "/x"
    session = polite(max_retries=1)
    with pytest.raises(ServiceError, match="connection failed") as caught:
        session.get(dead_url)
    assert "after 2 attempts" in caught.value.reason
    assert session.ledger.total("web") == 2


def test_retry_after_seconds_short_waits_and_is_recorded(fake_web: FakeWeb) -> None:
    sleep = RecordedSleep()
    session = polite(sleep=sleep)
    fake_web.faults.fail_next, fake_web.faults.fail_status = 1, 429
    fake_web.faults.fail_headers = {"Retry-After": "2"}
    assert session.get(fake_web.url + "/project.html").status_code == 200
    assert sleep.calls == [2.0]
    assert session.ledger.rate_limit_waits["web"] == 1
    assert session.ledger.rate_limit_wait_seconds["web"] == 2.0
    assert session.ledger.total("web") == 2


def test_retry_after_http_date_short_waits(fake_web: FakeWeb) -> None:
    sleep = RecordedSleep()
    session = polite(sleep=sleep)
    soon = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    fake_web.faults.fail_next, fake_web.faults.fail_status = 1, 429
    fake_web.faults.fail_headers = {"Retry-After": soon}
    assert session.get(fake_web.url + "/project.html").status_code == 200
    assert len(sleep.calls) == 1 and 1.0 <= sleep.calls[0] <= 3.0
    assert session.ledger.rate_limit_waits["web"] == 1


@pytest.mark.parametrize("retry_after", ["3600", "HTTP-DATE"])
def test_long_retry_after_raises_rate_limited_at_once(fake_web: FakeWeb, retry_after: str) -> None:
    if retry_after == "HTTP-DATE":
        later = datetime.now(UTC) + timedelta(hours=1)
        retry_after = email.utils.format_datetime(later, usegmt=True)
    sleep = RecordedSleep()
    session = polite(sleep=sleep)
    fake_web.faults.fail_next, fake_web.faults.fail_status = 5, 429
    fake_web.faults.fail_headers = {"Retry-After": retry_after}
    with pytest.raises(RateLimited) as caught:
        session.get(fake_web.url + "/project.html")
    assert caught.value.service == "web"
    assert caught.value.retry_after_seconds is not None
    assert caught.value.retry_after_seconds > 3000
    assert sleep.calls == []
    assert session.ledger.total("web") == 1
    assert session.ledger.rate_limit_waits["web"] == 0


def test_x_ratelimit_reset_epoch_is_honoured(fake_web: FakeWeb) -> None:
    sleep = RecordedSleep()
    session = polite(sleep=sleep)
    before = time.time()
    reset = int(before) + 3
    fake_web.faults.fail_next, fake_web.faults.fail_status = 1, 403
    fake_web.faults.fail_headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    assert session.get(fake_web.url + "/project.html").status_code == 200
    # The reset epoch has whole-second resolution: one second of margin is added.
    assert len(sleep.calls) == 1 and reset - before + 0.9 <= sleep.calls[0] <= reset - before + 1
    assert session.ledger.rate_limit_waits["web"] == 1


def test_x_ratelimit_reset_far_away_raises(fake_web: FakeWeb) -> None:
    session = polite(sleep=RecordedSleep())
    fake_web.faults.fail_next, fake_web.faults.fail_status = 1, 403
    reset = str(int(time.time()) + 1800)
    fake_web.faults.fail_headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    with pytest.raises(RateLimited):
        session.get(fake_web.url + "/project.html")


def test_ratelimit_reset_delta_is_honoured(fake_web: FakeWeb) -> None:
    sleep = RecordedSleep()
    session = polite(sleep=sleep)
    fake_web.faults.fail_next, fake_web.faults.fail_status = 1, 429
    fake_web.faults.fail_headers = {"RateLimit-Reset": "4"}
    assert session.get(fake_web.url + "/project.html").status_code == 200
    assert sleep.calls == [4.0]


def test_a_plain_403_is_returned_not_treated_as_a_rate_limit(fake_web: FakeWeb) -> None:
    session = polite()
    assert session.get(fake_web.url + "/forbidden").status_code == 403
    assert session.ledger.total("web") == 1


def test_min_interval_spaces_requests_across_threads(fake_web: FakeWeb) -> None:
    session = polite(min_interval=0.15)
    threads = [
        threading.Thread(target=session.get, args=(fake_web.url + "/docs/data.html",))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(t for t, path in fake_web.arrivals if path == "/docs/data.html")
    assert len(times) == 4
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.15 - 0.03  # tolerance for scheduling jitter; no upper bound


def test_malformed_json_is_retried_then_a_service_error(fake_web: FakeWeb) -> None:
    session = polite(max_retries=2)
    fake_web.faults.malformed_next = 10
    expected = r"malformed JSON from http://127\.0\.0\.1:\d+/api/records/1234.* after 3 attempts"
    with pytest.raises(ServiceError, match=expected):
        session.get_json(fake_web.url + "/api/records/1234")
    assert session.ledger.total("web") == 3


def test_a_body_cut_short_once_is_retried_like_a_5xx(fake_web: FakeWeb) -> None:
    session = polite()
    fake_web.faults.malformed_next = 1
    status, data, _ = session.get_json(fake_web.url + "/api/records/1234")
    assert status == 200 and data["id"] == 1234
    assert session.ledger.total("web") == 2


def test_408_is_retried(fake_web: FakeWeb) -> None:
    session = polite(sleep=RecordedSleep())
    fake_web.faults.fail_next, fake_web.faults.fail_status = 1, 408
    assert session.get(fake_web.url + "/project.html").status_code == 200
    assert session.ledger.total("web") == 2


def test_get_json_conditional_request_counts_304(fake_web: FakeWeb) -> None:
    session = polite()
    status, data, etag = session.get_json(fake_web.url + "/api/records/1234")
    assert status == 200 and data["id"] == 1234 and etag
    again = session.get_json(fake_web.url + "/api/records/1234", etag=etag)
    assert again == (304, None, etag)
    assert fake_web.log[-1].header("If-None-Match") == etag
    assert session.ledger.total("web") == 2
    assert session.ledger.not_modified["web"] == 1


def test_get_json_error_status_returns_the_body(fake_web: FakeWeb) -> None:
    status, data, _ = polite().get_json(fake_web.url + "/api/records/999")
    assert status == 404 and data["message"].startswith("The persistent identifier")


def test_a_timeout_is_retried_then_becomes_service_error(fake_web: FakeWeb) -> None:
    session = polite(timeout=(1.0, 0.1), max_retries=1)
    fake_web.faults.latency = 0.4
    with pytest.raises(ServiceError, match="timed out after 2 attempts"):
        session.get(fake_web.url + "/project.html")
    assert session.ledger.total("web") == 2


def test_every_request_is_counted_with_user_agent_and_no_auth(fake_web: FakeWeb) -> None:
    ledger = RequestLedger()
    session = polite(ledger, user_agent="reprotrack-test/1")
    fake_web.faults.fail_next, fake_web.faults.fail_status = 1, 500
    session.get(fake_web.url + "/project.html")
    session.get(fake_web.url + "/paper.pdf")
    assert ledger.total("web") == len(fake_web.log) == 3
    assert {r.header("User-Agent") for r in fake_web.log} == {"reprotrack-test/1"}
    assert all(r.header("Authorization") is None for r in fake_web.log)


def test_redirects_are_not_followed_unless_asked(fake_web: FakeWeb) -> None:
    session = polite()
    response = session.get(fake_web.url + "/old-home")
    assert response.status_code == 301 and response.headers["Location"] == "/project.html"


def test_http_proxy_variable_is_honoured(
    fake_web: FakeWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", fake_web.url)
    monkeypatch.setenv("http_proxy", fake_web.url)
    response = polite(max_retries=0).get("http://paper-site.invalid/project.html")
    assert response.status_code == 200
    assert fake_web.log[-1].header("Host") == "paper-site.invalid"


# -- CA bundles ---------------------------------------------------------------
@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate; yields (url, cert path)."""
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "reprotrack test CA")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/", cert_path
    server.shutdown()
    server.server_close()


def test_ssl_cert_file_is_used_when_requests_ca_bundle_is_unset(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert_path = tls_server
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(ServiceError, match="TLS failed"):
        polite(max_retries=0).get(url)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    session = polite(max_retries=0)
    assert session.verify == str(cert_path)
    assert session.get(url).text == "ok"


def test_requests_ca_bundle_wins_over_ssl_cert_file(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url, cert_path = tls_server
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_path))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "unrelated.pem"))
    session = polite(max_retries=0)
    assert session.verify is True  # requests reads REQUESTS_CA_BUNDLE itself (trust_env)
    assert session.get(url).text == "ok"


def test_a_host_that_cannot_be_reached_three_times_is_left_alone() -> None:
    with FakeWeb() as server:
        dead_url = server.url + "/x"
    with FakeWeb() as alive:
        alive.add_page("/ok", "<title>fine</title>")
        session = polite(max_retries=1)
        for _ in range(3):
            with pytest.raises(ServiceError, match="connection failed"):
                session.get(dead_url)
        spent = session.ledger.total("web")

        with pytest.raises(ServiceError, match="could not be reached 3 times in a row"):
            session.get(dead_url + "?page=2")
        assert session.ledger.total("web") == spent == 6  # refused without a request
        assert session.get(alive.url + "/ok").status_code == 200  # other hosts still asked


def test_one_answer_closes_the_breaker_again(fake_web: FakeWeb) -> None:
    fake_web.add_page("/ok", "<title>fine</title>")
    session = polite(max_retries=0)
    for _ in range(2):
        fake_web.faults.drop_next = 1
        with pytest.raises(ServiceError):
            session.get(fake_web.url + "/ok")
    assert session.get(fake_web.url + "/ok").status_code == 200
    fake_web.faults.drop_next = 1
    with pytest.raises(ServiceError, match="connection"):  # two failures, then one: not three
        session.get(fake_web.url + "/ok")
    assert session.get(fake_web.url + "/ok").status_code == 200


def test_spacing_is_per_host(fake_web: FakeWeb) -> None:
    session = polite(min_interval=0.5)
    other = fake_web.url.replace("127.0.0.1", "localhost")
    started = time.monotonic()
    session.get(fake_web.url + "/docs/data.html")
    session.get(other + "/docs/data.html")  # another host: no wait for the first one's slot
    assert time.monotonic() - started < 0.4
    session.get(fake_web.url + "/docs/data.html")  # the same host again: spaced
    assert time.monotonic() - started >= 0.45
