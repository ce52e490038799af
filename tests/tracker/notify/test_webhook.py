"""Posting to a webhook: retried like every request, failing cleanly, never showing its URL."""

from __future__ import annotations

from datetime import UTC, datetime

from fakes.webhook import FakeWebhookReceiver, webhook_receiver  # noqa: F401

from tracker.changes import Change, ChangeKind
from tracker.notify.message import AttentionMessage, json_payload, slack_payload
from tracker.notify.webhook import post_json, public_part
from tracker.sources.policy import HttpPolicy

FAST = HttpPolicy(connect_timeout=2, read_timeout=2, max_retries=3, backoff_base=0.01)


def message(count: int = 2) -> AttentionMessage:
    changes = [Change(n, f"Paper {n}", f"https://github.com/lab/repo-{n}", ChangeKind.REPO_DELETED,
                      "ok", "missing", f"https://github.com/lab/repo-{n} was deleted (not found)",
                      "bad") for n in range(count)]
    now = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    return AttentionMessage(7, "completed", "schedule", now, now, changes)


def test_a_receiver_that_fails_twice_gets_the_document_on_the_third_attempt(
    webhook_receiver: FakeWebhookReceiver,
) -> None:
    webhook_receiver.faults.fail_next, webhook_receiver.faults.fail_status = 2, 503

    delivery = post_json(webhook_receiver.json_url, json_payload(message()), FAST)

    assert (delivery.ok, delivery.attempts, delivery.error) == (True, 3, None)
    [document] = webhook_receiver.received
    assert document["event"] == "audit.needs_attention" and document["schema_version"] == 1
    assert document["audit"]["id"] == 7 and len(document["changes"]) == 2
    assert document["changes"][0]["kind"] == "repo_deleted"
    assert document["changes"][0]["after"] == "missing"


def test_a_receiver_that_always_fails_is_given_up_after_the_retries_without_its_url_shown(
    webhook_receiver: FakeWebhookReceiver,
) -> None:
    webhook_receiver.always_fail = True

    delivery = post_json(webhook_receiver.slack_url, slack_payload(message()), FAST)

    assert not delivery.ok and delivery.attempts == 4  # 1 + max_retries
    assert delivery.error == (f"POST {public_part(webhook_receiver.url)}: HTTP 500 after "
                              "4 attempts")
    assert "s3cr3t" not in delivery.error and "/services/" not in delivery.error
    assert len(webhook_receiver.log) == 4


def test_a_refusal_is_not_retried_and_says_what_the_receiver_said(
    webhook_receiver: FakeWebhookReceiver,
) -> None:
    delivery = post_json(webhook_receiver.url + "/services/T0001/B0002/revoked",
                         slack_payload(message()), FAST)
    assert (delivery.ok, delivery.attempts) == (False, 1)
    assert delivery.error is not None and delivery.error.endswith("HTTP 404 no_service")
    assert "revoked" not in delivery.error


def test_the_slack_payload_is_what_a_slack_incoming_webhook_accepts(
    webhook_receiver: FakeWebhookReceiver,
) -> None:
    delivery = post_json(webhook_receiver.slack_url, slack_payload(message(80)), FAST)

    assert delivery.ok
    [payload] = webhook_receiver.received
    assert payload["text"] == "reprotrack: 80 changes need attention (audit #7, completed)"
    sections = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    assert all(len(text) <= 3000 for text in sections)
    text = "\n".join(sections)
    assert "• Paper 0: https://github.com/lab/repo-0 was deleted" in text
    assert text.endswith("... and 30 more (see the audit report)")


def test_slack_control_characters_are_escaped() -> None:
    changes = [Change(1, "A <b> & C", None, ChangeKind.GRADE_CHANGED, "A", "C",
                      "Grade fell from A to C", "bad")]
    payload = slack_payload(AttentionMessage(1, "completed", "cli", None, None, changes))
    assert "A &lt;b&gt; &amp; C: Grade fell" in payload["blocks"][1]["text"]["text"]
