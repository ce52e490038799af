"""`reprotrack report`: dated and latest files for an audit; exit 2 without one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from audit_scenario import two_audits
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session
from typer.testing import CliRunner

from reports.publish import write_report
from tracker.cli.main import app
from tracker.config import Settings
from tracker.snapshots import as_utc
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty working directory without a config file."""
    monkeypatch.delenv("REPROTRACK_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_report_writes_dated_and_latest_files_of_the_latest_completed_audit(
    workdir: Path, db_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    engine = open_store(db_url)
    scenario = two_audits(engine, fake_github, fake_hub)
    with transaction(engine) as session:
        session.add(Audit(status="running"))  # a later unfinished audit is not the default
    with Session(engine) as session:
        audit = session.get(Audit, scenario.second)
        assert audit is not None
        day = as_utc(audit.started_at).strftime("%Y-%m-%d")  # type: ignore[union-attr]

    result = run("--db", db_url, "report")

    assert result.exit_code == 0, result.output
    out = Path("reprotrack-reports")
    dated_md = out / f"reprotrack-report-{day}-audit{scenario.second}.md"
    dated_html = out / f"reprotrack-report-{day}-audit{scenario.second}.html"
    assert result.stdout.split() == [str(dated_md), str(out / "latest.md"), str(dated_html),
                                     str(out / "latest.html")]
    assert (out / "latest.md").read_text() == dated_md.read_text()
    assert "## Changes since audit #1" in dated_md.read_text()
    assert (out / "latest.html").read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [dated_md.name, dated_html.name, "latest.md", "latest.html"])  # no temporary files


def test_format_out_and_audit_options(
    workdir: Path, sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    engine = open_store(sqlite_url)
    scenario = two_audits(engine, fake_github, fake_hub)

    result = run("--db", sqlite_url, "report", "--format", "md", "--out", "site",
                 "--audit", str(scenario.first))

    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (workdir / "site").iterdir())
    assert len(written) == 2 and "latest.md" in written
    assert written[1].endswith(f"-audit{scenario.first}.md")
    assert "No earlier completed audit" in (workdir / "site" / "latest.md").read_text()
    paths = write_report(engine, Settings(), scenario.second, ["html"], workdir / "sched")
    assert [p.name for p in paths][1] == "latest.html" and all(p.exists() for p in paths)


def test_exit_2_without_audits_an_unknown_audit_or_format(workdir: Path, sqlite_url: str) -> None:
    result = run("--db", sqlite_url, "report")
    assert result.exit_code == 2
    assert "run `reprotrack audit` first" in result.stderr
    assert not Path("reprotrack-reports").exists()

    engine = open_store(sqlite_url)
    with transaction(engine) as session:
        session.add(Audit(status="completed"))
    unknown = run("--db", sqlite_url, "report", "--audit", "42")
    assert unknown.exit_code == 2 and "no audit #42" in unknown.stderr
    bad_format = run("--db", sqlite_url, "report", "--format", "pdf")
    assert bad_format.exit_code == 2 and "unknown report format 'pdf'" in bad_format.stderr
    empty = run("--db", sqlite_url, "report")  # an audit of no papers still has a report
    assert empty.exit_code == 0, empty.output
    assert "| Papers audited | 0 | |" in Path("reprotrack-reports/latest.md").read_text()


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"),
                         [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
def test_reports_and_exports_land_in_reprotrack_reports_readable_as_the_umask_allows(
    workdir: Path, sqlite_url: str, umask: int, file_mode: int, dir_mode: int
) -> None:
    engine = open_store(sqlite_url)
    with transaction(engine) as session:
        session.add(Audit(status="completed"))
    previous = os.umask(umask)
    try:
        # The report creates its folder; an export never creates one silently (issue 12).
        report = run("--db", sqlite_url, "report", "--format", "md")
        export = run("--db", sqlite_url, "export", "--out", "reprotrack-reports/")
    finally:
        os.umask(previous)
    assert report.exit_code == 0 and export.exit_code == 0, report.output + export.output
    folder = workdir / "reprotrack-reports"
    assert not (workdir / "reports").exists()  # in a clone, reports/ is the Python package
    assert stat.S_IMODE(folder.stat().st_mode) == dir_mode
    names = {p.name for p in folder.iterdir()}
    assert {"latest.md", "reprotrack-export.csv"} <= names and len(names) == 3  # + dated report
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == file_mode, path
