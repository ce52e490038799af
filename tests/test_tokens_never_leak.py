"""Tokens reach the services and nothing else: not stdout, stderr, logs, reports, exports or the database."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fakes.github import FakeGitHub
from fakes.huggingface import ALICE_TOKEN, FakeHub, fake_hub  # noqa: F401
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.store.engine import open_store

GITHUB_TOKEN = "ghp_fake_token"


def test_an_audit_with_tokens_writes_them_nowhere(
    fake_hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, db_url: str,
) -> None:
    github = FakeGitHub(tokens=(GITHUB_TOKEN,)).start()
    try:
        github.add_repo("lab", "method", license_spdx="MIT", tree={"train.py": 100},
                        readme="# Method\n")
        fake_hub.add_model("alice/private-model", files={"model.safetensors": 10_000_000},
                           private=True, readers=["alice"])
        monkeypatch.setenv("GITHUB_API_URL", github.url)
        monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
        monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
        monkeypatch.setenv("HF_TOKEN", ALICE_TOKEN)
        monkeypatch.chdir(tmp_path)
        (tmp_path / "reprotrack.toml").write_text(
            '[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\n')
        papers = tmp_path / "papers.jsonl"
        papers.write_text(json.dumps({
            "title": "A paper", "abstract": "https://github.com/lab/method and "
            "https://huggingface.co/alice/private-model"}) + "\n")
        runner = CliRunner()
        caplog.set_level(logging.DEBUG)  # and -vvv below: the loudest logs must not leak either
        outputs, checked = [], {}
        for args in (["import", str(papers)], ["audit"], ["report"], ["check", "A paper", "--json"],
                     ["export", "--format", "jsonl"]):
            result = runner.invoke(app, ["-vvv", "--db", db_url, *args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            outputs.append(result.stdout + result.stderr)
            if args[0] == "check":
                checked = json.loads(result.stdout)
    finally:
        github.stop()

    # The tokens did reach the services: GraphQL was used, and the private model was seen as
    # private (without the token the Hub answers "not found").
    assert [link["status"] for link in checked["links"]] == ["ok", "private"]
    assert github.server.requests_to("graphql", method="POST")
    reports = "".join(p.read_text() for p in (tmp_path / "reprotrack-reports").iterdir())
    engine = open_store(db_url)
    dump = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            dump += [repr(tuple(row)) for row in connection.execute(text(f"SELECT * FROM {table}"))]
    everything = "\n".join(outputs) + caplog.text + reports + "\n".join(dump)
    assert "hf_model" in everything and "lab/method" in everything  # the audit did run
    assert "private-model" in everything
    for token in (GITHUB_TOKEN, ALICE_TOKEN):
        assert token not in everything
