"""CLI manners: quiet logs by default (-v / -q), plain unwrapped output when piped, shell
completion, and exit 3 when the database cannot be reached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from typer.testing import CliRunner

from tracker.cli.main import app

REPROTRACK = str(Path(sys.executable).parent / "reprotrack")  # the installed console script
QUIET_CONFIG = "[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\nmax_retries = 0\n"


def clean_environment(**extra: str) -> dict[str, str]:
    """The test's environment without tokens or a config; `extra` added."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG", "REPROTRACK_DATABASE_URL",
                        "COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE")}
    return env | extra


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG", "REPROTRACK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "reprotrack.toml").write_text(QUIET_CONFIG)
    return tmp_path


def test_schedule_logs_its_runs_but_not_alembic_or_each_request_unless_asked(
    workdir: Path, fake_hub: FakeHub,
) -> None:
    fake_hub.add_model("org/model", files={"model.safetensors": 5_000_000})
    (workdir / "papers.jsonl").write_text(
        '{"title": "A model", "url": "https://huggingface.co/org/model"}\n')
    env = clean_environment(HF_ENDPOINT=fake_hub.url, GITHUB_API_URL="http://127.0.0.1:9",
                            REPROTRACK_DATABASE_URL=f"sqlite:///{workdir / 'r.db'}")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([REPROTRACK, *args], env=env, cwd=workdir, capture_output=True,
                              text=True, timeout=60)

    assert run("import", "papers.jsonl").returncode == 0
    quiet_by_default = run("schedule", "--once")
    assert quiet_by_default.returncode == 0, quiet_by_default.stderr
    assert "reprotrack.schedule: scheduled" in quiet_by_default.stderr  # its own run log
    assert "alembic" not in quiet_by_default.stderr
    assert "HTTP Request" not in quiet_by_default.stderr

    verbose = run("-vv", "schedule", "--once")
    assert "alembic" in verbose.stderr and "HTTP Request: GET" in verbose.stderr
    silent = run("-q", "schedule", "--once")
    assert silent.returncode == 0 and silent.stderr == ""


def test_pygithub_redirect_lines_only_show_with_vv(
    workdir: Path, fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, sqlite_url: str,
) -> None:
    fake_github.add_repo("lab", "old-name", license_spdx="MIT", tree={"train.py": 10},
                         readme="# x\n")
    fake_github.rename_repo("lab/old-name", "lab/new-name")
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    runner = CliRunner()
    default = runner.invoke(app, ["--db", sqlite_url, "check",
                                  "https://github.com/lab/old-name"])
    verbose = runner.invoke(app, ["-vv", "--db", sqlite_url, "check",
                                  "https://github.com/lab/old-name"])
    assert default.exit_code == 0 and verbose.exit_code == 0, default.output + verbose.output
    assert "Following Github server redirection" not in default.stderr
    assert "Following Github server redirection" in verbose.stderr


def test_piped_tables_are_plain_aligned_and_never_wrap_urls(workdir: Path) -> None:
    long_url = "https://github.com/a-lab-with-a-long-name/" + "a-very-long-repository-name" * 3
    papers = [{"title": "A paper whose title is long enough to be folded at eighty columns "
               "by any table renderer that believes the terminal is narrow", "url": long_url},
              {"title": "Short", "url": "https://github.com/o/r"}]
    (workdir / "papers.jsonl").write_text("\n".join(json.dumps(p) for p in papers) + "\n")
    env = clean_environment(REPROTRACK_DATABASE_URL=f"sqlite:///{workdir / 'r.db'}")
    subprocess.run([REPROTRACK, "import", "papers.jsonl"], env=env, cwd=workdir, check=True,
                   capture_output=True)

    listed = subprocess.run([REPROTRACK, "papers"], env=env, cwd=workdir, capture_output=True,
                            text=True, timeout=60)

    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert any(long_url in line for line in lines)  # whole, on one line
    assert not any(ch in listed.stdout for ch in "│┃━─┏╭")  # no box drawing
    rows = [line for line in lines if "github_repo:" in line]
    assert len(rows) == 2  # aligned:
    assert rows[0].index("github_repo:") == rows[1].index("github_repo:")
    assert all(line == line.rstrip() for line in lines)  # no padding left at line ends


def test_shell_completion_is_enabled(workdir: Path) -> None:
    # `--show-completion` detects the calling shell from the process tree, which a test run
    # need not have; the script it prints is the one this variable asks for.
    script = subprocess.run([REPROTRACK], capture_output=True, text=True, timeout=60,
                            env=clean_environment(_REPROTRACK_COMPLETE="source_bash"))
    assert "_REPROTRACK_COMPLETE" in script.stdout
    assert "--show-completion" in subprocess.run(
        [REPROTRACK, "--help"], capture_output=True, text=True, timeout=60,
        env=clean_environment()).stdout
    completed = subprocess.run(
        [REPROTRACK], capture_output=True, text=True, timeout=60,
        env=clean_environment(_REPROTRACK_COMPLETE="complete_bash", COMP_WORDS="reprotrack au",
                              COMP_CWORD="1"))
    assert completed.stdout.split() == ["audit", "audits"]


def test_an_unreachable_database_exits_3(workdir: Path) -> None:
    result = CliRunner().invoke(app, ["--db", "postgresql://nobody@127.0.0.1:9/none", "papers"])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("error: the database server cannot be reached")
