"""A real SMTP server on loopback (aiosmtpd) that requires STARTTLS and a login.

Its certificate is issued for 127.0.0.1 by a throwaway CA (trustme) made per test; clients
trust it through `ca_file`. As a real server does, it refuses MAIL before STARTTLS (530),
AUTH before STARTTLS, and a wrong password (535). `fail_next` makes the next messages meet
a transient `451` at DATA, as a greylisting or busy server answers.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "reprotrack"
PASSWORD = "smtp-p4ssw0rd-n0t-for-logs"


@dataclass
class Received:
    """One accepted message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool


@dataclass
class FakeSMTP:
    """The server's address, its CA file, what it received and its fault switch."""

    host: str
    port: int
    ca_file: Path
    received: list[Received] = field(default_factory=list)
    fail_next: int = 0
    logins: list[str] = field(default_factory=list)

    # aiosmtpd handler hooks
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      message, session.ssl is not None))  # type: ignore[arg-type]
        return "250 2.0.0 OK queued"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == PASSWORD.encode())
        if ok:
            self.logins.append(USER)
        return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def fake_smtp(tmp_path: Path) -> Iterator[FakeSMTP]:
    """A started STARTTLS + AUTH SMTP server with a CA of its own, stopped after the test."""
    ca = trustme.CA()
    ca_file = tmp_path / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    fake = FakeSMTP("127.0.0.1", _free_port(), ca_file)
    controller = Controller(fake, hostname=fake.host, port=fake.port, tls_context=context,
                            require_starttls=True, auth_required=True, auth_require_tls=True,
                            authenticator=fake.authenticate)
    controller.start()
    try:
        yield fake
    finally:
        controller.stop()
