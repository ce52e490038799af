"""`reprotrack badge`: a tracked paper's grade as a shields.io endpoint JSON and a static SVG."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from typer.testing import CliRunner

from reports.badges import badge_svg, grade_badge
from tracker.cli.main import app

CONFIG = "[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\nmax_retries = 0\n"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def workdir(fake_hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG", "REPROTRACK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    (tmp_path / "reprotrack.toml").write_text(CONFIG)
    fake_hub.add_dataset("org/bench", files={"data/train.parquet": 10_000_000}, license="mit")
    return tmp_path


def test_badge_writes_the_endpoint_json_and_svg_of_the_latest_grade(
    workdir: Path, sqlite_url: str
) -> None:
    url = "https://huggingface.co/datasets/org/bench"
    checked = json.loads(run("--db", sqlite_url, "check", url, "--track", "--json").stdout)
    card = checked["scorecard"]

    result = run("--db", sqlite_url, "badge", url)

    assert result.exit_code == 0, result.output
    folder = Path("reprotrack-reports/badges")
    assert result.stdout.split() == [str(folder / "paper-1.json"), str(folder / "paper-1.svg")]
    endpoint = json.loads((workdir / folder / "paper-1.json").read_text())
    assert endpoint["schemaVersion"] == 1 and endpoint["label"] == "reproducibility"
    assert endpoint["message"] == f"{card['grade']} · {card['score']:.2f}"
    assert endpoint["color"] in {"brightgreen", "green", "yellow", "orange", "red"}
    svg = ET.fromstring((workdir / folder / "paper-1.svg").read_text())  # well-formed XML
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "reproducibility" in texts and endpoint["message"] in texts


def test_badge_of_an_untracked_or_unchecked_paper(workdir: Path, sqlite_url: str) -> None:
    untracked = run("--db", sqlite_url, "badge", "https://github.com/o/r")
    assert untracked.exit_code == 2 and "not a tracked paper" in untracked.stderr
    (workdir / "ids.txt").write_text("2106.09685\n")
    run("--db", sqlite_url, "import", "ids.txt")
    unchecked = run("--db", sqlite_url, "badge", "2106.09685", "--out", "b")
    assert unchecked.exit_code == 0, unchecked.output
    assert json.loads((workdir / "b" / "paper-1.json").read_text())["message"] == "not checked"


def test_grey_badges_say_why_and_text_is_escaped() -> None:
    assert grade_badge(None, None).colour == "lightgrey"
    assert grade_badge("A", 0.9).colour == "brightgreen" and grade_badge("F", 0.1).colour == "red"
    svg = badge_svg(grade_badge(None, None))
    assert "no grade (incomplete)" in svg
    from reports.badges import Badge
    ET.fromstring(badge_svg(Badge("a<b", 'c&"d', "red")))  # still well-formed
