"""The HTML report in a real headless Chromium: sorting, search and filters with their live
count, the per-paper details, cells that never overflow at 1440 and 800 px, the release chart,
and a page that loads nothing from anywhere."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from audit_scenario import two_audits
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from sqlmodel import Session

from reports.base import RENDERERS
from reports.report import LinkRow, Report, build_report
from tracker.store.engine import open_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOT = Path("/tmp/reprotrack-report.png")
WIDE_SCREENSHOT = Path("/tmp/reprotrack-report-1440.png")  # the page as a user first sees it
# A link with no natural break for 180 characters, on a paper with a long title: what must wrap.
LONG_URL = "https://zenodo.org/records/" + "x" * 180 + "/files/weights-and-data.tar.gz"
LONG_TITLE = "A Study " + "Of Extremely " * 12 + "Long Titles"
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1440,2000")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="no chromium/chromedriver binary (Debian packages chromium, chromium-driver)",
)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    """Debian's Chromium driven by its own chromedriver (nothing is downloaded)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGS:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _titles(driver: WebDriver) -> list[str]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#papers tbody tr")
    return [row.find_elements(By.TAG_NAME, "td")[1].text.splitlines()[0] for row in rows
            if row.is_displayed()]


def _scenario_report(sqlite_url: str, github: FakeGitHub, hub: FakeHub) -> Report:
    engine = open_store(sqlite_url)
    scenario = two_audits(engine, github, hub)
    with Session(engine) as session:
        return build_report(session, scenario.second)


def _open(browser: WebDriver, report: Report, folder: Path, fragment: str = "") -> None:
    page = folder / "report.html"
    page.write_text(RENDERERS["html"].render(report), encoding="utf-8")
    browser.get(page.as_uri() + fragment)


def _count(browser: WebDriver) -> str:
    return browser.find_element(By.ID, "filter-count").text


def _choose(browser: WebDriver, control: str, value: str) -> None:
    Select(browser.find_element(By.ID, control)).select_by_value(value)


def _search(browser: WebDriver, text: str) -> None:
    box = browser.find_element(By.ID, "search")
    box.send_keys(Keys.CONTROL, "a")  # typed as a user would: clear() fires no input event
    box.send_keys(text or Keys.BACKSPACE)


def _detail(browser: WebDriver, paper_id: int) -> WebElement:
    return browser.find_element(By.ID, f"paper-{paper_id}")


def _in_viewport(browser: WebDriver, element: WebElement) -> bool:
    return bool(browser.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.top < window.innerHeight;", element))


def _header(driver: WebDriver, label: str):  # type: ignore[no-untyped-def]
    for header in driver.find_elements(By.CSS_SELECTOR, "#papers thead th"):
        if header.text.strip().rstrip("▲▼ ").strip() == label:
            return header
    raise AssertionError(f"no column {label!r}")


def test_clicking_headers_sorts_the_papers(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub, browser: WebDriver,
    tmp_path: Path,
) -> None:
    engine = open_store(sqlite_url)
    scenario = two_audits(engine, fake_github, fake_hub)
    with Session(engine) as session:
        report = build_report(session, scenario.second)
    page = tmp_path / "report.html"
    page.write_text(RENDERERS["html"].render(report), encoding="utf-8")
    scores = {row.title: row.score for row in report.papers}

    browser.get(page.as_uri())
    in_id_order = _titles(browser)
    assert in_id_order == [row.title for row in report.papers]

    _header(browser, "Score").find_element(By.TAG_NAME, "button").click()
    ascending = _titles(browser)
    assert [scores[t] for t in ascending] == sorted(scores.values())  # type: ignore[type-var]
    assert ascending[0] == "Deleted | Repository Paper" and ascending != in_id_order
    assert _header(browser, "Score").get_attribute("aria-sort") == "ascending"

    _header(browser, "Score").find_element(By.TAG_NAME, "button").click()
    descending = _titles(browser)
    assert [scores[t] for t in descending] == sorted(scores.values(), reverse=True)  # type: ignore[type-var]
    assert _header(browser, "Score").get_attribute("aria-sort") == "descending"

    _header(browser, "Stars").find_element(By.TAG_NAME, "button").click()
    by_stars = _titles(browser)  # numeric, not 120 < 305 < 8; unknown stars last
    assert by_stars[:3] == ["New Release Paper", "License Change Paper", "Steady Paper"]
    assert _header(browser, "Score").get_attribute("aria-sort") == "none"

    _header(browser, "Paper").find_element(By.TAG_NAME, "button").click()
    assert _titles(browser) == sorted(in_id_order, key=str.lower)
    browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000


def test_search_and_each_filter_narrow_the_papers_with_a_live_count(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub, browser: WebDriver,
    tmp_path: Path,
) -> None:
    report = _scenario_report(sqlite_url, fake_github, fake_hub)
    ids = {row.title: row.paper_id for row in report.papers}
    _open(browser, report, tmp_path)
    assert _count(browser) == "5 of 5 papers"
    assert browser.find_element(By.ID, "filters").is_displayed()  # shown once the script runs

    _search(browser, "steady")  # a word of the title, any case
    assert _titles(browser) == ["Steady Paper"] and _count(browser) == "1 of 5 papers"
    assert not _detail(browser, ids["Gated Model Paper"]).is_displayed()  # details follow
    _search(browser, "arXiv:2501.00004")
    assert _titles(browser) == ["Gated Model Paper"]
    _search(browser, "github.com/lab/released")  # part of a link's URL
    assert _titles(browser) == ["New Release Paper"]
    _search(browser, "")
    assert _count(browser) == "5 of 5 papers"

    _choose(browser, "filter-grade", "F")
    assert _titles(browser) == ["Deleted | Repository Paper", "Gated Model Paper"]
    _choose(browser, "filter-grade", "")
    _choose(browser, "filter-missing", "data")
    assert _count(browser) == "4 of 5 papers" and "Steady Paper" not in _titles(browser)
    _choose(browser, "filter-missing", "")
    _choose(browser, "filter-host", "Hugging Face")
    assert _titles(browser) == ["Gated Model Paper", "Steady Paper"]

    _choose(browser, "filter-grade", "F")  # combined: an F paper with a Hub link
    assert _titles(browser) == ["Gated Model Paper"] and _count(browser) == "1 of 5 papers"
    _search(browser, "steady")
    assert _titles(browser) == [] and _count(browser) == "0 of 5 papers"
    assert browser.find_element(By.ID, "no-match").is_displayed()

    browser.find_element(By.ID, "filter-reset").click()
    assert _count(browser) == "5 of 5 papers" and len(_titles(browser)) == 5
    assert not browser.find_element(By.ID, "no-match").is_displayed()


def test_a_paper_detail_opens_from_its_link_its_row_and_the_address(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub, browser: WebDriver,
    tmp_path: Path,
) -> None:
    report = _scenario_report(sqlite_url, fake_github, fake_hub)
    gone, relicensed, gated = report.papers[0], report.papers[1], report.papers[3]
    _open(browser, report, tmp_path)
    assert all(d.get_attribute("open") is None
               for d in browser.find_elements(By.CSS_SELECTOR, "details.paper"))

    row = browser.find_element(By.ID, f"row-{gone.paper_id}")
    row.find_element(By.CSS_SELECTOR, "a.detail-link").click()
    detail = _detail(browser, gone.paper_id)
    assert detail.get_attribute("open") is not None and _in_viewport(browser, detail)
    body = detail.find_element(By.CSS_SELECTOR, ".detail-body").text
    assert "Code is available fail https://github.com/lab/gone: not reachable (missing)" in body
    assert "Publish the code in a public repository" in body
    first, second = (point.audit_id for point in report.history)
    assert f"ok audit #{first} → missing audit #{second}" in body

    browser.find_element(By.ID, f"row-{relicensed.paper_id}").find_element(
        By.CSS_SELECTOR, "td.num").click()  # a click anywhere on the row
    assert _detail(browser, relicensed.paper_id).get_attribute("open") is not None
    assert browser.current_url.endswith(f"#paper-{relicensed.paper_id}")

    _open(browser, report, tmp_path, fragment=f"#paper-{gated.paper_id}")  # a shared address
    assert _detail(browser, gated.paper_id).get_attribute("open") is not None


OVERFLOWS = """
var problems = [];
document.querySelectorAll("table").forEach(function (table) {
  var box = table.getBoundingClientRect();
  table.querySelectorAll("th, td").forEach(function (cell) {
    var r = cell.getBoundingClientRect();
    if (cell.scrollWidth > cell.clientWidth + 1 || r.right > box.right + 1 || r.left < box.left - 1) {
      problems.push(cell.textContent.trim().slice(0, 40));
    }
  });
});
return problems;
"""


def test_no_cell_overflows_its_table_at_1440_and_800_pixels(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub, browser: WebDriver,
    tmp_path: Path,
) -> None:
    report = _scenario_report(sqlite_url, fake_github, fake_hub)
    steady = report.papers[4]
    long_row = dataclasses.replace(steady, title=LONG_TITLE, links=(
        *steady.links, LinkRow(LONG_URL, "zenodo_record", "ok", "readme")))
    report = dataclasses.replace(report, papers=(*report.papers[:4], long_row))
    _open(browser, report, tmp_path)
    browser.execute_script(
        "document.querySelectorAll('details.paper').forEach(function (d) { d.open = true; });")

    for width in (1440, 800):
        browser.set_window_size(width, 1200)
        assert browser.execute_script("return window.innerWidth") == width
        assert browser.execute_script(OVERFLOWS) == [], width
        # the page itself never scrolls sideways; only the papers' table may, inside its frame
        assert browser.execute_script("var page = document.documentElement;"
                                      "return page.scrollWidth <= page.clientWidth"), width
        links = browser.find_element(By.CSS_SELECTOR, f"#row-{steady.paper_id} td.links")
        assert "weights-and-data.tar.gz" in links.text  # wrapped, not clipped
        frame = browser.find_element(By.CSS_SELECTOR, ".table-wrap")
        browser.execute_script("arguments[0].scrollLeft = arguments[0].scrollWidth", frame)
        assert browser.execute_script(  # the Links column can always be reached
            "return arguments[0].getBoundingClientRect().right <= "
            "arguments[1].getBoundingClientRect().right + 1", links, frame)
        if width == 1440:  # wide enough: the whole table shows without scrolling
            assert browser.execute_script(
                "return arguments[0].scrollWidth <= arguments[0].clientWidth", frame)


def test_the_release_chart_has_one_series_per_kind_and_the_page_loads_nothing(
    sqlite_url: str, fake_github: FakeGitHub, fake_hub: FakeHub, browser: WebDriver,
    tmp_path: Path,
) -> None:
    report = _scenario_report(sqlite_url, fake_github, fake_hub)
    _open(browser, report, tmp_path)

    chart = browser.find_element(By.ID, "release-chart")
    series = chart.find_elements(By.CSS_SELECTOR, "svg[role=img] g.series")
    assert [s.get_attribute("data-kind") for s in series] == ["code", "weights", "data"]
    for element in series:
        assert len(element.find_elements(By.CSS_SELECTOR, "circle, rect, polygon")) == 2
        assert len(element.find_elements(By.TAG_NAME, "polyline")) == 1
    assert chart.find_element(By.CSS_SELECTOR, "g.series[data-kind=code] title").get_attribute(
        "textContent").endswith(": 80% (4 of 5 papers)")
    legend = [item.text for item in chart.find_elements(By.CSS_SELECTOR, ".legend li")]
    assert legend == ["Code 60%", "Weights 20%", "Data 20%"]

    # one self-contained file: nothing fetched, no external script, style, image or frame
    assert browser.execute_script(
        "return performance.getEntriesByType('resource').length") == 0
    assert browser.execute_script("""
        return Array.prototype.filter.call(
          document.querySelectorAll("script[src], link[href], img, iframe, object, embed,"
                                    + " [style*='url(']"), function () { return true; }).length
    """) == 0

    browser.set_window_size(1440, 1000)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1440, height)
    browser.save_screenshot(str(WIDE_SCREENSHOT))
    assert WIDE_SCREENSHOT.stat().st_size > 10_000
