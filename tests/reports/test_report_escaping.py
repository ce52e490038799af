"""Hostile text from papers and services stays inert in the Markdown and the HTML report."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from audit_scenario import two_audits
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session

from reports.base import RENDERERS
from reports.markdown import markdown_url
from reports.report import LinkRow, Report, StatusSpan, build_report
from tracker.store.engine import open_store

markdown_it = pytest.importorskip("markdown_it")

HOSTILE_TEXT = ('<script>alert(1)</script> <img src=x onerror=alert(2)> &lt;b&gt; ](x) | '
                '</summary></details><details open>')
HOSTILE_URLS = [
    'https://github.com/lab/repo"><script>alert(3)</script>',
    "https://example.org/a><img src=x onerror=alert(4)>",
    "https://example.org/(x)[y]|z` \"q' <b>",
    "javascript:alert(5)//https://github.com/a/b",
]
# What rendered Markdown may contain: the report's own structure, nothing a paper supplied.
ALLOWED_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "strong", "em", "a", "blockquote", "code",
                "table", "thead", "tbody", "tr", "th", "td", "details", "summary"}


class TagCollector(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _hostile_report(sqlite_url: str, github: FakeGitHub, hub: FakeHub) -> Report:
    engine = open_store(sqlite_url)
    scenario = two_audits(engine, github, hub)
    with Session(engine) as session:
        report = build_report(session, scenario.second)
    history = (StatusSpan(HOSTILE_TEXT, 1, 2, report.audit.started_at),
               StatusSpan("missing", 3, 3, report.audit.started_at))
    links = tuple(LinkRow(url=url, kind=HOSTILE_TEXT, status=HOSTILE_TEXT,
                          provenance=HOSTILE_TEXT, history=history)
                  for url in HOSTILE_URLS)
    licenses = {"code": HOSTILE_TEXT, "weights": HOSTILE_TEXT, "data": HOSTILE_TEXT,
                "conflicts": [HOSTILE_TEXT]}
    rows = tuple(
        dataclasses.replace(row, title=HOSTILE_TEXT, arxiv_id='2501.00001"><script>x</script>',
                            best_code_url=url, license=HOSTILE_TEXT, links=links,
                            grade="<b>A</b>", inconclusive=(HOSTILE_TEXT,),
                            criteria=tuple(dataclasses.replace(
                                cell, evidence=f"{HOSTILE_TEXT}\n{url}", remediation=HOSTILE_TEXT,
                                outcome="fail") for cell in row.criteria),
                            advice=(HOSTILE_TEXT, url), warnings=(HOSTILE_TEXT,),
                            withheld=HOSTILE_TEXT, licenses=licenses, candidates=(url,))
        for row, url in zip(report.papers, HOSTILE_URLS + HOSTILE_URLS, strict=False)
    )
    changes = tuple(dataclasses.replace(change, paper_title=HOSTILE_TEXT,
                                        summary=f"{HOSTILE_URLS[0]} {HOSTILE_TEXT}")
                    for change in report.changes)
    audit = dataclasses.replace(report.audit, message=HOSTILE_TEXT, trigger=HOSTILE_TEXT,
                                requests={HOSTILE_TEXT: 1})
    return dataclasses.replace(report, papers=rows, changes=changes, audit=audit)


def _live_html(markdown: str) -> list[tuple[str, dict[str, str | None]]]:
    """The tags of the Markdown rendered as GitHub-like HTML, raw HTML allowed."""
    renderer = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    collector = TagCollector()
    collector.feed(renderer.render(markdown))
    return collector.tags


def test_markdown_report_keeps_hostile_titles_and_urls_inert(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    report = _hostile_report(sqlite_url, fake_github, fake_hub)
    markdown = RENDERERS["md"].render(report)

    tags = _live_html(markdown)

    assert {tag for tag, _ in tags} <= ALLOWED_TAGS
    attributes = {name for _, attrs in tags for name in attrs}
    assert attributes <= {"href", "style"}, attributes  # style: table column alignment
    hrefs = [attrs["href"] or "" for tag, attrs in tags if tag == "a"]
    assert hrefs and all(href.startswith(("https://", "http://")) for href in hrefs)
    assert not any(char in href for href in hrefs for char in '"<> ')
    # the hostile text is still shown, as text
    assert markdown.count("\\<script\\>alert(1)\\</script\\>") >= len(report.papers)
    # and a title cannot close its <details> block early nor open another one
    assert [tag for tag, _ in tags].count("details") == len(report.papers)
    assert [tag for tag, _ in tags].count("summary") == len(report.papers)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown  # a <summary> holds HTML text


def test_every_papers_table_row_keeps_its_cells(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    markdown = RENDERERS["md"].render(_hostile_report(sqlite_url, fake_github, fake_hub))
    papers = markdown.split("## Papers\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    cells = papers[0].count("|")
    assert all(row.count("|") - row.count("\\|") == cells for row in papers)


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_url_becomes_one_inert_link_or_plain_text(url: str) -> None:
    tags = _live_html(f"- {markdown_url(url)}\n")
    assert [tag for tag, _ in tags if tag not in {"ul", "li", "p"}] in ([], ["a"])
    assert all(set(attrs) <= {"href"} for _, attrs in tags)


def test_html_report_keeps_hostile_titles_and_urls_inert(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    html = RENDERERS["html"].render(_hostile_report(sqlite_url, fake_github, fake_hub))
    collector = TagCollector()
    collector.feed(html)

    assert {tag for tag, _ in collector.tags}.isdisjoint({"img", "iframe", "b"})
    assert [tag for tag, _ in collector.tags].count("script") == 1  # the page's own sorter
    details = [attrs for tag, attrs in collector.tags if tag == "details"]
    assert len(details) == len(html.split("</details>")) - 1  # no details opened by a title
    assert all("open" not in attrs for attrs in details)
    rows = [attrs for tag, attrs in collector.tags if tag == "tr" and "data-search" in attrs]
    assert rows and all(HOSTILE_TEXT.lower() in (attrs["data-search"] or "") for attrs in rows)
    assert not any(name.startswith("on") for _, attrs in collector.tags for name in attrs)
    hrefs = [attrs.get("href") or "" for tag, attrs in collector.tags if tag == "a"]
    assert all(href == "#" or href.startswith(("https://", "http://"))
               or re.fullmatch(r"#(paper|row)-[0-9]+", href) for href in hrefs)  # own anchors


def test_urls_beyond_ascii_stay_readable_but_controls_and_bidi_are_encoded() -> None:
    assert markdown_url("https://例え.jp/パス?q=é") == "<https://例え.jp/パス?q=é>"
    assert markdown_url("https://x.org/\u202egnp.exe\x07") == "<https://x.org/%E2%80%AEgnp.exe%07>"
    assert markdown_url("https://x.org/a(b)", label="a") == "[a](https://x.org/a%28b%29)"
