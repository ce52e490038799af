"""`reprotrack check` on two contrasting papers: a full release and a "code coming soon" one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.github import FakeGitHub
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from typer.testing import CliRunner

from tracker.cli.main import app

FULL_README = """# FastMethod

Code for our paper.

## Installation

```bash
pip install -r requirements.txt
```

## Training

```bash
python train.py --config configs/base.yaml
```

## Evaluation

```bash
python eval.py --checkpoint weights/model.safetensors
```

## Results

| Model | Top-1 acc | F1 |
|---|---|---|
| FastMethod-S | 81.2 | 77.0 |
| FastMethod-L | 84.9 | 80.3 |
"""


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub().start()
    yield fake
    fake.stop()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, github: FakeGitHub, fake_hub: FakeHub, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    for name in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reprotrack.toml").write_text(
        "[http]\nbackoff_base = 0.01\ntimeout = 5\n[github]\nmin_request_interval = 0\n")
    papers = tmp_path / "papers.jsonl"
    papers.write_text(
        json.dumps({
            "title": "FastMethod: a full release",
            "arxiv_id": "2501.00001",
            "abstract": "Code: https://github.com/lab/fastmethod. Weights: "
            "https://huggingface.co/lab/fastmethod-l. Data: https://huggingface.co/datasets/lab/fm-data",
        }) + "\n" + json.dumps({
            "title": "SlowMethod: coming soon",
            "arxiv_id": "2501.00002",
            "abstract": "Our code will be released at https://github.com/lab2/slowmethod.",
        }) + "\n"
    )
    github.add_repo(
        "lab", "fastmethod", stars=321, license_spdx="Apache-2.0", license_name="Apache License 2.0",
        tree={"train.py": 5000, "eval.py": 3000, "requirements.txt": 200, "configs/base.yaml": 400,
              "fastmethod/model.py": 9000},
        readme=FULL_README,
        releases=[{"tag": "v1.0", "published_at": "2025-03-01T00:00:00Z", "assets": []}],
    )
    github.add_repo("lab2", "slowmethod", stars=12, readme="# SlowMethod\n\nCode coming soon!\n",
                    tree={"assets/teaser.png": 300_000})
    fake_hub.add_model("lab/fastmethod-l", files={"model.safetensors": 1_300_000_000,
                                                   "config.json": 700}, license="apache-2.0")
    fake_hub.add_dataset("lab/fm-data", files={"data/train-00000-of-00001.parquet": 80_000_000})
    return papers


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_a_full_release_and_a_coming_soon_repository(env: Path, db_url: str) -> None:
    run("--db", db_url, "import", str(env))

    full = json.loads(run("--db", db_url, "check", "2501.00001", "--json").stdout)
    soon = json.loads(run("--db", db_url, "check", "arXiv:2501.00002", "--json").stdout)

    assert (full["scorecard"]["grade"], full["scorecard"]["checklist"]) == ("A", 5)
    assert full["scorecard"]["score"] == 1.0
    assert [link["status"] for link in full["links"]] == ["ok", "ok", "ok"]
    repo = full["links"][0]["facts"]
    assert (repo["stars"], repo["license_spdx"]) == (321, "Apache-2.0")
    assert soon["scorecard"]["grade"] == "F"
    assert soon["scorecard"]["promise_unfulfilled"] is True
    assert soon["scorecard"]["criteria"]["code_available"]["outcome"] == "partial"
    assert soon["scorecard"]["criteria"]["license"]["remediation"]


def test_the_table_leads_with_the_criteria_and_the_gate_fails_the_weak_paper(
    env: Path, sqlite_url: str
) -> None:
    run("--db", sqlite_url, "import", str(env))
    strong = run("--db", sqlite_url, "check", "FastMethod: a full release", "--fail-under", "0.7")
    weak = run("--db", sqlite_url, "check", "SlowMethod", "--fail-under", "0.7")

    assert strong.exit_code == 0 and weak.exit_code == 1
    assert strong.stdout.index("criteria") < strong.stdout.index("links")
    assert "grade A" in strong.stdout and "checklist 5/5" in strong.stdout
    assert "promise unfulfilled" in weak.stdout
