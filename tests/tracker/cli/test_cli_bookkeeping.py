"""Honest bookkeeping: `check` of an untracked paper tracks nothing unless --track; an absent
link cannot be removed; a scheduled run with nothing due records nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session, select
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.config import Settings
from tracker.scheduling import run_once
from tracker.store.engine import open_store
from tracker.store.models import Audit

CONFIG = "[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\nmax_retries = 0\n"


@pytest.fixture
def hub(fake_hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG", "REPROTRACK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    (tmp_path / "reprotrack.toml").write_text(CONFIG)
    fake_hub.add_model("org/model", files={"model.safetensors": 5_000_000}, license="mit")
    return fake_hub


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_check_of_an_untracked_paper_leaves_the_tracked_set_alone(
    hub: FakeHub, db_url: str
) -> None:
    url = "https://huggingface.co/org/model"
    checked = run("--db", db_url, "check", url, "--json")

    assert checked.exit_code == 0, checked.output
    card = json.loads(checked.stdout)
    assert card["links"][0]["status"] == "ok" and card["scorecard"]["criteria"]
    assert card["paper"]["id"] is None  # not a tracked paper's id
    assert "not tracked" in checked.stderr and "--track" in checked.stderr
    assert json.loads(run("--db", db_url, "papers", "--json").stdout)["papers"] == []
    assert len(run("--db", db_url, "export").stdout.splitlines()) == 1  # the header only
    nothing = run("--db", db_url, "audit")
    assert nothing.exit_code == 0 and "nothing to audit: no paper is tracked" in nothing.stderr

    tracked = run("--db", db_url, "check", url, "--track", "--json")
    assert json.loads(tracked.stdout)["paper"]["id"] == 1 and "not tracked" not in tracked.stderr
    [paper] = json.loads(run("--db", db_url, "papers", "--json").stdout)["papers"]
    assert paper["links"][0]["url"] == url
    again = run("--db", db_url, "check", url, "--json")  # tracked now: checked in place
    assert json.loads(again.stdout)["paper"]["id"] == 1
    assert json.loads(again.stdout)["scorecard"]["criteria"]["link_health"]["evidence"]
    with Session(open_store(db_url)) as session:
        assert session.exec(select(Audit)).all() == []  # no audit recorded by any of this


def test_removing_a_link_the_paper_never_had_exits_2(hub: FakeHub, sqlite_url: str) -> None:
    url = "https://huggingface.co/org/model"
    run("--db", sqlite_url, "check", url, "--track")

    absent = run("--db", sqlite_url, "link", "remove", "#1", "https://github.com/o/never")
    present = run("--db", sqlite_url, "link", "remove", "#1", url)

    assert absent.exit_code == 2
    assert "has no link https://github.com/o/never" in absent.stderr
    assert "removed" not in absent.stdout
    assert present.exit_code == 0 and "removed" in present.stdout
    [paper] = json.loads(run("--db", sqlite_url, "papers", "--json").stdout)["papers"]
    assert paper["links"] == []  # the removed link is not listed, and none was added


def test_a_scheduled_run_with_nothing_due_records_no_audit(hub: FakeHub, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    run("--db", db, "check", "https://huggingface.co/org/model", "--track")  # scored just now
    settings = Settings()
    settings.schedule.due_only = True
    settings.discovery.enabled = False

    tick = run_once(open_store(db), settings)

    assert tick.skipped == "no paper is due" and tick.audit is None
    with Session(open_store(db)) as session:
        assert session.exec(select(Audit)).all() == []
