"""A rejected token or a refused link is named as such (exit 2), not as an outage."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from typer.testing import CliRunner

from tracker.cli.main import app


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch, fake_github: FakeGitHub, fake_hub: FakeHub,
          tmp_path: Path) -> FakeGitHub:
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("ARXIV_API_URL", "http://127.0.0.1:9/unreachable")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_revoked")
    for name in ("HF_TOKEN", "REPROTRACK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reprotrack.toml").write_text(
        "[http]\nbackoff_base = 0.01\nmax_retries = 1\n[discovery]\nenabled = false\n")
    fake_github.add_repo("lab", "code", tree={"train.py": 10})
    return fake_github


def test_a_rejected_github_token_is_said_with_exit_code_2(
    fakes: FakeGitHub, sqlite_url: str
) -> None:
    result = CliRunner().invoke(app, ["--db", sqlite_url, "check", "https://github.com/lab/code"])
    assert result.exit_code == 2
    assert "GitHub rejected the token (401)" in result.output
    assert "github.token" in result.output
    assert "no service could be reached" not in result.output
    assert "ghp_revoked" not in result.output


def test_a_rejected_hub_token_is_said_with_exit_code_2(
    fakes: FakeGitHub, fake_hub: FakeHub, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("HF_TOKEN", "hf_revoked")
    fake_hub.add_model("lab/model")
    result = CliRunner().invoke(app, ["--db", sqlite_url, "check",
                                      "https://huggingface.co/lab/model"])
    assert result.exit_code == 2
    assert "The Hugging Face Hub rejected the token (401)" in result.output
    assert "huggingface.token" in result.output and "hf_revoked" not in result.output


def test_a_link_to_a_metadata_address_is_refused_with_exit_code_2(
    fakes: FakeGitHub, sqlite_url: str
) -> None:
    result = CliRunner().invoke(app, ["--db", sqlite_url, "check",
                                      "http://169.254.169.254/latest/meta-data/"])
    assert result.exit_code == 2
    assert "refused: 169.254.169.254 is a cloud metadata address" in result.output
    assert "network.allow_private" in result.output
