"""WebSource against loopback pages and a fake Zenodo API: statuses, redirects, facts."""

from __future__ import annotations

import json

import pytest

from fakes.web import FakeWeb, fake_web  # noqa: F401  (fixture)
from tracker.links import LinkKind, NormalisedLink
from tracker.sources.base import LinkStatus, RequestLedger
from tracker.sources.web import WebSource


def page_link(fake: FakeWeb, path: str, kind: LinkKind = LinkKind.WEB) -> NormalisedLink:
    url = fake.url + path
    return NormalisedLink(url, kind, "127.0.0.1", url)


def zenodo_link(record_id: int) -> NormalisedLink:
    return NormalisedLink(f"https://zenodo.org/records/{record_id}", LinkKind.ZENODO_RECORD,
                          "zenodo.org", str(record_id))


def make_source(fake: FakeWeb, **kwargs: object) -> WebSource:
    options: dict[str, object] = dict(zenodo_api_url=fake.url + "/api", ledger=RequestLedger(),
                                      backoff_base=0.01, max_retries=2, max_rate_limit_wait=2.0,
                                      timeout=(2.0, 2.0))
    options.update(kwargs)
    return WebSource(**options)  # type: ignore[arg-type]


def test_html_page_is_ok_with_title_and_outbound_links(fake_web: FakeWeb) -> None:
    link = page_link(fake_web, "/project.html", LinkKind.PROJECT_PAGE)
    observation = make_source(fake_web).observe(link)
    assert observation.status is LinkStatus.OK and observation.requests == 1
    facts = observation.facts
    assert facts["title"] == "Project Page of Paper X"
    assert facts["content_type"] == "text/html" and facts["status_code"] == 200
    assert facts["content_length"] > 0 and facts["body_truncated"] is False
    assert facts["redirects"] == [] and facts["final_url"] == fake_web.url + "/project.html"
    assert facts["outbound_links"] == [
        "https://github.com/acme/paper-x",
        "https://huggingface.co/acme/model-x",
        fake_web.url + "/docs/data.html",
        fake_web.url + "/abs/path",
    ]
    json.dumps(facts)


def test_outbound_links_are_capped_at_500(fake_web: FakeWeb) -> None:
    anchors = "".join(f'<a href="/p/{i}">{i}</a>' for i in range(800))
    fake_web.add_page("/many-links", f"<title>Many</title>{anchors}")
    observation = make_source(fake_web).observe(page_link(fake_web, "/many-links"))
    assert len(observation.facts["outbound_links"]) == 500


def test_temporary_redirect_is_ok_with_the_chain(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/temporary"))
    assert observation.status is LinkStatus.OK
    assert observation.facts["final_url"] == fake_web.url + "/project.html"
    assert observation.facts["redirects"] == [
        {"status": 302, "url": fake_web.url + "/temporary",
         "location": fake_web.url + "/project.html"}
    ]
    assert observation.requests == 2


def test_permanent_redirect_to_another_path_is_moved(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/old-home"))
    assert observation.status is LinkStatus.MOVED
    assert observation.facts["final_url"] == fake_web.url + "/project.html"
    assert observation.facts["title"] == "Project Page of Paper X"


def test_permanent_redirect_to_another_host_is_moved(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/moved-away"))
    assert observation.status is LinkStatus.MOVED
    assert observation.facts["final_url"].startswith("http://localhost:")


def test_trailing_slash_redirect_is_not_a_move(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/slash"))
    assert observation.status is LinkStatus.OK
    assert observation.facts["final_url"] == fake_web.url + "/slash/"


def test_307_then_308_chain_is_followed_and_recorded(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/hop-307"))
    assert [hop["status"] for hop in observation.facts["redirects"]] == [307, 308]
    assert observation.status is LinkStatus.MOVED  # the 308 is permanent and the path changed


def test_redirect_to_a_dead_page_is_missing(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/dead-move"))
    assert observation.status is LinkStatus.MISSING


def test_redirect_loop_ends_as_error(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/loop-a"))
    assert observation.status is LinkStatus.ERROR
    assert "redirect loop" in (observation.reason or "")
    assert observation.requests == 2


def test_too_many_redirects_end_as_error(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/chain/0"))
    assert observation.status is LinkStatus.ERROR
    assert "more than 10 redirects" in (observation.reason or "")
    assert observation.requests == 10


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/nowhere", LinkStatus.MISSING),
        ("/removed", LinkStatus.MISSING),
        ("/login", LinkStatus.PRIVATE),
        ("/forbidden", LinkStatus.BLOCKED),
        ("/legal", LinkStatus.BLOCKED),
    ],
)
def test_error_statuses(fake_web: FakeWeb, path: str, status: LinkStatus) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, path))
    assert observation.status is status
    assert observation.facts["status_code"] in (401, 403, 404, 410, 451)
    assert observation.requests == 1


def test_server_error_after_retries_is_error(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/broken"))
    assert observation.status is LinkStatus.ERROR
    assert "HTTP 500 after 3 attempts" in (observation.reason or "")
    assert observation.requests == 3


def test_slow_page_times_out_into_error(fake_web: FakeWeb) -> None:
    source = make_source(fake_web, timeout=(1.0, 0.2), max_retries=1)
    observation = source.observe(page_link(fake_web, "/slow"))
    assert observation.status is LinkStatus.ERROR and "timed out" in (observation.reason or "")


def test_dns_failure_is_error_with_reason() -> None:
    source = WebSource(ledger=RequestLedger(), backoff_base=0.01, max_retries=1, timeout=(2.0, 2.0))
    url = "http://no-such-host.invalid/page"
    observation = source.observe(NormalisedLink(url, LinkKind.WEB, "no-such-host.invalid", url))
    assert observation.status is LinkStatus.ERROR
    assert "connection failed" in (observation.reason or "")


def test_huge_page_is_read_only_up_to_the_cap(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web, max_bytes=200_000).observe(page_link(fake_web, "/huge"))
    assert observation.status is LinkStatus.OK
    assert observation.facts["body_truncated"] is True
    assert observation.facts["title"] == "Huge"
    assert observation.facts["content_length"] > 5_000_000  # the declared length


def test_non_html_file_is_not_parsed(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(page_link(fake_web, "/paper.pdf", LinkKind.DOI))
    assert observation.status is LinkStatus.OK
    assert observation.facts["content_type"] == "application/pdf"
    assert observation.facts["content_length"] == 50_009
    assert observation.facts["title"] is None and observation.facts["outbound_links"] == []


def test_etag_makes_the_next_look_a_304(fake_web: FakeWeb) -> None:
    source = make_source(fake_web)
    link = page_link(fake_web, "/cached")
    first = source.observe(link)
    assert first.validators == {link.url: '"v1"'}
    second = source.observe(link, first)
    assert second.unchanged is True and second.facts == first.facts
    assert source.http.ledger.not_modified["web"] == 1


def test_rate_limited_page(fake_web: FakeWeb) -> None:
    fake_web.faults.fail_next, fake_web.faults.fail_status = 1, 429
    fake_web.faults.fail_headers = {"Retry-After": "600"}
    observation = make_source(fake_web).observe(page_link(fake_web, "/project.html"))
    assert observation.status is LinkStatus.RATE_LIMITED


def test_no_token_and_a_user_agent(fake_web: FakeWeb) -> None:
    make_source(fake_web, user_agent="reprotrack-test").observe(page_link(fake_web, "/temporary"))
    assert all(r.header("Authorization") is None for r in fake_web.log)
    assert {r.header("User-Agent") for r in fake_web.log} == {"reprotrack-test"}


# -- Zenodo -------------------------------------------------------------------
def test_open_zenodo_record_uses_the_api(fake_web: FakeWeb) -> None:
    source = make_source(fake_web)
    observation = source.observe(zenodo_link(1234))
    assert observation.status is LinkStatus.OK
    facts = observation.facts
    assert facts["record_id"] == "1234" and facts["doi"] == "10.5281/zenodo.1234"
    assert facts["license"] == "cc-by-4.0" and facts["access_right"] == "open"
    assert facts["publication_date"] == "2024-03-01"
    assert facts["file_count"] == 2 and facts["files_total_size"] == 4_012_345
    assert facts["file_names"][0] == {"path": "weights.pt", "size": 4_000_000}
    assert [r.path for r in fake_web.log] == ["/api/records/1234"]
    assert source.http.ledger.total("zenodo") == 1 and observation.requests == 1


@pytest.mark.parametrize(
    ("record_id", "status"),
    [(2000, LinkStatus.GATED), (3000, LinkStatus.GATED), (4000, LinkStatus.PRIVATE),
     (5000, LinkStatus.MISSING), (9999, LinkStatus.MISSING)],
)
def test_zenodo_access_rights_and_errors(
    fake_web: FakeWeb, record_id: int, status: LinkStatus
) -> None:
    observation = make_source(fake_web).observe(zenodo_link(record_id))
    assert observation.status is status


def test_embargoed_record_reports_its_date(fake_web: FakeWeb) -> None:
    observation = make_source(fake_web).observe(zenodo_link(2000))
    assert observation.facts["embargo_date"] == "2031-01-01"
    assert observation.facts["file_count"] == 0


def test_zenodo_conditional_request(fake_web: FakeWeb) -> None:
    source = make_source(fake_web)
    first = source.observe(zenodo_link(1234))
    second = source.observe(zenodo_link(1234), first)
    assert second.unchanged is True and second.status is LinkStatus.OK
    assert second.facts == first.facts
    assert fake_web.log[-1].header("If-None-Match") == next(iter(first.validators.values()))


def test_zenodo_malformed_answer_is_error(fake_web: FakeWeb) -> None:
    fake_web.faults.malformed_next = 10
    observation = make_source(fake_web).observe(zenodo_link(1234))
    assert observation.status is LinkStatus.ERROR
    assert "malformed JSON from" in (observation.reason or "")
    assert "after 3 attempts" in (observation.reason or "")


def test_zenodo_body_cut_short_once_is_retried_not_a_fact(fake_web: FakeWeb) -> None:
    fake_web.faults.malformed_next = 1
    observation = make_source(fake_web).observe(zenodo_link(1234))
    assert observation.status is LinkStatus.OK and observation.requests == 2
    assert observation.facts["file_count"] == 2


def test_a_zenodo_answer_of_the_wrong_type_is_an_error(fake_web: FakeWeb) -> None:
    fake_web.faults.wrong_type_next = 1
    observation = make_source(fake_web).observe(zenodo_link(1234))
    assert observation.status is LinkStatus.ERROR and observation.facts == {}
    assert "no metadata" in (observation.reason or "")
