"""After a scheduled audit, the changes that need attention reach the webhook and the mail
server; a channel that fails is logged and recorded, and the audit still succeeds."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from fakes.smtp import PASSWORD, USER, FakeSMTP, fake_smtp  # noqa: F401
from fakes.webhook import FakeWebhookReceiver, webhook_receiver  # noqa: F401
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.store.engine import open_store
from tracker.store.models import Audit, Notification

FAST = ("[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\nmax_retries = 1\n"
        "timeout = 5\n")


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub: FakeHub, notify: str) -> Path:
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    for name in ("GITHUB_API_URL", "OSF_API_URL", "ARXIV_API_URL"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/unreachable")
    for name in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG", "REPROTRACK_DATABASE_URL",
                 "REPROTRACK_WEBHOOK_URL", "REPROTRACK_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    for n in range(3):
        hub.add_model(f"org/model-{n}", files={"model.safetensors": 5_000_000}, license="mit")
    (tmp_path / "papers.jsonl").write_text("".join(
        json.dumps({"title": f"Paper {n}", "url": f"https://huggingface.co/org/model-{n}"}) + "\n"
        for n in range(3)))
    config = tmp_path / "reprotrack.toml"
    config.write_text(FAST + f'[reports]\ndir = "{tmp_path / "out"}"\n[notify]\n{notify}')
    return config


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def notifications(db_url: str) -> list[Notification]:
    with Session(open_store(db_url)) as session:
        return list(session.exec(select(Notification).order_by(col(Notification.id))))


def test_a_scheduled_audit_sends_what_needs_attention_by_webhook_and_mail(
    db_url: str, fake_hub: FakeHub, webhook_receiver: FakeWebhookReceiver, fake_smtp: FakeSMTP,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(tmp_path, monkeypatch, fake_hub, (
        f'smtp_host = "{fake_smtp.host}"\nsmtp_port = {fake_smtp.port}\nsmtp_user = "{USER}"\n'
        f'smtp_ca_file = "{fake_smtp.ca_file}"\nmail_to = ["chair@lab.example"]\n'
        'mail_from = "reprotrack@lab.example"\nbackoff_base = 0.01\n'))
    monkeypatch.setenv("REPROTRACK_WEBHOOK_URL", webhook_receiver.json_url)
    monkeypatch.setenv("REPROTRACK_SMTP_PASSWORD", PASSWORD)
    assert run("--db", db_url, "import", "papers.jsonl").exit_code == 0

    first = run("--db", db_url, "schedule", "--once")
    assert first.exit_code == 0, first.output
    assert not webhook_receiver.received and not fake_smtp.received  # nothing to compare yet

    fake_hub.remove("org/model-1")
    webhook_receiver.faults.fail_next = 2  # the receiver fails twice, then takes it
    second = run("--db", db_url, "schedule", "--once")

    assert second.exit_code == 0, second.output
    [document] = webhook_receiver.received
    assert document["audit"]["trigger"] == "schedule"
    summaries = [change["summary"] for change in document["changes"]]
    assert "https://huggingface.co/org/model-1 was deleted (not found)" in summaries
    assert {change["severity"] for change in document["changes"]} == {"bad"}
    [mail] = fake_smtp.received
    assert mail.tls and "org/model-1 was deleted" in mail.message.get_content()
    assert mail.message["Subject"].startswith("reprotrack: ")
    rows = notifications(db_url)
    assert [(r.channel, r.status, r.attempts) for r in rows] == [("webhook", "sent", 3),
                                                                ("email", "sent", 1)]
    assert rows[0].target == webhook_receiver.url  # scheme and host: never the token


def test_a_receiver_that_always_fails_leaves_the_audit_successful_and_the_failure_recorded(
    sqlite_url: str, fake_hub: FakeHub, webhook_receiver: FakeWebhookReceiver, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    configure(tmp_path, monkeypatch, fake_hub,
              'webhook_format = "slack"\nmax_retries = 2\nbackoff_base = 0.01\n')
    monkeypatch.setenv("REPROTRACK_WEBHOOK_URL", webhook_receiver.slack_url)
    run("--db", sqlite_url, "import", "papers.jsonl")
    assert run("--db", sqlite_url, "schedule", "--once").exit_code == 0
    fake_hub.remove("org/model-2")
    webhook_receiver.always_fail = True

    with caplog.at_level(logging.INFO):
        result = run("--db", sqlite_url, "schedule", "--once")

    assert result.exit_code == 0, result.output
    with Session(open_store(sqlite_url)) as session:
        latest = session.exec(select(Audit).order_by(col(Audit.id).desc())).first()
    assert latest is not None and latest.status == "completed"
    [row] = notifications(sqlite_url)
    assert (row.channel, row.status, row.attempts) == ("webhook", "failed", 3)
    assert row.changes >= 1  # the deletion, and what it did to the paper's score
    assert row.error == f"POST {webhook_receiver.url}: HTTP 500 after 3 attempts"
    assert "the webhook notification failed" in caplog.text
    secret = webhook_receiver.slack_url.rsplit("/", 1)[1]
    for text in (result.stdout, result.stderr, caplog.text, row.error, row.target):
        assert secret not in text and "/services/" not in text


def test_reprotrack_audit_notifies_only_when_the_config_asks(
    sqlite_url: str, fake_hub: FakeHub, webhook_receiver: FakeWebhookReceiver, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = configure(tmp_path, monkeypatch, fake_hub, "backoff_base = 0.01\n")
    monkeypatch.setenv("REPROTRACK_WEBHOOK_URL", webhook_receiver.json_url)
    run("--db", sqlite_url, "import", "papers.jsonl")
    assert run("--db", sqlite_url, "audit").exit_code == 0
    fake_hub.remove("org/model-0")
    assert run("--db", sqlite_url, "audit").exit_code == 0
    assert webhook_receiver.received == []  # by default only scheduled audits notify

    config.write_text(config.read_text() + "on_every_audit = true\n")
    fake_hub.remove("org/model-1")
    assert run("--db", sqlite_url, "audit").exit_code == 0
    [document] = webhook_receiver.received
    assert {c["link_url"] for c in document["changes"]} - {None} == {
        "https://huggingface.co/org/model-1"}
