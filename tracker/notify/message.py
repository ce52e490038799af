"""What a notification says: an audit's "needs attention" changes, as JSON, Slack or e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker.changes import Change

SCHEMA_VERSION = 1
EVENT = "audit.needs_attention"
MAX_LINES = 50  # a chat message or an e-mail lists this many changes, then "and N more"


@dataclass(frozen=True)
class AttentionMessage:
    """The changes of one audit that need attention (severity "bad"), with the audit's facts."""

    audit_id: int
    status: str
    trigger: str
    started_at: datetime | None
    finished_at: datetime | None
    changes: list[Change]

    @property
    def subject(self) -> str:
        """`reprotrack: 3 changes need attention (audit #12)`."""
        count = len(self.changes)
        noun = "change needs" if count == 1 else "changes need"
        return f"reprotrack: {count} {noun} attention (audit #{self.audit_id}, {self.status})"

    def lines(self) -> list[str]:
        """One line a change, `paper: summary`, capped at MAX_LINES."""
        shown = [f"{change.paper_title}: {change.summary}" for change in self.changes[:MAX_LINES]]
        if len(self.changes) > MAX_LINES:
            shown.append(f"... and {len(self.changes) - MAX_LINES} more (see the audit report)")
        return shown


def json_payload(message: AttentionMessage) -> dict[str, Any]:
    """reprotrack's own webhook document: every change, whole."""
    return {
        "schema_version": SCHEMA_VERSION,
        "event": EVENT,
        "audit": {
            "id": message.audit_id,
            "status": message.status,
            "trigger": message.trigger,
            "started_at": message.started_at.isoformat() if message.started_at else None,
            "finished_at": message.finished_at.isoformat() if message.finished_at else None,
        },
        "summary": message.subject,
        "changes": [
            {"paper_id": c.paper_id, "paper_title": c.paper_title, "link_url": c.link_url,
             "kind": str(c.kind), "before": _plain(c.before), "after": _plain(c.after),
             "summary": c.summary, "severity": c.severity}
            for c in message.changes
        ],
    }


def slack_payload(message: AttentionMessage) -> dict[str, Any]:
    """A Slack incoming-webhook message: `text` (the notification's fallback) and one
    mrkdwn section a change list (Slack caps a section's text at 3,000 characters)."""
    bullet_lines = [f"• {_slack_escape(line)}" for line in message.lines()]
    sections: list[str] = []
    for line in bullet_lines:
        if sections and len(sections[-1]) + len(line) + 1 <= 3000:
            sections[-1] += "\n" + line
        else:
            sections.append(line[:3000])
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.subject[:150]}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": text}}
               for text in sections[:45]]  # Slack takes at most 50 blocks
    return {"text": _slack_escape(message.subject), "blocks": blocks}


def email_text(message: AttentionMessage) -> str:
    """The plain-text body of the e-mail."""
    lines = [message.subject, ""]
    lines += [f"- {line}" for line in message.lines()]
    lines += ["", "The audit report (`reprotrack report`) has the details and every scorecard."]
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    """A change's before/after as JSON (tuples as lists; enums and dates as text)."""
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, dict)):
        return value
    return str(value)  # a StrEnum becomes its plain value


def _slack_escape(text: str) -> str:
    """Slack's three control characters, escaped as its docs ask."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
