"""Send a notification by e-mail (smtplib), over STARTTLS, retried on transient failures."""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tracker.config import NotifySettings
from tracker.notify.webhook import Delivery
from tracker.sources.base import RequestLedger
from tracker.sources.policy import HttpPolicy
from tracker.sources.retrying import Verdict, retry


def build_email(settings: NotifySettings, subject: str, text: str) -> EmailMessage:
    """The message: plain text, from `mail_from` to every `mail_to`."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.mail_from or f"reprotrack@{socket.getfqdn()}"
    message["To"] = ", ".join(settings.mail_to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="reprotrack")
    message.set_content(text)
    return message


def send_email(
    settings: NotifySettings, message: EmailMessage, password: str, policy: HttpPolicy
) -> Delivery:
    """Send `message` through `smtp_host`: STARTTLS first (unless `smtp_starttls` is off),
    then the login when `smtp_user` is set. Retries dropped connections and 4xx replies;
    5xx replies, a refused login and a server without STARTTLS fail at once."""
    if settings.smtp_user and not settings.smtp_starttls:
        return Delivery(False, 0, "a password is never sent without STARTTLS: "
                        "set [notify] smtp_starttls = true")
    context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
    label = f"SMTP {settings.smtp_host}:{settings.smtp_port}"

    def attempt() -> Verdict[str]:
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                              timeout=policy.read_timeout) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls(context=context)
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, password)
                smtp.send_message(message)
        except smtplib.SMTPNotSupportedError:
            return Verdict.done("the server does not offer STARTTLS")
        except smtplib.SMTPAuthenticationError as exc:
            return Verdict.done(f"login refused ({exc.smtp_code})")
        except smtplib.SMTPRecipientsRefused as exc:
            return Verdict.done(f"recipients refused: {', '.join(sorted(exc.recipients))}")
        except smtplib.SMTPResponseException as exc:
            reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            return Verdict.again(reason, value=reason) if 400 <= exc.smtp_code < 500 \
                else Verdict.done(reason)
        except ssl.SSLError as exc:  # a certificate problem does not heal by retrying
            return Verdict.done(f"TLS failed ({exc.reason or type(exc).__name__})")
        except (smtplib.SMTPException, OSError) as exc:
            return Verdict.again(f"connection failed ({type(exc).__name__})")
        return Verdict.done("")

    verdict = retry(attempt, policy, service="email", ledger=RequestLedger(), label=label)
    if verdict.retry:
        return Delivery(False, verdict.attempts,
                        f"{label}: {verdict.reason} after {verdict.attempts} attempts")
    if verdict.value:
        return Delivery(False, verdict.attempts, f"{label}: {verdict.value}")
    return Delivery(True, verdict.attempts)


def _text(error: bytes | str) -> str:
    return (error.decode("utf-8", "replace") if isinstance(error, bytes) else error)[:200]
