"""The HTML report in a real headless Chromium: clicking a column header sorts the papers."""

from __future__ import annotations

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
from selenium.webdriver.remote.webdriver import WebDriver
from sqlmodel import Session

from reports.base import RENDERERS
from reports.report import build_report
from tracker.store.engine import open_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOT = Path("/tmp/reprotrack-report.png")
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
    return [row.find_elements(By.TAG_NAME, "td")[1].text.splitlines()[0] for row in rows]


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
