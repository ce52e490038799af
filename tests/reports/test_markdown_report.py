"""The Markdown report: the summary, then the changes by severity, then the papers."""

from __future__ import annotations

import dataclasses

from audit_scenario import two_audits
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from markdown_it import MarkdownIt
from sqlmodel import Session

from reports.base import RENDERERS
from reports.markdown import markdown_text
from reports.report import Report, build_report
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


def _report(sqlite_url: str, github: FakeGitHub, hub: FakeHub, audit: str = "second") -> Report:
    engine = open_store(sqlite_url)
    scenario = two_audits(engine, github, hub)
    with Session(engine) as session:
        return build_report(session, getattr(scenario, audit))


def _markdown(sqlite_url: str, github: FakeGitHub, hub: FakeHub, audit: str = "second") -> str:
    return RENDERERS["md"].render(_report(sqlite_url, github, hub, audit))


def _github_html(markdown: str) -> str:
    """The Markdown as GitHub renders it (CommonMark, tables, raw HTML such as <details>)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


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


def test_the_criteria_grid_shows_marks_and_unavailable_as_a_warning(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    report = _report(sqlite_url, fake_github, fake_hub)
    steady = next(row for row in report.papers if row.title == "Steady Paper")
    cells = tuple(dataclasses.replace(cell, outcome="unavailable", score=None)
                  if cell.id in ("weights_released", "data_released") else cell
                  for cell in steady.criteria)
    withheld = dataclasses.replace(steady, criteria=cells, grade=None, status="incomplete",
                                   withheld="weights and data could not be checked")
    papers = tuple(withheld if row is steady else row for row in report.papers)
    text = RENDERERS["md"].render(dataclasses.replace(report, papers=papers))

    grid = text.split("### Criteria\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert grid[0] == ("| Paper | Code | Licensed | Env | Train | Eval | Weights | Data | Docs "
                       "| Release | Link health |")
    assert grid[2:] == [
        "| Deleted \\| Repository Paper | ❌ | ❌ | ❌ | ❌ | ❌ | ❌ | ❌ | ❌ | ❌ | 🟡 |",
        "| License Change Paper | ✅ | ✅ | ✅ | ✅ | ✅ | ❌ | ❌ | 🟡 | ✅ | ✅ |",
        "| New Release Paper | ✅ | ✅ | ✅ | ✅ | ✅ | ❌ | ❌ | 🟡 | ✅ | ✅ |",
        "| Gated Model Paper | ❌ | ✅ | ❌ | ❌ | ❌ | ✅ | ❌ | ❌ | ❌ | ✅ |",
        "| Steady Paper | ✅ | ✅ | ✅ | ✅ | ✅ | ⚠️ | ⚠️ | 🟡 | ✅ | ✅ |",
    ]
    assert "| 5 | Steady Paper (" in text and "| 0.88 | ⚠️ withheld |" in text
    assert ("<details><summary>#5 Steady Paper: ⚠️ grade withheld, score 0.88</summary>"
            in text)
    assert "Grade withheld: weights and data could not be checked." in text


def test_each_paper_has_a_collapsible_detail_that_renders_on_github(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    report = _report(sqlite_url, fake_github, fake_hub)
    text = RENDERERS["md"].render(report)
    html = _github_html(text)

    details = html.split("<h3>Paper details</h3>", 1)[1].split("<h2>", 1)[0]
    blocks = details.split("<details>")[1:]
    assert len(blocks) == len(report.papers)
    assert all(block.count("</details>") == 1 and block.count("<table>") == 2
               for block in blocks)  # the criteria and the links render as tables inside
    gone = blocks[0]
    assert gone.startswith("<summary>#1 Deleted | Repository Paper: F, score 0.01</summary>")
    assert ("<td>Code is available</td>\n<td style=\"text-align:center\">❌ fail</td>"
            in gone)
    first, second = (point.audit_id for point in report.history)
    assert f"<td>ok (#{first}) → missing (#{second})</td>" in gone
    steady = blocks[4]
    assert f"<td>ok (#{first}–#{second})</td>" in steady  # one run of the same status


def test_markdown_text_escapes_what_could_break_a_table_or_start_a_link() -> None:
    assert markdown_text("a | b [x](y) *z* `c`\n<tag>") == (
        "a \\| b \\[x\\](y) \\*z\\* \\`c\\` \\<tag\\>")
    assert markdown_text("snake_case_name") == "snake_case_name"
