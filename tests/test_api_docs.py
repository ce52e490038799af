"""docs/api.md cannot rot: every ```python block runs, in order, against the loopback fakes."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401

API_DOC = Path(__file__).parents[1] / "docs" / "api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[str]:
    """The page's Python examples, in order."""
    return BLOCK.findall(API_DOC.read_text(encoding="utf-8"))


def test_the_page_has_examples_of_every_method() -> None:
    code = "\n".join(python_blocks())
    for method in ("from_settings", "import_papers", ".audit(", ".check(", ".report(",
                   ".export(", ".papers()", ".notify(", ".badge(", ".rescore(",
                   ".audits(", ".add_link(", ".remove_link("):
        assert method in code, method


def test_every_example_of_the_api_page_runs_against_the_fakes(
    fake_hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        fake_hub.add_model(f"org/model-{n}", files={"model.safetensors": 5_000_000,
                                                    "README.md": 900}, license="mit")
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    for name in ("GITHUB_API_URL", "OSF_API_URL", "ARXIV_API_URL"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/unreachable")
    for name in ("GITHUB_TOKEN", "HF_TOKEN", "REPROTRACK_CONFIG", "REPROTRACK_DATABASE_URL",
                 "REPROTRACK_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reprotrack.toml").write_text(
        "[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\nmax_retries = 1\n"
        "timeout = 5\n")
    (tmp_path / "papers.jsonl").write_text("".join(
        json.dumps({"title": f"Model paper {n}", "url": f"https://huggingface.co/org/model-{n}"})
        + "\n" for n in range(2)))

    printed = []
    for index, code in enumerate(python_blocks(), start=1):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{API_DOC}:python block {index}", "exec"), {})  # noqa: S102
        printed.append(out.getvalue())

    # What the examples say they print is what they printed.
    assert printed[0].splitlines() == ["sqlite:///reprotrack.db", "0 papers"]
    lines = printed[1].splitlines()
    assert lines[:2] == ["2 added of 2", "audit #1: completed"]
    assert lines[2].startswith("no paper is due")
    assert "latest.html" in lines[3] and lines[4].startswith("paper_id,title,arxiv_id,score")
    assert (tmp_path / "site" / "latest.md").is_file() and (tmp_path / "scorecards.csv").is_file()
    check = printed[2].splitlines()
    assert check[0] == "False" and check[-2:] == ["1.0", "True"]
    assert "https://huggingface.co/org/model-2 ok" in check
    errors = printed[3].splitlines()
    assert errors[0].startswith("2 [--format]: unknown report format 'pdf'")
    assert errors[1].startswith("Tracker.from_settings [scoring.weigths]: unknown key")
    assert printed[4].strip() == "[]"
    assert "observing" in printed[5] and "scoring" in printed[5]
    more = printed[6].splitlines()
    assert more[:2] == ["hf_model user", "paper-1.svg"]
    assert (tmp_path / "reprotrack-reports" / "badges" / "paper-1.json").is_file()
    assert more[2] == "2 completed {'huggingface': 1}"  # the progress example's audit
    assert more[-1].endswith("scorecards re-judged, no request made")
