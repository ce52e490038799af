"""Scheduled audits: the trigger, one tick, and a scheduler that fires repeatedly, never overlapping."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlalchemy import inspect
from sqlmodel import Session, col, select

from tracker.config import Settings, load_settings
from tracker.errors import ConfigError
from tracker.importing import import_file
from tracker.scheduling import JOB_TABLE, build_trigger, run_once, serve
from tracker.store.engine import open_store
from tracker.store.models import Audit


def hub_corpus(tmp_path: Path, hub: FakeHub, count: int = 4) -> Path:
    """A JSON Lines list of papers, each citing a Hub model the fake serves."""
    lines = []
    for n in range(count):
        hub.add_model(f"org/model-{n}", files={"model.safetensors": 5_000_000}, license="mit")
        lines.append(json.dumps({"title": f"Paper {n}", "url": f"https://huggingface.co/org/model-{n}"}))
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def settings_for(tmp_path: Path, hub: FakeHub, db_url: str, schedule: str) -> Settings:
    config = tmp_path / "reprotrack.toml"
    config.write_text(
        f'[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\nmax_retries = 0\ntimeout = 5\n'
        f'[reports]\ndir = "{tmp_path / "reports"}"\n[schedule]\n{schedule}'
    )
    return load_settings(config, env={"HF_ENDPOINT": hub.url,
                                      "GITHUB_API_URL": "http://127.0.0.1:9",
                                      "OSF_API_URL": "http://127.0.0.1:9"},
                         database_url=db_url)


def audits(db_url: str) -> list[Audit]:
    with Session(open_store(db_url)) as session:
        return list(session.exec(select(Audit).order_by(col(Audit.id))))


def test_a_cron_expression_wins_over_the_interval_and_bad_ones_name_the_key() -> None:
    settings = Settings()
    assert "interval" in str(build_trigger(settings.schedule)).lower()
    settings.schedule.cron = "0 6 * * 1"
    assert "cron" in str(build_trigger(settings.schedule)).lower()
    settings.schedule.cron = "every monday"
    with pytest.raises(ConfigError, match="schedule.cron"):
        build_trigger(settings.schedule, where="rt.toml")
    settings.schedule.cron, settings.schedule.interval_hours = "", 0
    with pytest.raises(ConfigError, match="schedule.interval_hours"):
        build_trigger(settings.schedule)


def test_one_tick_audits_and_writes_the_report(db_url: str, fake_hub: FakeHub, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, fake_hub, db_url, "")
    engine = open_store(db_url)
    import_file(engine, hub_corpus(tmp_path, fake_hub))

    run = run_once(engine, settings)

    assert run.audit is not None and run.audit.status == "completed"
    assert (run.audit.trigger, run.audit.papers_done) == ("schedule", 4)
    assert {p.name for p in run.reports} >= {"latest.html", "latest.md",
                                             "reprotrack-report-" + f"{run.audit.started_at:%Y-%m-%d}-audit{run.audit.id}.md"}
    assert all(p.is_file() for p in run.reports)


def test_the_scheduler_fires_repeatedly_never_overlapping_and_survives_a_dead_service(
    db_url: str, fake_hub: FakeHub, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, fake_hub, db_url, "interval_hours = 0.0001\n")  # 0.36 s
    engine = open_store(db_url)
    import_file(engine, hub_corpus(tmp_path, fake_hub))
    fake_hub.faults.latency = 0.2  # each audit (4 Hub requests) outlasts the interval
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 4, 503  # the first run: Hub down
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(engine, settings),
                              kwargs={"stop": stop, "handle_signals": False})
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len([a for a in audits(db_url) if a.finished_at]) < 3:
        time.sleep(0.1)
    stop.set()
    thread.join(timeout=20)

    assert not thread.is_alive()
    runs = audits(db_url)
    finished = [a for a in runs if a.finished_at is not None]
    assert len(finished) >= 3 and {a.trigger for a in runs} == {"schedule"}
    # Recorded, not fatal: the run ends degraded, and says which service failed.
    assert finished[0].errors == 4 and finished[0].status == "degraded"
    assert "huggingface" in (finished[0].message or "")
    assert finished[1].errors == 0  # and the next tick tried again
    for earlier, later in zip(runs, runs[1:]):
        assert earlier.finished_at is not None and earlier.finished_at <= later.started_at
    assert JOB_TABLE in inspect(engine).get_table_names()  # the job store is the project's DB
