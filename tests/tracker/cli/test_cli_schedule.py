"""`reprotrack schedule --once` for cron users, and the long-running scheduler stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session, select
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.store.engine import open_store
from tracker.store.models import Audit

CONFIG = ('[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\nmax_retries = 0\n'
          'timeout = 5\n[schedule]\ninterval_hours = 0.0002\n')


@pytest.fixture
def corpus(tmp_path: Path, fake_hub: FakeHub) -> Path:
    fake_hub.add_dataset("org/bench", files={"data/test.parquet": 3_000_000})
    papers = tmp_path / "ids.jsonl"
    papers.write_text('{"title": "A benchmark", "url": "https://huggingface.co/datasets/org/bench"}\n')
    (tmp_path / "reprotrack.toml").write_text(CONFIG)
    return papers


def environment(hub: FakeHub) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG")}
    env.update(HF_ENDPOINT=hub.url, GITHUB_API_URL="http://127.0.0.1:9",
               OSF_API_URL="http://127.0.0.1:9")
    return env


def test_once_runs_the_job_and_prints_where_the_report_is(
    corpus: Path, fake_hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    for key, value in environment(fake_hub).items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    runner.invoke(app, ["--db", db_url, "import", str(corpus)], catch_exceptions=False)

    result = runner.invoke(app, ["--db", db_url, "schedule", "--once"], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert "reprotrack-reports/latest.html" in result.stdout
    latest = tmp_path / "reprotrack-reports" / "latest.md"
    assert latest.read_text().startswith("# Reproducibility audit #1")


def test_sigterm_stops_the_scheduler_cleanly(corpus: Path, fake_hub: FakeHub, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'reprotrack.db'}"
    env = environment(fake_hub) | {"REPROTRACK_DATABASE_URL": db}
    command = [str(Path(sys.executable).parent / "reprotrack")]
    subprocess.run(command + ["import", str(corpus)], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    scheduler = subprocess.Popen(command + ["schedule"], cwd=tmp_path, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    engine = open_store(db)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with Session(engine) as session:
            if len(session.exec(select(Audit).where(Audit.status == "completed")).all()) >= 2:
                break
        time.sleep(0.1)

    scheduler.send_signal(signal.SIGTERM)
    _, err = scheduler.communicate(timeout=30)

    assert scheduler.returncode == 0, err
    assert "schedule started" in err and "schedule stopped" in err
    assert err.count("scheduled audit #") >= 2  # one log line per run
    with Session(engine) as session:
        statuses = {a.status for a in session.exec(select(Audit))}
    assert statuses <= {"completed", "interrupted"}
