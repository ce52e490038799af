"""The HTML report: one self-contained, well-formed page with the changes, charts and table."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from audit_scenario import two_audits
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session

from reports.base import RENDERERS
from reports.html import safe_url
from reports.report import Report, build_report
from tracker.store.engine import open_store

VOID = {"meta", "link", "br", "img", "input", "hr", "col", "area", "base", "source", "wbr"}
SVG_LEAVES = {"line", "rect", "circle", "polyline", "path"}  # may be written without children


class PageParser(HTMLParser):
    """Collects every tag with its attributes and checks that elements nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _report(sqlite_url: str, github: FakeGitHub, hub: FakeHub) -> Report:
    engine = open_store(sqlite_url)
    scenario = two_audits(engine, github, hub)
    with Session(engine) as session:
        return build_report(session, scenario.second)


def _parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def test_the_page_is_self_contained_and_well_formed(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    report = _report(sqlite_url, fake_github, fake_hub)
    html = RENDERERS["html"].render(report)
    page = _parse(html)

    assert html.startswith("<!DOCTYPE html>")
    assert page.problems == [] and page.open == []
    assert [tag for tag, _ in page.tags].count("html") == 1
    assert [tag for tag, _ in page.tags].count("style") == 1
    checked = {link.url for row in report.papers for link in row.links}
    arxiv = {f"https://arxiv.org/abs/{row.arxiv_id}" for row in report.papers}
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag  # no external script, image or frame
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")
        href = attrs.get("href") or ""
        if href.startswith(("http://", "https://")):
            assert tag == "a" and href in checked | arxiv, href
    assert {href for tag, attrs in page.tags if tag == "a"
            for href in [attrs.get("href")]} >= checked  # every checked URL is a link
    assert "@import" not in html and "url(" not in html and "{{" not in html


def test_changes_charts_and_a_sortable_table(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    report = _report(sqlite_url, fake_github, fake_hub)
    html = RENDERERS["html"].render(report)
    page = _parse(html)
    text = " ".join(" ".join(page.text).split())

    assert "Needs attention (3)" in text and "Improvements (1)" in text
    assert text.index("Needs attention") < text.index("Improvements") < text.index("Papers")
    assert "changed license from MIT to GPL-3.0" in text
    assert [tag for tag, _ in page.tags].count("figure") == 3
    bars = [attrs for tag, attrs in page.tags if tag == "rect" and attrs.get("class") == "bar"]
    assert len(bars) == 6  # A-F and no score
    lines = [attrs for tag, attrs in page.tags if tag == "polyline"]
    assert len(lines) == 1 + 3  # link health, then code, weights, data
    assert all(len((line["points"] or "").split()) == 2 for line in lines)  # two audits
    headers = [attrs for tag, attrs in page.tags if tag == "th" and "aria-sort" in attrs]
    assert len(headers) == 5 + 10 + 5 and {h["aria-sort"] for h in headers} == {"none"}
    cells = [attrs for tag, attrs in page.tags if tag == "td" and "outcome" in (attrs.get("class")
                                                                                 or "")]
    assert len(cells) == 5 * 10
    assert any("fail" in (c["class"] or "") and "Fix:" in (c["title"] or "") for c in cells)
    assert any("pass" in (c["class"] or "") and "Code is available: pass\n" in (c["title"] or "")
               for c in cells)
    assert "<script>" in html and "aria-sort" in html.split("<script>")[1]


def _header_texts(html: str) -> list[str]:
    table = html.split('<table id="papers">', 1)[1].split("</thead>", 1)[0]
    page = _parse(table)
    return [" ".join(text.split()) for text in page.text if text.strip()]


def test_every_column_has_its_own_header(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    html = RENDERERS["html"].render(_report(sqlite_url, fake_github, fake_hub))
    headers = _header_texts(html)

    assert len(headers) == len(set(headers)) == 20, headers
    assert headers[-5:] == ["Code license", "Weights license", "Data license", "Stars", "Links"]
    assert "Licensed" in headers and "Link health" in headers
    assert "License" not in headers


def test_filters_offer_what_the_papers_have_and_rows_carry_what_they_match(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    report = _report(sqlite_url, fake_github, fake_hub)
    page = _parse(RENDERERS["html"].render(report))
    options: dict[str, list[str | None]] = {}
    current = None
    for tag, attrs in page.tags:
        if tag == "select":
            current = attrs["id"]
        elif tag == "option" and current:
            options.setdefault(current, []).append(attrs["value"])

    assert options == {
        "filter-grade": ["", "A", "B", "F"],
        "filter-missing": ["", "code", "weights", "data", "license", "env", "docs"],
        "filter-host": ["", "GitHub", "Hugging Face"],
    }
    assert [attrs.get("type") for tag, attrs in page.tags if tag == "input"] == ["search"]
    rows = {attrs["data-paper"]: attrs for tag, attrs in page.tags
            if tag == "tr" and "data-paper" in attrs}
    steady = rows[str(next(r.paper_id for r in report.papers if r.title == "Steady Paper"))]
    assert (steady["data-grade"], steady["data-missing"], steady["data-hosts"]) == (
        "A", "weights", "GitHub|Hugging Face")
    assert steady["data-search"] == ("steady paper 2501.00005 arxiv:2501.00005 "
                                     "https://github.com/lab/steady "
                                     "https://huggingface.co/datasets/lab/data")
    count = " ".join(page.text).split("5 of 5 papers")
    assert len(count) == 2  # the live count starts with every paper shown


def test_each_paper_has_a_detail_with_criteria_advice_and_link_history(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    report = _report(sqlite_url, fake_github, fake_hub)
    gone = next(row for row in report.papers if row.title.startswith("Deleted"))
    advised = dataclasses.replace(gone, advice=("GitHub rate limited (1 link): set GITHUB_TOKEN",))
    papers = tuple(advised if row is gone else row for row in report.papers)
    html = RENDERERS["html"].render(dataclasses.replace(report, papers=papers))
    page = _parse(html)

    details = [attrs["id"] for tag, attrs in page.tags if tag == "details"]
    assert details == [f"paper-{row.paper_id}" for row in report.papers]
    links = [attrs["href"] for tag, attrs in page.tags
             if tag == "a" and "detail-link" in (attrs.get("class") or "")]
    assert links == [f"#{detail}" for detail in details]  # every row reaches its detail
    section = html.split(f'<details class="paper" id="paper-{gone.paper_id}">', 1)[1]
    section = " ".join(_parse(section.split("</details>", 1)[0]).text)
    text = " ".join(section.split())
    assert "Code is available fail https://github.com/lab/gone: not reachable (missing)" in text
    assert "Publish the code in a public repository" in text  # the criterion's remediation
    assert "GitHub rate limited (1 link): set GITHUB_TOKEN" in text  # tracker.advice's line
    assert (f"ok audit #{report.history[0].audit_id} → missing audit "
            f"#{report.history[1].audit_id}") in text


def test_text_from_outside_is_escaped(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    report = _report(sqlite_url, fake_github, fake_hub)
    row = dataclasses.replace(report.papers[0], title='<script>alert("x")</script> & co')
    html = RENDERERS["html"].render(dataclasses.replace(report, papers=(row,)))
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in html
    assert safe_url("javascript:alert(1)") == "#" and safe_url("https://a.b/c") == "https://a.b/c"
