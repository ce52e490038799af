"""The Markdown report: the summary, then the changes by severity, then the papers."""

from __future__ import annotations

from audit_scenario import two_audits
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session

from reports.base import RENDERERS
from reports.markdown import markdown_text
from reports.report import build_report
from tracker.store.engine import open_store

SUMMARY = """\
## Summary

| Figure | Papers | Share |
|---|---:|---:|
| Papers audited | 5 | |
| Code available | 3 | 60% |
| OSI-approved (or open data) license | 4 | 80% |
| Any license | 4 | 80% |
| Weights released | 1 | 20% |
| Data released | 1 | 20% |
| Promised code still missing | 0 | 0% |
"""

CHANGES = """\
## Changes since audit #1

### Needs attention (3)

- **Deleted \\| Repository Paper**: https://github.com/lab/gone was deleted (not found)
- **Deleted \\| Repository Paper**: Score fell from 0.78 (B) to 0.01 (F)
- **Gated Model Paper**: https://huggingface.co/lab/model is now gated: files need accepted \
terms or approval

### Improvements (1)

- **New Release Paper**: https://github.com/lab/released has a new release or tag: v1.1

### Other changes (1)

- **License Change Paper**: https://github.com/lab/relicensed changed license from MIT to GPL-3.0
"""


def _markdown(sqlite_url: str, github: FakeGitHub, hub: FakeHub, audit: str = "second") -> str:
    engine = open_store(sqlite_url)
    scenario = two_audits(engine, github, hub)
    with Session(engine) as session:
        report = build_report(session, getattr(scenario, audit))
    return RENDERERS["md"].render(report)


def test_the_summary_and_the_changes_come_first_then_the_papers(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    text = _markdown(sqlite_url, fake_github, fake_hub)

    assert text.startswith("# Reproducibility audit #2\n")
    assert SUMMARY in text and CHANGES in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Summary", "## Changes since audit #1", "## Papers", "## Audit cost"]
    assert "| Papers | 1 | 2 | 0 | 0 | 2 | 0 |" in text  # grades A..F, no score
    assert "Links: 6 in all; ok: 4; missing: 1; gated: 1." in text


def test_the_papers_table_has_one_row_per_paper_with_pipes_escaped(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    text = _markdown(sqlite_url, fake_github, fake_hub)
    papers = text.split("## Papers\n\n", 1)[1].split("\n\n", 1)[0]
    rows = papers.splitlines()
    assert rows[0].startswith("| # | Paper | Score | Grade | Checklist | Code |")
    assert len(rows) == 2 + 5
    assert all(row.count("|") - row.count("\\|") == rows[0].count("|") for row in rows)
    assert rows[2].startswith(
        "| 1 | Deleted \\| Repository Paper ([arXiv:2501.00001](https://arxiv.org/abs/2501.00001))"
        " | 0.01 | F | 0/5 | <https://github.com/lab/gone> | none |")
    assert "- <https://github.com/lab/gone> (github_repo): **missing**" in text


def test_the_first_audit_says_there_is_nothing_to_compare_with(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    text = _markdown(sqlite_url, fake_github, fake_hub, audit="first")
    assert "## Changes\n\nNo earlier completed audit to compare with." in text


def test_markdown_text_escapes_what_could_break_a_table_or_start_a_link() -> None:
    assert markdown_text("a | b [x](y) *z* `c`\n<tag>") == (
        "a \\| b \\[x\\](y) \\*z\\* \\`c\\` \\<tag\\>")
    assert markdown_text("snake_case_name") == "snake_case_name"
