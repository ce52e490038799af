"""Building the Report value of an audit from the store: figures, rows, changes, history."""

from __future__ import annotations

import pytest
from audit_scenario import two_audits
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session

from reports.report import build_report
from tracker.changes import detect_changes
from tracker.errors import InputError
from tracker.store.engine import open_store


def test_the_report_of_the_second_audit(db_url: str, fake_github: FakeGitHub,
                                        fake_hub: FakeHub) -> None:
    engine = open_store(db_url)
    scenario = two_audits(engine, fake_github, fake_hub)

    with Session(engine) as session:
        report = build_report(session, scenario.second)
        changes = detect_changes(session, scenario.second)

    assert (report.audit.id, report.audit.status, report.previous_audit_id) == (
        scenario.second, "completed", scenario.first)
    assert report.audit.duration_seconds is not None and report.audit.duration_seconds >= 0
    assert report.audit.requests["github"] > 0 and report.audit.not_modified["github"] > 0
    assert report.changes == tuple(changes)

    summary = report.summary
    assert (summary.papers, summary.links) == (5, 6)
    assert (summary.with_code, summary.with_osi_license, summary.with_any_license) == (3, 4, 4)
    assert (summary.with_weights, summary.with_data, summary.promise_unfulfilled) == (1, 1, 0)
    assert summary.share(summary.with_code) == pytest.approx(0.6)
    assert summary.grade_distribution == {"A": 1, "B": 2, "C": 0, "D": 0, "F": 2, "no score": 0}
    assert sum(summary.checklist_distribution.values()) == 5
    assert list(summary.checklist_distribution) == [0, 1, 2, 3, 4, 5]
    assert summary.links_by_status == {"ok": 4, "missing": 1, "gated": 1}

    rows = {row.title: row for row in report.papers}
    assert [row.paper_id for row in report.papers] == sorted(scenario.paper_ids.values())
    relicensed = rows["License Change Paper"]
    assert (relicensed.license, relicensed.stars, relicensed.grade) == ("GPL-3.0", 120, "B")
    assert relicensed.best_code_url == "https://github.com/lab/relicensed"
    assert relicensed.arxiv_id == "2501.00002"
    assert [cell.id for cell in relicensed.criteria][:2] == ["code_available", "license"]
    assert relicensed.criteria[0].outcome == "pass" and relicensed.criteria[0].evidence
    gone = rows["Deleted | Repository Paper"]
    assert [(link.url, link.status) for link in gone.links] == [
        ("https://github.com/lab/gone", "missing")]
    assert rows["Gated Model Paper"].license == "apache-2.0"  # read from the Hub model

    assert [(p.audit_id, p.links_reachable_share) for p in report.history] == [
        (scenario.first, 1.0), (scenario.second, pytest.approx(5 / 6))]
    assert report.history[0].grade_distribution["B"] == 3


def test_each_link_carries_its_status_over_the_audits_and_each_audit_its_releases(
    db_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    engine = open_store(db_url)
    scenario = two_audits(engine, fake_github, fake_hub)
    first, second = scenario.first, scenario.second

    with Session(engine) as session:
        report = build_report(session, second)

    rows = {row.title: row for row in report.papers}
    [gone] = rows["Deleted | Repository Paper"].links
    assert [(s.status, s.first_audit, s.last_audit) for s in gone.history] == [
        ("ok", first, first), ("missing", second, second)]
    assert gone.history[1].since == report.audit.started_at
    steady = rows["Steady Paper"]
    assert [[(s.status, s.first_audit, s.last_audit) for s in link.history]
            for link in steady.links] == [[("ok", first, second)]] * 2  # one run, not two
    assert [link.host for link in steady.links] == ["GitHub", "Hugging Face"]
    assert steady.hosts == ("GitHub", "Hugging Face") and steady.missing == ("weights",)
    assert rows["Gated Model Paper"].missing == ("code", "data", "env", "docs")
    assert rows["Gated Model Paper"].code_license is None  # the model's license is not code's
    assert rows["Gated Model Paper"].weights_license == "Apache-2.0"

    # the second audit lost the deleted repository's code: 4 of 5 papers, then 3 of 5
    assert [(p.audit_id, p.papers, p.released) for p in report.history] == [
        (first, 5, {"code": 4, "weights": 1, "data": 1}),
        (second, 5, {"code": 3, "weights": 1, "data": 1})]
    assert report.history[-1].release_share("code") == pytest.approx(0.6)
    assert report.grade_counts == {"A": 1, "B": 2, "F": 2}
    assert report.hosts == ("GitHub", "Hugging Face")
    assert report.missing_counts == {"code": 2, "weights": 4, "data": 4, "license": 1,
                                     "env": 2, "docs": 2}


def test_the_first_audit_reports_no_previous_audit_and_no_changes(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    engine = open_store(sqlite_url)
    scenario = two_audits(engine, fake_github, fake_hub)
    with Session(engine) as session:
        report = build_report(session, scenario.first)
        assert (report.previous_audit_id, report.changes) == (None, ())
        assert [p.audit_id for p in report.history] == [scenario.first]
        with pytest.raises(InputError):
            build_report(session, 12345)
