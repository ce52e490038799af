"""`--json` on every reporting command: one document each, with `schema_version`, valid
against its JSON Schema in docs/schemas/ (run on the seed against the loopback fakes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import SEED
from fakes.arxiv import FakeArxiv, fake_arxiv  # noqa: F401
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from fakes.seed_index import SeedIndex, install_seed_index
from fakes.web import FakeWeb, fake_web  # noqa: F401
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from tracker.cli.json_output import JSON_SCHEMA_VERSION
from tracker.cli.main import app

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "schemas"


def json_commands(group: Any = None, prefix: str = "") -> list[str]:
    """Every command of the app that takes --json, as `link-add` (the schema file's name)."""
    group = group or typer.main.get_command(app)
    names = []
    for name, command in group.commands.items():
        if getattr(command, "commands", None):  # a group: walk its subcommands
            names += json_commands(command, f"{prefix}{name}-")
        elif any("--json" in getattr(p, "opts", ()) for p in command.params):
            names.append(prefix + name)
    return sorted(names)


def validated(result: Any, command: str) -> dict[str, Any]:
    """The command's stdout as one JSON document, checked against its schema."""
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    schema = json.loads((SCHEMAS / f"{command}.schema.json").read_text())
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        document)
    assert document["schema_version"] == JSON_SCHEMA_VERSION
    return document


def test_every_command_with_json_has_a_schema_and_every_schema_a_command() -> None:
    files = sorted(path.name.removesuffix(".schema.json") for path in SCHEMAS.glob("*.json"))

    assert json_commands() == files
    assert {"import", "audit", "audits", "report", "link-add", "link-remove", "confirm",
            "schedule", "check", "papers", "rescore"} <= set(files)


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_each_schema_is_draft_2020_12_and_pins_the_shared_version(path: Path) -> None:
    schema = json.loads(path.read_text())

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == JSON_SCHEMA_VERSION
    assert "schema_version" in schema["required"]


def test_a_document_without_schema_version_is_rejected_by_the_schemas() -> None:
    schema = json.loads((SCHEMAS / "report.schema.json").read_text())

    assert Draft202012Validator(schema).is_valid({"schema_version": 1, "files": ["a.md"]})
    assert not Draft202012Validator(schema).is_valid({"files": ["a.md"]})


@pytest.fixture
def seed_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_hub: FakeHub,
               fake_arxiv: FakeArxiv, fake_github: FakeGitHub, fake_web: FakeWeb) -> SeedIndex:
    """Indexes that know part of the seed; every other host is unreachable (a dead proxy)."""
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("ARXIV_API_URL", fake_arxiv.url + "/api")
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_fake_token")
    monkeypatch.setenv("OSF_API_URL", "http://127.0.0.1:9/v2")
    monkeypatch.setenv("ZENODO_API_URL", fake_web.url + "/api")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("HF_TOKEN", "REPROTRACK_CONFIG", "https_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reprotrack.toml").write_text(
        "[http]\nbackoff_base = 0.01\nmax_retries = 0\ntimeout = 5\n"
        "[arxiv]\nmin_interval = 0.01\n[github]\nmin_request_interval = 0.0\n"
        "[schedule]\ninterval_hours = 1.0\n")
    return install_seed_index(fake_hub, fake_arxiv, fake_github, fake_web)


def test_every_reporting_command_prints_a_document_its_schema_accepts(
    seed_index: SeedIndex, db_url: str, fake_hub: FakeHub, tmp_path: Path
) -> None:
    def run(*args: str) -> Any:
        return CliRunner().invoke(app, ["--db", db_url, *args], catch_exceptions=False)

    imported = validated(run("import", str(SEED), "--resolve", "--json"), "import")
    assert imported["papers_added"] == 56 and imported["discovery"]["identified"] == 24
    papers = validated(run("papers", "--json"), "papers")["papers"]
    candidates = validated(run("papers", "--candidates", "--json"), "papers")["candidates"]
    wanted = next(e for e in candidates if e["title"].startswith("Efficient Continual"))
    confirmed = validated(run("confirm", f"#{wanted['id']}", "--all", "--json"), "confirm")
    assert {c["candidate"] for c in confirmed["confirmed"]} == {l["url"] for l in wanted["links"]}
    assert [r["paper_id"] for r in confirmed["rescored"]] == [wanted["id"]]

    first = papers[0]
    url = "https://github.com/EIT-NLP/LLaSO-mirror"
    added = validated(run("link", "add", f"#{first['id']}", url, "--json"), "link-add")
    removed = validated(run("link", "remove", f"#{first['id']}", url, "--json"), "link-remove")
    assert (added["link"]["state"], removed["link"]["state"]) == ("active", "removed_by_user")

    checked = validated(run("check", f"#{first['id']}", "--json"), "check")
    assert checked["paper"]["arxiv_id"] == first["arxiv_id"]
    audited = validated(run("audit", "--json"), "audit")["audit"]
    assert audited["papers_done"] == 56 and audited["status"] in {"completed", "degraded"}
    nothing = validated(run("audit", "--due", "--json"), "audit")
    assert nothing["audit"] is None and nothing["message"].startswith("nothing to audit")
    listed = validated(run("audits", "--json"), "audits")["audits"]
    assert [a["id"] for a in listed] == [audited["id"]]
    rescored = validated(run("rescore", "--json"), "rescore")
    assert rescored["scorecards"] >= 56
    files = validated(run("report", "--json", "--format", "md"), "report")["files"]
    assert all(Path(f).is_file() for f in files) and files[0].endswith(".md")
    fake_hub.add_dataset("org/bench", files={"data/test.parquet": 3_000_000})
    late = tmp_path / "late.jsonl"
    late.write_text('{"title": "A benchmark", "url": "https://huggingface.co/datasets/org/bench"}\n')
    run("import", str(late))
    scheduled = validated(run("schedule", "--once", "--json"), "schedule")
    assert scheduled["audit"]["papers_done"] >= 1 and scheduled["skipped"] is None
    assert scheduled["reports"] and all(Path(f).is_file() for f in scheduled["reports"])


def test_the_readme_command_block_shows_json_on_every_command_that_takes_it() -> None:
    readme = (SCHEMAS.parents[1] / "README.md").read_text()
    block = readme.split("## Commands", 1)[1].split("```")[1]
    lines = {" ".join(line.split()[1:3]).split(" [")[0].split(" PAPER")[0].split(" FILE")[0]
             .split(" TARGET")[0]: line for line in block.splitlines()
             if line.startswith("reprotrack ")}

    for command in json_commands():
        line = lines[command.replace("-", " ")]
        assert "--json" in line, line


def test_schedule_json_needs_once(sqlite_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", sqlite_url, "schedule", "--json"])

    assert result.exit_code == 2 and result.stdout == ""
    assert "--json needs --once" in result.stderr
