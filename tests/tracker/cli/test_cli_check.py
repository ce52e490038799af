"""`reprotrack check` against the loopback fakes, as an author or a reviewer runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from fakes.osf import FakeOSF, fake_osf  # noqa: F401
from typer.testing import CliRunner

from tracker.cli.main import app


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch, fake_hub: FakeHub, fake_osf: FakeOSF, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Point the tool at the fakes, as a user would with the standard variables."""
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("OSF_API_URL", fake_osf.url + "/v2")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9/unreachable")
    monkeypatch.setenv("ARXIV_API_URL", "http://127.0.0.1:9/unreachable")  # discovery's title search
    for name in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "reprotrack.toml"
    config.write_text("[http]\nbackoff_base = 0.01\nmax_retries = 1\ntimeout = 2\n"
                      "[arxiv]\nmin_interval = 0.01\n")
    return fake_hub, fake_osf


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_check_a_hub_model_url_on_an_empty_database_prints_the_json_object(
    services, db_url: str  # type: ignore[no-untyped-def]
) -> None:
    hub, _ = services
    hub.add_model(
        "org/physician-8b",
        files={"model-00001-of-00002.safetensors": 4_900_000_000, "README.md": 3_000},
        license="llama3",
        downloads=1234,
    )
    result = run("--db", db_url, "check", "https://huggingface.co/org/physician-8b", "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # nothing but the object on stdout
    assert set(data) == {"schema_version", "paper", "links", "scorecard"}
    [link] = data["links"]
    assert (link["url"], link["kind"], link["host"], link["provenance"], link["status"]) == (
        "https://huggingface.co/org/physician-8b", "hf_model", "huggingface.co", "user", "ok")
    assert link["facts"]["downloads"] == 1234
    card = data["scorecard"]
    assert set(card) >= {"score", "grade", "checklist", "criteria"}
    assert card["criteria"]["weights_released"]["score"] == 1.0
    assert card["criteria"]["code_available"]["score"] == 0.0
    assert set(card["criteria"]["license"]) >= {"score", "weight", "evidence", "remediation"}


def test_fail_under_exits_1_when_the_score_is_lower(services, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    hub, _ = services
    hub.add_dataset("org/bench", files={"data/train.parquet": 10_000_000})
    passing = run("--db", sqlite_url, "check", "https://huggingface.co/datasets/org/bench",
                  "--fail-under", "0.05")
    failing = run("--db", sqlite_url, "check", "https://huggingface.co/datasets/org/bench",
                  "--fail-under", "0.9")
    assert passing.exit_code == 0, passing.output
    assert failing.exit_code == 1
    assert "below --fail-under 0.90" in failing.stderr
    assert "data_released" in passing.stdout  # the rich table names every criterion


def test_a_stored_paper_is_checked_by_its_title_and_its_history_grows(
    services, sqlite_url: str  # type: ignore[no-untyped-def]
) -> None:
    hub, osf = services
    hub.add_dataset("furonghuang-lab/Easy2Hard-Bench", files={"data/math.parquet": 2_000_000})
    run("--db", sqlite_url, "import", str(SEED))

    first = run("--db", sqlite_url, "check", "Easy2Hard-Bench", "--json")
    hub.remove("furonghuang-lab/Easy2Hard-Bench", repo_type="dataset")
    second = run("--db", sqlite_url, "check", "Easy2Hard-Bench", "--json")

    assert json.loads(first.stdout)["links"][0]["status"] == "ok"
    after = json.loads(second.stdout)
    assert after["links"][0]["status"] == "missing"
    assert after["scorecard"]["criteria"]["link_health"]["score"] == 0.5  # ok once, missing once


def test_an_ambiguous_title_lists_the_candidates_and_exits_2(services, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    run("--db", sqlite_url, "import", str(SEED))
    result = run("--db", sqlite_url, "check", "generalization")
    assert result.exit_code == 2
    assert "matches" in result.stderr and "#" in result.stderr
    unknown = run("--db", sqlite_url, "check", "a title nobody wrote")
    assert unknown.exit_code == 2 and "no stored paper" in unknown.stderr


def test_unreachable_services_exit_3(services, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    result = run("--db", sqlite_url, "check", "https://github.com/o/r", "--json")
    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout)["links"][0]["status"] == "error"


def test_check_an_osf_review_link_and_a_web_page(
    services, sqlite_url: str, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    from fakes.web import FakeWeb

    with FakeWeb() as web:
        web.stock()
        monkeypatch.setenv("ZENODO_API_URL", web.url + "/api")  # a configured, trusted endpoint
        osf = run("--db", sqlite_url, "check", "https://osf.io/priv1/?view_only=reviewkey123",
                  "--json")
        page = run("--db", sqlite_url, "check", f"{web.url}/project.html", "--json")

    [osf_link] = json.loads(osf.stdout)["links"]
    assert (osf_link["kind"], osf_link["status"]) == ("osf_node", "ok")
    assert osf_link["facts"]["view_only_required"] is True
    assert "reviewkey123" not in json.dumps(osf_link["facts"]) + "".join(osf_link["evidence"])
    # Discovery also follows the page's links (one hop): the page itself is the web link.
    [web_link] = [link for link in json.loads(page.stdout)["links"] if link["kind"] == "web"]
    assert (web_link["kind"], web_link["status"]) == ("web", "ok")
    assert web_link["facts"]["outbound_links"]


def test_a_paper_is_checked_by_its_id_and_an_unknown_id_exits_2(services, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    hub, _ = services
    hub.add_dataset("furonghuang-lab/Easy2Hard-Bench", files={"data/math.parquet": 2_000_000})
    run("--db", sqlite_url, "import", str(SEED))
    papers = json.loads(run("--db", sqlite_url, "papers", "--json").stdout)["papers"]
    easy2hard = next(p for p in papers if p["title"].startswith("Easy2Hard-Bench"))

    result = run("--db", sqlite_url, "check", f"#{easy2hard['id']}", "--json")
    unknown = run("--db", sqlite_url, "check", "#999")

    assert json.loads(result.stdout)["paper"]["id"] == easy2hard["id"]
    assert unknown.exit_code == 2 and "no stored paper has id 999" in unknown.stderr
