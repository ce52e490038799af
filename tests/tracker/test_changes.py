"""Change detection between audits: what changed on each link and in each paper's scorecard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from audit_scenario import two_audits
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.changes import Change, ChangeKind, StarsThreshold, detect_changes
from tracker.errors import InputError
from tracker.links import normalise_url
from tracker.sources.base import LinkStatus, Observation
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, Link, Paper, ScorecardRecord
from tracker.store.observations import record_observation
from tracker.store.papers import add_links

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_two_audits_against_the_fakes_list_exactly_what_changed(
    db_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    engine = open_store(db_url)
    scenario = two_audits(engine, fake_github, fake_hub)
    ids = scenario.paper_ids

    with Session(engine) as session:
        changes = detect_changes(session, scenario.second)
        explicit = detect_changes(session, scenario.second, scenario.first)

    assert changes == explicit  # the default previous audit is the latest completed one
    assert [(c.paper_id, c.link_url, c.kind, c.before, c.after, c.severity) for c in changes] == [
        (ids["Deleted | Repository Paper"], "https://github.com/lab/gone",
         ChangeKind.REPO_DELETED, "ok", "missing", "bad"),
        (ids["Deleted | Repository Paper"], None, ChangeKind.GRADE_CHANGED,
         "0.78 (B)", "0.01 (F)", "bad"),
        (ids["License Change Paper"], "https://github.com/lab/relicensed",
         ChangeKind.LICENSE_CHANGED, "MIT", "GPL-3.0", "info"),
        (ids["New Release Paper"], "https://github.com/lab/released",
         ChangeKind.NEW_RELEASE, ("v1.0",), ("v1.1",), "good"),
        (ids["Gated Model Paper"], "https://huggingface.co/lab/model",
         ChangeKind.GATED, "ok", "gated", "bad"),
    ]
    assert [c.summary for c in changes] == [
        "https://github.com/lab/gone was deleted (not found)",
        "Score fell from 0.78 (B) to 0.01 (F)",
        "https://github.com/lab/relicensed changed license from MIT to GPL-3.0",
        "https://github.com/lab/released has a new release or tag: v1.1",
        "https://huggingface.co/lab/model is now gated: files need accepted terms or approval",
    ]
    assert changes[0].paper_title == "Deleted | Repository Paper"


def test_the_first_audit_has_nothing_to_compare_with_and_unknown_audits_are_input_errors(
    sqlite_url: str,
) -> None:
    engine = open_store(sqlite_url)
    first = _audit(engine, T0)
    with Session(engine) as session:
        assert detect_changes(session, first) == []
        with pytest.raises(InputError, match="no audit #99"):
            detect_changes(session, 99)


# ---- rows written directly: one change kind at a time ----------------------------------

def _audit(engine: Engine, started: datetime, status: str = "completed",
           paper_ids: list[int] | None = None) -> int:
    with transaction(engine) as session:
        audit = Audit(started_at=started, finished_at=started + timedelta(minutes=5),
                      status=status, paper_ids=paper_ids or [])
        session.add(audit)
        session.flush()
        assert audit.id is not None
        return audit.id


def _paper(engine: Engine, title: str, *urls: str) -> tuple[int, list[Link]]:
    with transaction(engine) as session:
        paper = Paper(title=title, title_key=title.lower())
        session.add(paper)
        session.flush()
        links = add_links(session, paper, [(normalise_url(u), "abstract") for u in urls])
        session.flush()
        assert paper.id is not None
        return paper.id, links


def _observe(engine: Engine, link: Link, audit_id: int | None, status: str,
             at: datetime, **facts: Any) -> None:
    observation = Observation(service="github", status=LinkStatus(status), facts=facts,
                              checked_at=at)
    with transaction(engine) as session:
        assert link.id is not None
        record_observation(session, link.id, observation, audit_id=audit_id)


def _card(engine: Engine, paper_id: int, audit_id: int, at: datetime, *, score: float,
          grade: str | None, promise: bool = False, status: str = "complete",
          **outcomes: str) -> None:
    criteria = {name: {"outcome": outcome} for name, outcome in outcomes.items()}
    with transaction(engine) as session:
        session.add(ScorecardRecord(paper_id=paper_id, audit_id=audit_id, score=score,
                                    grade=grade, promise_unfulfilled=promise, created_at=at,
                                    findings={"criteria": criteria}, status=status))


def _kinds(changes: list[Change]) -> list[tuple[str | None, ChangeKind, Any, Any, str]]:
    return [(c.link_url, c.kind, c.before, c.after, c.severity) for c in changes]


def test_link_level_changes_rename_archive_private_back_license_and_stars(db_url: str) -> None:
    engine = open_store(db_url)
    urls = ["https://github.com/a/renamed", "https://github.com/a/archived",
            "https://github.com/a/hidden", "https://github.com/a/back",
            "https://github.com/a/licensed", "https://github.com/a/popular",
            "https://example.org/page", "https://github.com/a/limited"]
    paper_id, links = _paper(engine, "Many links", *urls)
    first = _audit(engine, T0, paper_ids=[paper_id])
    second = _audit(engine, T0 + timedelta(days=7), paper_ids=[paper_id])
    at1, at2 = T0 + timedelta(minutes=1), T0 + timedelta(days=7, minutes=1)
    renamed, archived, hidden, back, licensed, popular, page, limited = links
    _observe(engine, renamed, first, "ok", at1)
    _observe(engine, renamed, second, "moved", at2, moved_to="b/renamed")
    _observe(engine, archived, first, "ok", at1, archived=False)
    _observe(engine, archived, second, "ok", at2, archived=True)
    _observe(engine, hidden, first, "ok", at1)
    _observe(engine, hidden, second, "private", at2)
    _observe(engine, back, first, "missing", at1)
    _observe(engine, back, second, "ok", at2)
    _observe(engine, licensed, first, "ok", at1, license_spdx=None)
    _observe(engine, licensed, second, "ok", at2, license_spdx="Apache-2.0")
    _observe(engine, popular, first, "ok", at1, stars=100)
    _observe(engine, popular, second, "ok", at2, stars=150)
    _observe(engine, page, first, "ok", at1)
    _observe(engine, page, second, "missing", at2)
    _observe(engine, limited, first, "ok", at1)
    _observe(engine, limited, second, "rate_limited", at2)  # says nothing: no change

    with Session(engine) as session:
        changes = detect_changes(session, second)
        strict = detect_changes(session, second, stars=StarsThreshold(relative=0.6, minimum=10))

    assert _kinds(changes) == [
        ("https://github.com/a/archived", ChangeKind.ARCHIVED, False, True, "bad"),
        ("https://github.com/a/hidden", ChangeKind.MADE_PRIVATE, "ok", "private", "bad"),
        ("https://example.org/page", ChangeKind.LINK_DIED, "ok", "missing", "bad"),
        ("https://github.com/a/back", ChangeKind.LINK_BACK, "missing", "ok", "good"),
        ("https://github.com/a/licensed", ChangeKind.LICENSE_ADDED, None, "Apache-2.0", "good"),
        ("https://github.com/a/renamed", ChangeKind.RENAMED, "a/renamed", "b/renamed", "info"),
        ("https://github.com/a/popular", ChangeKind.STARS_CHANGED, 100, 150, "info"),
    ]
    assert changes[-1].summary == "https://github.com/a/popular stars rose from 100 to 150"
    assert ChangeKind.STARS_CHANGED not in {c.kind for c in strict}


def test_an_outage_is_neither_links_dying_nor_its_end_an_improvement(db_url: str) -> None:
    engine = open_store(db_url)
    paper_id, links = _paper(engine, "Steady paper", "https://github.com/a/steady",
                             "https://github.com/a/limited")
    steady, limited = links
    audits = [_audit(engine, T0 + timedelta(days=7 * i), paper_ids=[paper_id]) for i in range(3)]
    for i, (status, card) in enumerate([("ok", "complete"), ("error", "incomplete"),
                                        ("ok", "complete")]):
        at = T0 + timedelta(days=7 * i, minutes=1)
        _observe(engine, steady, audits[i], status, at, stars=10)
        _observe(engine, limited, audits[i], "rate_limited" if i == 1 else "ok", at, stars=5)
        graded = card == "complete"
        _card(engine, paper_id, audits[i], at + timedelta(minutes=1),
              score=0.9 if graded else 0.4, grade="A" if graded else None, status=card)

    with Session(engine) as session:
        during = detect_changes(session, audits[1], audits[0])
        after = detect_changes(session, audits[2], audits[1])

    assert during == [] and after == []


def test_scorecard_changes_weights_data_promise_and_score(db_url: str) -> None:
    engine = open_store(db_url)
    paper_id, _ = _paper(engine, "Promised paper")
    first = _audit(engine, T0, paper_ids=[paper_id])
    second = _audit(engine, T0 + timedelta(days=7), paper_ids=[paper_id])
    _card(engine, paper_id, first, T0 + timedelta(minutes=2), score=0.2, grade="F", promise=True,
          weights_released="fail", data_released="pass")
    _card(engine, paper_id, second, T0 + timedelta(days=7, minutes=2), score=0.6, grade="C",
          weights_released="pass", data_released="fail")

    with Session(engine) as session:
        changes = detect_changes(session, second)

    assert _kinds(changes) == [
        (None, ChangeKind.DATA_VANISHED, "pass", "fail", "bad"),
        (None, ChangeKind.WEIGHTS_APPEARED, "fail", "pass", "good"),
        (None, ChangeKind.PROMISED_CODE_APPEARED, True, False, "good"),
        (None, ChangeKind.GRADE_CHANGED, "0.20 (F)", "0.60 (C)", "good"),
    ]


def test_new_papers_and_links_skipped_links_and_unfinished_audits(db_url: str) -> None:
    engine = open_store(db_url)
    old_id, (kept, added) = _paper(engine, "Old paper", "https://github.com/o/kept",
                                   "https://github.com/o/added")
    new_id, (fresh,) = _paper(engine, "New paper", "https://github.com/o/fresh")
    first = _audit(engine, T0, paper_ids=[old_id])
    failed = _audit(engine, T0 + timedelta(days=3), status="failed", paper_ids=[old_id])
    second = _audit(engine, T0 + timedelta(days=7), paper_ids=[old_id, new_id])
    # `kept` was observed only in a one-off check before the first audit ended, then went
    # missing during the failed audit (not a baseline), and the second audit skipped it.
    _observe(engine, kept, None, "ok", T0 + timedelta(minutes=1))
    _observe(engine, kept, failed, "missing", T0 + timedelta(days=3, minutes=1))
    _observe(engine, added, second, "ok", T0 + timedelta(days=7, minutes=1))
    _observe(engine, fresh, second, "ok", T0 + timedelta(days=7, minutes=1))
    _card(engine, new_id, second, T0 + timedelta(days=7, minutes=2), score=0.9, grade="A")

    with Session(engine) as session:
        changes = detect_changes(session, second)

    assert _kinds(changes) == [
        ("https://github.com/o/kept", ChangeKind.REPO_DELETED, "ok", "missing", "bad"),
        ("https://github.com/o/added", ChangeKind.NEW_LINK, None, "ok", "info"),
        (None, ChangeKind.NEW_PAPER, None, "0.90 (A)", "info"),
    ]
    assert changes[-1].paper_title == "New paper"


def test_a_readme_promise_kept_is_reported_as_such(db_url: str) -> None:
    engine = open_store(db_url)
    paper_id, _ = _paper(engine, "Promised weights")
    first = _audit(engine, T0, paper_ids=[paper_id])
    second = _audit(engine, T0 + timedelta(days=7), paper_ids=[paper_id])
    _card(engine, paper_id, first, T0 + timedelta(minutes=2), score=0.5, grade="C",
          promise=True)
    _card(engine, paper_id, second, T0 + timedelta(days=7, minutes=2), score=0.5, grade="C")
    with transaction(engine) as session:
        card = session.exec(select(ScorecardRecord).where(
            ScorecardRecord.audit_id == first)).one()
        card.findings = {**card.findings, "promise_evidence": [
            "https://github.com/lab/m: README placeholder for weights: '[HF](<hf_model_link>)'"]}
        session.add(card)

    with Session(engine) as session:
        [change] = detect_changes(session, second)

    assert change.summary == "Promise kept: the weights the README promised were released"
