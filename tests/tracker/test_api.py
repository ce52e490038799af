"""The Python API: one Tracker, results as values, the CLI's settings and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session, select

from tracker import Tracker
from tracker.api_results import CheckResult
from tracker.errors import InputError
from tracker.store.models import Audit, Paper

FAST = "[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\nmax_retries = 1\ntimeout = 5\n"


@pytest.fixture
def hub_env(fake_hub: FakeHub, tmp_path: Path) -> dict[str, str]:
    """The environment a user would set to point the tool at the fake Hub."""
    fake_hub.add_model("org/model", files={"model.safetensors": 5_000_000}, license="mit")
    return {"HF_ENDPOINT": fake_hub.url, "GITHUB_API_URL": "http://127.0.0.1:9/x",
            "OSF_API_URL": "http://127.0.0.1:9/x", "ARXIV_API_URL": "http://127.0.0.1:9/x"}


def test_settings_resolve_as_on_the_command_line_with_tables_as_keywords(tmp_path: Path) -> None:
    config = tmp_path / "lab.toml"
    config.write_text('[database]\nurl = "sqlite:///from-file.db"\n[audit]\nchunk_size = 7\n')

    tracker = Tracker.from_settings(config, db="sqlite:///from-argument.db", env={},
                                    audit={"interval_days": 3}, import_={"max_file_mb": 1})

    assert tracker.settings.database.url == "sqlite:///from-argument.db"  # argument > file
    assert (tracker.settings.audit.chunk_size, tracker.settings.audit.interval_days) == (7, 3.0)
    assert tracker.settings.import_.max_file_mb == 1.0
    with pytest.raises(InputError, match=r"\[audit.chunks\]: unknown key"):
        Tracker.from_settings(config, env={}, audit={"chunks": 1})


def test_check_returns_a_result_and_adds_the_paper_only_when_asked(
    db_url: str, hub_env: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "rt.toml"
    config.write_text(FAST)
    with Tracker.from_settings(config, db=db_url, env=hub_env) as tracker:
        looked = tracker.check("https://huggingface.co/org/model")
        assert isinstance(looked, CheckResult) and not looked.tracked
        assert looked.paper.id is None and tracker.papers() == []
        assert looked.to_json()["scorecard"]["criteria"]["weights_released"]["score"] == 1.0

        kept = tracker.check("https://huggingface.co/org/model", track=True)
        [(paper, links)] = tracker.papers()
        assert kept.tracked and kept.paper.id == paper.id
        assert [link.url for link in links] == ["https://huggingface.co/org/model"]
        assert kept.score == looked.score and kept.grade == looked.grade


def test_an_audit_of_nothing_records_nothing_and_says_why(db_url: str, tmp_path: Path) -> None:
    with Tracker.from_settings(db=db_url, env={}) as tracker:
        result = tracker.audit()
        due = tracker.audit(due=True)
        with Session(tracker.engine) as session:
            assert session.exec(select(Audit)).all() == []
    assert result.audit is None and result.audit_id is None
    assert result.skipped == "no paper is tracked (see `reprotrack import`)"
    assert due.skipped is not None and due.skipped.startswith("no paper is due")


def test_resume_is_refused_with_a_plan_of_its_own(sqlite_url: str) -> None:
    with Tracker.from_settings(db=sqlite_url, env={}) as tracker:
        with pytest.raises(InputError, match="resume continues the audit's own plan"):
            tracker.audit(resume=True, due=True)
        with pytest.raises(InputError, match="no unfinished audit to resume"):
            tracker.audit(resume=True)


def test_import_then_export_in_memory_and_to_a_file(
    sqlite_url: str, hub_env: dict[str, str], tmp_path: Path
) -> None:
    papers = tmp_path / "ids.txt"
    papers.write_text("2106.09685\n2305.14314\n")
    with Tracker.from_settings(db=sqlite_url, env=hub_env) as tracker:
        imported = tracker.import_papers(papers)
        again = tracker.import_papers(papers, fmt="ids")
        exported = tracker.export("jsonl", tmp_path / "out.jsonl")
        with Session(tracker.engine) as session:
            assert len(session.exec(select(Paper)).all()) == 2
    assert (imported.papers_added, again.papers_added, again.summary.papers_unchanged) == (2, 0, 2)
    assert imported.summary.format == "ids" and len(imported.paper_ids) == 2
    assert exported.path is not None and exported.path.read_text() == exported.text
    assert len(exported.text.splitlines()) == 2
    with pytest.raises(InputError, match="unknown export format 'xlsx'"):
        Tracker.from_settings(db=sqlite_url, env={}).export("xlsx")


def test_links_badges_audits_and_rescoring_through_the_tracker(
    sqlite_url: str, hub_env: dict[str, str], fake_hub: FakeHub, tmp_path: Path
) -> None:
    fake_hub.add_dataset("org/data", files={"data/train.parquet": 2_000_000}, license="cc-by-4.0")
    config = tmp_path / "rt.toml"
    config.write_text(FAST)
    with Tracker.from_settings(config, db=sqlite_url, env=hub_env) as tracker:
        paper = tracker.check("https://huggingface.co/org/model", track=True).paper
        added = tracker.add_link(f"#{paper.id}", "https://huggingface.co/datasets/org/data")
        assert (added.provenance, added.kind) == ("user", "hf_dataset")
        with pytest.raises(InputError):
            tracker.remove_link(f"#{paper.id}", "https://github.com/never/linked")
        audited = tracker.audit()
        assert [a.id for a in tracker.audits()] == [audited.audit_id]
        assert tracker.rescore(audited.audit_id).scorecards == 1
        json_path, svg_path = tracker.badge(f"#{paper.id}", tmp_path / "badges")
        removed = tracker.remove_link(f"#{paper.id}", "https://huggingface.co/datasets/org/data")
    assert removed.url == added.url
    assert json_path.name == f"paper-{paper.id}.json" and svg_path.read_text().startswith("<svg")
    assert '"label": "reproducibility"' in json_path.read_text()
