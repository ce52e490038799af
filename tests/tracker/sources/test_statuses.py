"""The status table: every source maps a final HTTP status to a link status through it."""

from __future__ import annotations

import pytest

from tracker.kernel import LinkStatus
from tracker.sources.direct_files import file_status
from tracker.sources.share_pages import PageReading, judge_page
from tracker.sources.statuses import link_status


@pytest.mark.parametrize(("code", "service", "status"), [
    (404, "github", LinkStatus.MISSING),
    (451, "github", LinkStatus.BLOCKED),
    (403, "github", LinkStatus.ERROR),  # a permission problem, not a fact about the repository
    (401, "github", LinkStatus.ERROR),  # a rejected token
    (403, "direct_file", LinkStatus.PRIVATE),
    (416, "direct_file", LinkStatus.OK),
    (403, "share_page", LinkStatus.PRIVATE),
    (403, "figshare", LinkStatus.PRIVATE),
    (410, "figshare", LinkStatus.MISSING),
    (500, "web", LinkStatus.ERROR),  # what is left after the retries: never a fact
    (304, "web", LinkStatus.ERROR),  # a 304 is handled before the table, never a fact
])
def test_each_service_s_documented_meaning(code: int, service: str, status: LinkStatus) -> None:
    assert link_status(code, service)[0] is status


def test_the_reason_names_the_code_and_its_meaning_and_ok_has_none() -> None:
    assert link_status(404, "web") == (LinkStatus.MISSING, "HTTP 404 (not found)")
    assert link_status(418, "web") == (LinkStatus.ERROR, "unexpected HTTP 418")
    assert link_status(204, "web") == (LinkStatus.OK, None)
    assert link_status(416, "direct_file") == (LinkStatus.OK, None)


def test_direct_files_read_the_table() -> None:
    assert file_status(403) == (LinkStatus.PRIVATE, "HTTP 403 (access denied)")
    assert file_status(410) == (LinkStatus.MISSING, "HTTP 410 (deleted)")
    assert file_status(451)[0] is LinkStatus.BLOCKED


def test_a_share_page_s_words_come_before_its_403_but_not_before_its_404() -> None:
    asks = PageReading(text="You need permission. Request access", title="Google Drive")
    assert judge_page("drive", 403, asks)[0] is LinkStatus.GATED
    assert judge_page("drive", 403, PageReading(text="", title="")) == (
        LinkStatus.PRIVATE, "HTTP 403 (no permission)")
    assert judge_page("drive", 404, asks)[0] is LinkStatus.MISSING
    assert judge_page("drive", 401, asks)[0] is LinkStatus.PRIVATE
