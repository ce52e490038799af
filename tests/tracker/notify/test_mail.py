"""E-mail through a real SMTP server on loopback: STARTTLS, login, retries, refusals."""

from __future__ import annotations

from fakes.smtp import PASSWORD, USER, FakeSMTP, fake_smtp  # noqa: F401

from tracker.config import NotifySettings
from tracker.notify.mail import build_email, send_email
from tracker.sources.policy import HttpPolicy

FAST = HttpPolicy(connect_timeout=5, read_timeout=5, max_retries=3, backoff_base=0.01)


def settings_for(smtp: FakeSMTP, **changes: object) -> NotifySettings:
    settings = NotifySettings(smtp_host=smtp.host, smtp_port=smtp.port, smtp_user=USER,
                              smtp_ca_file=str(smtp.ca_file), mail_from="audits@lab.example",
                              mail_to=["chair@lab.example", "lead@lab.example"])
    for key, value in changes.items():
        setattr(settings, key, value)
    return settings


def test_a_message_is_sent_over_starttls_after_logging_in(fake_smtp: FakeSMTP) -> None:
    settings = settings_for(fake_smtp)
    message = build_email(settings, "reprotrack: 1 change needs attention", "- a line\n")

    delivery = send_email(settings, message, PASSWORD, FAST)

    assert (delivery.ok, delivery.attempts, delivery.error) == (True, 1, None)
    [received] = fake_smtp.received
    assert received.tls and fake_smtp.logins == [USER]
    assert received.rcpt_tos == ["chair@lab.example", "lead@lab.example"]
    assert received.message["Subject"] == "reprotrack: 1 change needs attention"
    assert received.message.get_content().splitlines() == ["- a line"]  # CRLF on the wire


def test_a_busy_server_is_retried_until_it_takes_the_message(fake_smtp: FakeSMTP) -> None:
    fake_smtp.fail_next = 2
    settings = settings_for(fake_smtp)

    delivery = send_email(settings, build_email(settings, "s", "t"), PASSWORD, FAST)

    assert (delivery.ok, delivery.attempts) == (True, 3)
    assert len(fake_smtp.received) == 1


def test_a_wrong_password_fails_at_once_without_showing_it(fake_smtp: FakeSMTP) -> None:
    settings = settings_for(fake_smtp)
    delivery = send_email(settings, build_email(settings, "s", "t"), "wrong-" + PASSWORD, FAST)
    assert (delivery.ok, delivery.attempts) == (False, 1)
    assert delivery.error == f"SMTP {fake_smtp.host}:{fake_smtp.port}: login refused (535)"
    assert not fake_smtp.received


def test_a_password_is_never_sent_without_starttls(fake_smtp: FakeSMTP) -> None:
    settings = settings_for(fake_smtp, smtp_starttls=False)
    delivery = send_email(settings, build_email(settings, "s", "t"), PASSWORD, FAST)
    assert not delivery.ok and delivery.attempts == 0
    assert "smtp_starttls" in (delivery.error or "")


def test_a_certificate_not_signed_by_a_trusted_ca_fails_without_retrying(
    fake_smtp: FakeSMTP,
) -> None:
    settings = settings_for(fake_smtp, smtp_ca_file="")  # the system CAs do not know it
    delivery = send_email(settings, build_email(settings, "s", "t"), PASSWORD, FAST)
    assert (delivery.ok, delivery.attempts) == (False, 1)
    assert "TLS failed" in (delivery.error or "") and not fake_smtp.received
