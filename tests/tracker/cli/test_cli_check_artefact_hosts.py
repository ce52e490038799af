"""`reprotrack check` on Drive, figshare and direct-file links, against the loopback hosts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.shares import DRIVE_FOLDER_OK, FakeShares, fake_shares  # noqa: F401
from typer.testing import CliRunner

from tracker.cli.main import app


@pytest.fixture
def hosts(monkeypatch: pytest.MonkeyPatch, fake_shares: FakeShares,  # noqa: F811
          tmp_path: Path) -> FakeShares:
    """Point the artefact-host families at the fake, as a mirror would be configured."""
    monkeypatch.setenv("FIGSHARE_API_URL", fake_shares.url + "/figshare/v2")
    for name in ("GITHUB_API_URL", "ARXIV_API_URL", "HF_ENDPOINT", "OSF_API_URL"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/unreachable")
    for name in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reprotrack.toml").write_text(
        "[http]\nbackoff_base = 0.01\nmax_retries = 1\ntimeout = 2\n"
        '[network]\nallow_private = ["127.0.0.1"]\n'  # direct-file links to the loopback fake
        "[discovery]\nenabled = false\n"
        f'[artefact_hosts]\nmin_interval = 0.0\ndrive_url = "{fake_shares.url}/drive"\n')
    return fake_shares


def check(db_url: str, target: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["--db", db_url, "check", target, "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_drive_folder_with_checkpoints_and_data_releases_both(hosts: FakeShares,
                                                                sqlite_url: str) -> None:
    data = check(sqlite_url, f"https://drive.google.com/drive/folders/{DRIVE_FOLDER_OK}"
                             "?usp=sharing")
    [link] = data["links"]
    assert (link["kind"], link["status"]) == ("drive_folder", "ok")
    assert link["url"] == f"https://drive.google.com/drive/folders/{DRIVE_FOLDER_OK}"
    criteria = data["scorecard"]["criteria"]
    assert criteria["weights_released"]["score"] == 1.0
    assert criteria["data_released"]["score"] == 1.0
    assert criteria["weights_released"]["evidence"] == [
        f"https://drive.google.com/drive/folders/{DRIVE_FOLDER_OK}: shared files: vit_b16.pth"]


def test_an_embargoed_figshare_doi_is_gated(hosts: FakeShares, sqlite_url: str) -> None:
    hosts.add_article(1005, [("model.ckpt", 800_000_000)], is_embargoed=True,
                      embargo_type="file", embargo_date="2031-01-01")
    data = check(sqlite_url, "https://doi.org/10.6084/m9.figshare.1005")
    [link] = data["links"]
    assert (link["kind"], link["status"]) == ("figshare_item", "gated")
    weights = data["scorecard"]["criteria"]["weights_released"]
    assert weights["score"] == 1.0 and "gated" in weights["evidence"][0]


def test_a_direct_checkpoint_url(hosts: FakeShares, sqlite_url: str) -> None:
    data = check(sqlite_url, hosts.url + "/files/ckpt/model_best.pth")
    [link] = data["links"]
    assert (link["kind"], link["status"]) == ("direct_file", "ok")
    assert link["facts"]["content_length"] == 4_000_000
    assert data["scorecard"]["criteria"]["weights_released"]["score"] == 1.0
