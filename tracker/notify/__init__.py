"""Notifications: after an audit, its "needs attention" changes go to a webhook and by e-mail.

Configured in `[notify]`; secrets (the webhook URL, the SMTP password) come from the
environment variables it names. Each channel is tried under the retry policy; whatever
happens is logged and recorded (`Notification` rows), and nothing here ever raises into the
audit that triggered it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from reports.publish import default_audit_id
from tracker.changes import StarsThreshold, detect_changes
from tracker.config import NotifySettings, Settings
from tracker.errors import InputError
from tracker.notify.mail import build_email, send_email
from tracker.notify.message import AttentionMessage, email_text, json_payload, slack_payload
from tracker.notify.webhook import Delivery, post_json, public_part
from tracker.sources.policy import HttpPolicy
from tracker.store.engine import transaction
from tracker.store.models import Audit, Notification

log = logging.getLogger("reprotrack.notify")


@dataclass(frozen=True)
class NotificationOutcome:
    """One channel's result: `sent` or `failed`, with the error (never a secret)."""

    channel: str  # webhook | email
    target: str  # the webhook's scheme and host, or the recipients
    status: str  # sent | failed
    attempts: int
    changes: int
    error: str | None = None


def attention_message(session: Session, audit_id: int, settings: Settings) -> AttentionMessage:
    """The audit's changes since the previous completed audit that need attention."""
    audit = session.get(Audit, audit_id)
    if audit is None:
        raise InputError(f"no audit #{audit_id}", key="--audit")
    stars = StarsThreshold(settings.reports.stars_change_threshold,
                           settings.reports.stars_change_minimum)
    changes = [c for c in detect_changes(session, audit_id, stars=stars) if c.severity == "bad"]
    return AttentionMessage(audit_id, audit.status, audit.trigger, audit.started_at,
                            audit.finished_at, changes)


def notify_audit(
    engine: Engine,
    settings: Settings,
    audit_id: int | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> list[NotificationOutcome]:
    """Send audit `audit_id`'s "needs attention" changes (default audit: the latest
    completed one) to every configured channel; nothing is sent when there are none.

    Never raises: a channel that fails (after its retries), or a failure to read the
    changes, is logged as a warning and, where an audit is known, recorded."""
    notify = settings.notify
    env = os.environ if env is None else env
    webhook_url = env.get(notify.webhook_url_env, "") if notify.webhook_url_env else ""
    if not webhook_url and not notify.smtp_host:
        return []
    try:
        with Session(engine) as session:
            chosen = audit_id if audit_id is not None else default_audit_id(session)
            message = attention_message(session, chosen, settings)
    except Exception as exc:  # noqa: BLE001  a notification must never fail the audit
        log.warning("notification skipped: the audit's changes could not be read (%s)", exc)
        return []
    if not message.changes:
        log.info("audit #%s: no change needs attention, nothing sent", message.audit_id)
        return []
    policy = HttpPolicy(connect_timeout=notify.timeout, read_timeout=notify.timeout,
                        max_retries=notify.max_retries, backoff_base=notify.backoff_base,
                        user_agent=settings.http.user_agent)
    outcomes: list[NotificationOutcome] = []
    if webhook_url:
        payload = slack_payload(message) if notify.webhook_format == "slack" \
            else json_payload(message)
        outcomes.append(_outcome("webhook", public_part(webhook_url), message,
                                 lambda: post_json(webhook_url, payload, policy),
                                 secrets=[webhook_url]))
    if notify.smtp_host:
        password = env.get(notify.smtp_password_env, "") if notify.smtp_password_env else ""
        outcomes.append(_outcome("email", ", ".join(notify.mail_to), message,
                                 lambda: _mail(notify, message, password, policy),
                                 secrets=[password]))
    _record(engine, message.audit_id, outcomes)
    return outcomes


def _mail(notify: NotifySettings, message: AttentionMessage, password: str,
          policy: HttpPolicy) -> Delivery:
    if not notify.mail_to:
        return Delivery(False, 0, "no recipient: set [notify] mail_to")
    return send_email(notify, build_email(notify, message.subject, email_text(message)),
                      password, policy)


def _outcome(channel: str, target: str, message: AttentionMessage,
             send: Callable[[], Delivery], *, secrets: list[str]) -> NotificationOutcome:
    """Run one channel's send, turning any failure into a recorded outcome."""
    try:
        delivery = send()
    except Exception as exc:  # noqa: BLE001  whatever breaks, the audit stands
        delivery = Delivery(False, 1, f"{type(exc).__name__}: {exc}")
    error = _redact(delivery.error, secrets)
    outcome = NotificationOutcome(channel, target, "sent" if delivery.ok else "failed",
                                  delivery.attempts, len(message.changes), error)
    if delivery.ok:
        log.info("audit #%s: %d change(s) sent by %s to %s", message.audit_id,
                 len(message.changes), channel, target)
    else:
        log.warning("audit #%s: the %s notification failed: %s", message.audit_id, channel,
                    error)
    return outcome


def _redact(text: str | None, secrets: list[str]) -> str | None:
    """`text` with every secret replaced by ***: belt and braces over the senders' care."""
    if text is None:
        return None
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _record(engine: Engine, audit_id: int, outcomes: list[NotificationOutcome]) -> None:
    try:
        with transaction(engine) as session:
            for o in outcomes:
                session.add(Notification(audit_id=audit_id, channel=o.channel, target=o.target,
                                         status=o.status, attempts=o.attempts,
                                         changes=o.changes, error=o.error))
    except Exception as exc:  # noqa: BLE001  the store failing here must not fail the audit
        log.warning("audit #%s: notifications could not be recorded (%s)", audit_id, exc)
