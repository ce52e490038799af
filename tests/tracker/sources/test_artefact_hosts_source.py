"""ArtefactHostSource against loopback file hosts, share pages and figshare's API."""

from __future__ import annotations

import json
import time

import pytest
from fakes.shares import (  # noqa: F401  (fixture)
    DRIVE_FILE_OK,
    DRIVE_FOLDER_OK,
    FakeShares,
    fake_shares,
)

from tracker.kernel import FACTS_VERSION, DepositFacts, read_facts
from tracker.links import LinkKind, NormalisedLink, normalise_url
from tracker.sources.artefact_hosts import ArtefactHostSource
from tracker.sources.base import LinkStatus, RequestLedger


def make_source(fake: FakeShares, **kwargs: object) -> ArtefactHostSource:
    base = fake.url
    options: dict[str, object] = dict(
        endpoints={"drive": base + "/drive", "onedrive": base + "/onedrive",
                   "dropbox": base + "/dropbox", "baidu": base + "/baidu"},
        figshare_api_url=base + "/figshare/v2", ledger=RequestLedger(), min_interval=0.0,
        backoff_base=0.01, max_retries=1, max_rate_limit_wait=0.5, timeout=(2.0, 2.0),
        allow_private=["127.0.0.1"])  # direct files from paper text live on the loopback fake
    options.update(kwargs)
    return ArtefactHostSource(**options)  # type: ignore[arg-type]


def link(raw: str) -> NormalisedLink:
    found = normalise_url(raw)
    assert found is not None
    return found


def file_link(fake: FakeShares, path: str) -> NormalisedLink:
    found = link(fake.url + path)
    assert found.kind is LinkKind.DIRECT_FILE
    return found


# ---- direct files ------------------------------------------------------------------------

def test_a_file_answers_head_with_its_size_type_and_name(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(
        file_link(fake_shares, "/files/ckpt/model_best.pth"))
    assert observation.status is LinkStatus.OK and observation.requests == 1
    facts = observation.facts
    assert facts["method"] == "HEAD" and facts["content_length"] == 4_000_000
    assert facts["content_type"] == "application/octet-stream" and facts["accept_ranges"]
    assert facts["file_names"] == [{"path": "model_best.pth", "size": 4_000_000}]
    assert facts["listing_complete"] is True and facts["facts_version"] == FACTS_VERSION
    assert [r.method for r in fake_shares.requests_to("/files/")] == ["HEAD"]
    json.dumps(facts)


@pytest.mark.parametrize("path", ["/files/head-refused/train.parquet",
                                  "/files/signed/weights.safetensors",
                                  "/files/head-lies/data.zip"])
def test_refused_or_lying_head_falls_back_to_a_one_byte_range(fake_shares: FakeShares,
                                                              path: str) -> None:
    observation = make_source(fake_shares).observe(file_link(fake_shares, path))
    assert observation.status is LinkStatus.OK and observation.requests == 2
    assert observation.facts["method"] == "GET bytes=0-0"
    assert observation.facts["content_length"] > 1_000_000
    gets = fake_shares.requests_to(path, "GET")
    assert [r.header("Range") for r in gets] == ["bytes=0-0"]


def test_a_server_that_ignores_range_is_read_from_its_content_length(
        fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(
        file_link(fake_shares, "/files/no-range/labels.csv"))
    assert observation.status is LinkStatus.OK
    assert observation.facts["content_length"] == 20_000
    assert observation.facts["content_type"] == "text/csv"
    assert observation.facts["accept_ranges"] is False


def test_a_download_redirected_to_a_cdn_names_the_file_from_its_disposition(
        fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(
        file_link(fake_shares, "/files/release/model.ckpt"))
    assert observation.status is LinkStatus.OK and observation.requests == 2
    assert observation.facts["final_url"].endswith("/cdn/blob/8f3a")
    assert observation.facts["file_name"] == "pretrained model.ckpt"
    assert observation.facts["redirects"][0]["status"] == 302


def test_a_permanently_moved_file_is_moved(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(
        file_link(fake_shares, "/files/old/model_best.pth"))
    assert observation.status is LinkStatus.MOVED
    assert observation.facts["final_url"].endswith("/files/ckpt/model_best.pth")
    assert observation.facts["content_length"] == 4_000_000


@pytest.mark.parametrize(
    ("path", "status", "said"),
    [
        ("/files/gone/model.pth", LinkStatus.MISSING, "HTTP 410"),
        ("/files/nowhere/model.pth", LinkStatus.MISSING, "HTTP 404"),
        ("/files/denied/model.pth", LinkStatus.PRIVATE, "HTTP 403"),
        ("/files/private/weights.pth", LinkStatus.PRIVATE, "accounts.google.com"),
        ("/files/sso/data.tar.gz", LinkStatus.PRIVATE, "login required"),
    ],
)
def test_files_that_are_gone_or_closed(fake_shares: FakeShares, path: str,
                                       status: LinkStatus, said: str | None) -> None:
    observation = make_source(fake_shares).observe(file_link(fake_shares, path))
    assert observation.status is status
    if said:
        assert said in (observation.reason or "")
        assert "file_names" not in observation.facts


def test_a_missing_file_is_confirmed_by_get_before_it_is_called_missing(
        fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(
        file_link(fake_shares, "/files/nowhere/model.pth"))
    assert observation.requests == 2
    assert [r.method for r in fake_shares.requests_to("/files/nowhere")] == ["HEAD", "GET"]


def test_an_html_landing_page_is_recorded_as_html(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(
        file_link(fake_shares, "/files/landing/model.pth"))
    assert observation.status is LinkStatus.OK
    assert observation.facts["content_type"] == "text/html"


def test_an_empty_file_and_an_unsatisfiable_range(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(file_link(fake_shares, "/files/empty.npz"))
    assert observation.status is LinkStatus.OK and observation.facts["content_length"] == 0


def test_files_on_one_host_are_spaced_and_counted_as_files(fake_shares: FakeShares) -> None:
    ledger = RequestLedger()
    source = make_source(fake_shares, ledger=ledger, min_interval=0.3)
    paths = ["/files/ckpt/model_best.pth", "/files/empty.npz", "/files/ckpt/model_best.pth"]
    started = time.monotonic()
    for path in paths:
        source.observe(file_link(fake_shares, path))
    assert time.monotonic() - started >= 0.6  # three requests, two gaps
    assert ledger.requests["files"] == 3
    assert source.session_for(file_link(fake_shares, paths[0])) is \
        source.session_for(file_link(fake_shares, paths[1]))


def test_hosts_are_spaced_independently(fake_shares: FakeShares) -> None:
    source = make_source(fake_shares, min_interval=1.0)
    one = file_link(fake_shares, "/files/ckpt/model_best.pth")
    other = link(one.url.replace("127.0.0.1", "localhost"))
    started = time.monotonic()
    source.observe(one)
    source.observe(other)
    source.observe(drive("file", DRIVE_FILE_OK))
    assert time.monotonic() - started < 0.9  # three hosts: nobody waited for anybody
    assert source.session_for(one) is not source.session_for(other)


def test_a_dead_host_is_an_error_never_an_exception() -> None:
    source = ArtefactHostSource(min_interval=0.0, max_retries=0, timeout=(0.5, 0.5),
                                allow_private=["127.0.0.1"])
    observation = source.observe(link("http://127.0.0.1:9/weights/model.pth"))
    assert observation.status is LinkStatus.ERROR and "connection failed" in observation.reason


# ---- Google Drive --------------------------------------------------------------------------

def drive(kind: str, item_id: str) -> NormalisedLink:
    if kind == "file":
        return link(f"https://drive.google.com/file/d/{item_id}/view?usp=sharing")
    return link(f"https://drive.google.com/drive/folders/{item_id}?usp=sharing")


def test_a_drive_file_page_names_the_file(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(drive("file", DRIVE_FILE_OK))
    assert observation.status is LinkStatus.OK and observation.requests == 1
    facts = observation.facts
    assert facts["name"] == "resnet50_best.pth" and facts["item_type"] == "file"
    assert facts["file_names"] == [{"path": "resnet50_best.pth", "size": None}]
    assert fake_shares.requests_to(f"/drive/file/d/{DRIVE_FILE_OK}/view")


@pytest.mark.parametrize(
    ("item_id", "status", "said"),
    [
        ("1DriveFileGone_abcdefg", LinkStatus.MISSING, "http 404"),
        ("1DriveFileAsk_abcdefgh", LinkStatus.GATED, "request access"),
        ("1DriveFileLogin_abcdef", LinkStatus.PRIVATE, "login required"),
        ("1DriveFileSignin_abcde", LinkStatus.PRIVATE, "to continue to google drive"),
        ("1DriveFileTos_abcdefgh", LinkStatus.BLOCKED, "removed for violating"),
        ("1DriveFileBusy_abcdefg", LinkStatus.RATE_LIMITED, "rate limited"),
    ],
)
def test_drive_file_variants(fake_shares: FakeShares, item_id: str, status: LinkStatus,
                             said: str) -> None:
    observation = make_source(fake_shares).observe(drive("file", item_id))
    assert observation.status is status
    assert said in (observation.reason or "").lower()
    assert observation.requests == 1  # a sign-in page or a captcha is never fetched


def test_a_drive_folder_is_listed_with_its_subfolders(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(drive("folder", DRIVE_FOLDER_OK))
    assert observation.status is LinkStatus.OK and observation.requests == 2
    facts = observation.facts
    assert [f["path"] for f in facts["file_names"]] == ["vit_b16.pth", "README.txt",
                                                        "data/train.jsonl"]
    assert facts["listing_complete"] is True and facts["title"] == "checkpoints"


def test_an_open_id_link_to_a_folder_is_read_as_the_folder(fake_shares: FakeShares) -> None:
    opened = link(f"https://drive.google.com/open?id={DRIVE_FOLDER_OK}")
    assert opened.kind is LinkKind.DRIVE_FILE  # the URL cannot tell
    observation = make_source(fake_shares).observe(opened)
    assert observation.status is LinkStatus.OK and observation.requests == 3
    assert observation.facts["item_type"] == "folder"
    assert [f["path"] for f in observation.facts["file_names"]] == [
        "vit_b16.pth", "README.txt", "data/train.jsonl"]


def test_a_drive_folder_walk_is_capped(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares, max_folder_pages=1).observe(
        drive("folder", DRIVE_FOLDER_OK))
    assert observation.status is LinkStatus.OK and observation.requests == 1
    assert observation.facts["listing_complete"] is False
    assert "folder pages" in observation.facts["listing_gap"]


def test_a_folder_page_without_entries_is_not_a_complete_empty_listing(
        fake_shares: FakeShares) -> None:
    fake_shares.add_folder("1DriveFolderOdd_abcdef", "<title>weights</title><div>new layout</div>")
    observation = make_source(fake_shares).observe(drive("folder", "1DriveFolderOdd_abcdef"))
    assert observation.status is LinkStatus.OK
    assert observation.facts["file_names"] == []
    assert observation.facts["listing_complete"] is False


@pytest.mark.parametrize(("item_id", "status"), [("1DriveFolderGone_abcde", LinkStatus.MISSING),
                                                 ("1DriveFolderLogin_abcd", LinkStatus.PRIVATE)])
def test_drive_folder_variants(fake_shares: FakeShares, item_id: str, status: LinkStatus) -> None:
    observation = make_source(fake_shares).observe(drive("folder", item_id))
    assert observation.status is status and "file_names" not in observation.facts


# ---- OneDrive / SharePoint, Dropbox, Baidu --------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "status", "name"),
    [
        ("https://1drv.ms/u/s!AkOk", LinkStatus.OK, "checkpoint_epoch50.ckpt"),
        ("https://lab-my.sharepoint.com/:u:/g/personal/jane_lab_edu/EaOk?e=x1", LinkStatus.OK,
         None),
        ("https://lab.sharepoint.com/:f:/s/Lab/EqOrgOnly", LinkStatus.PRIVATE, None),
        ("https://lab-my.sharepoint.com/:u:/g/personal/jane_lab_edu/EaExpired",
         LinkStatus.MISSING, None),
        ("https://lab-my.sharepoint.com/:u:/g/personal/jane_lab_edu/EaAsk", LinkStatus.GATED,
         None),
    ],
)
def test_onedrive_and_sharepoint(fake_shares: FakeShares, raw: str, status: LinkStatus,
                                 name: str | None) -> None:
    observation = make_source(fake_shares).observe(link(raw))
    assert observation.status is status, observation.reason
    assert observation.facts.get("name") == name
    if name:
        assert observation.facts["file_names"] == [{"path": name, "size": None}]


def test_a_onedrive_short_link_costs_its_hops_and_is_not_moved(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(link("https://1drv.ms/u/s!AkOk"))
    assert observation.status is LinkStatus.OK and observation.requests == 3
    assert [hop["status"] for hop in observation.facts["redirects"]] == [301, 302]


@pytest.mark.parametrize(
    ("raw", "status", "name"),
    [
        ("https://www.dropbox.com/scl/fi/okid/model_best.pth?rlkey=abc&dl=0", LinkStatus.OK,
         "model_best.pth"),
        ("https://www.dropbox.com/sh/okfolder/AAx?dl=0", LinkStatus.OK, "dataset"),
        ("https://www.dropbox.com/s/gone/weights.zip?dl=0", LinkStatus.MISSING, "weights.zip"),
        ("https://www.dropbox.com/scl/fi/deleted/data.zip?rlkey=k&dl=0", LinkStatus.MISSING,
         "data.zip"),
        ("https://www.dropbox.com/scl/fo/teamonly/h?rlkey=k&dl=0", LinkStatus.PRIVATE, None),
    ],
)
def test_dropbox(fake_shares: FakeShares, raw: str, status: LinkStatus,
                 name: str | None) -> None:
    observation = make_source(fake_shares).observe(link(raw))
    assert observation.status is status, observation.reason
    assert observation.facts.get("name") == name


def test_dropbox_sends_the_rlkey_and_lists_a_file_but_not_an_unlisted_folder(
        fake_shares: FakeShares) -> None:
    source = make_source(fake_shares)
    file_obs = source.observe(
        link("https://www.dropbox.com/scl/fi/okid/model_best.pth?rlkey=abc"))
    assert file_obs.facts["file_names"] == [{"path": "model_best.pth", "size": None}]
    assert fake_shares.requests_to("/dropbox/scl/fi/okid")[0].query == {"rlkey": ["abc"]}
    folder_obs = source.observe(link("https://www.dropbox.com/sh/okfolder/AAx?dl=0"))
    assert folder_obs.facts["item_type"] == "folder" and "file_names" not in folder_obs.facts


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("https://pan.baidu.com/s/1okCode?pwd=ab12", LinkStatus.OK),
        ("https://pan.baidu.com/s/1okOpen", LinkStatus.OK),
        ("https://pan.baidu.com/s/1gone", LinkStatus.MISSING),
        ("https://pan.baidu.com/s/1cancel", LinkStatus.MISSING),
        ("https://pan.baidu.com/s/1blocked", LinkStatus.BLOCKED),
        ("https://pan.baidu.com/s/1captcha", LinkStatus.RATE_LIMITED),
        ("https://pan.baidu.com/s/1login", LinkStatus.PRIVATE),
    ],
)
def test_baidu(fake_shares: FakeShares, raw: str, status: LinkStatus) -> None:
    observation = make_source(fake_shares).observe(link(raw))
    assert observation.status is status, observation.reason


def test_baidu_extraction_code_is_noted_and_never_sent(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(link("https://pan.baidu.com/s/1okCode?pwd=ab12"))
    assert observation.facts["code_required"] is True and observation.facts["code_given"] is True
    for request in fake_shares.requests_to("/baidu/"):
        assert "ab12" not in json.dumps(request.query) and "pwd" not in request.query
    opened = make_source(fake_shares).observe(link("https://pan.baidu.com/s/1okOpen"))
    assert opened.facts["name"] == "checkpoints.zip" and opened.facts["code_required"] is False
    assert opened.facts["file_names"] == [{"path": "checkpoints.zip", "size": None}]


# ---- figshare ----------------------------------------------------------------------------

def test_a_public_figshare_article_lists_files_sizes_and_license(fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(
        link("https://figshare.com/articles/dataset/x/1001"))
    assert observation.status is LinkStatus.OK and observation.requests == 1
    facts = observation.facts
    assert facts["file_names"] == [{"path": "model.pth", "size": 400_000_000},
                                   {"path": "data/train.csv", "size": 12_345},
                                   {"path": "README.txt", "size": 900}]
    assert facts["license"] == "CC BY 4.0" and facts["access_right"] == "open"
    assert facts["files_total_size"] == 400_013_245 and facts["listing_complete"] is True
    deposit = read_facts("figshare_item", facts)
    assert isinstance(deposit, DepositFacts) and deposit.license == "CC BY 4.0"


def test_a_figshare_article_with_more_than_ten_files_is_read_whole(
        fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(link("https://doi.org/10.6084/m9.figshare.1002"))
    assert observation.status is LinkStatus.OK and observation.requests == 2
    assert observation.facts["file_count"] == 12


@pytest.mark.parametrize(
    ("article", "status", "said"),
    [
        (1003, LinkStatus.GATED, "embargo until 2031-01-01"),
        (1004, LinkStatus.PRIVATE, "confidential"),
        (9999, LinkStatus.MISSING, "Entity not found"),
    ],
)
def test_figshare_embargo_confidential_and_missing(fake_shares: FakeShares, article: int,
                                                   status: LinkStatus, said: str) -> None:
    observation = make_source(fake_shares).observe(link(f"https://figshare.com/articles/{article}"))
    assert observation.status is status and said in (observation.reason or "")


def test_an_embargoed_article_does_not_claim_a_complete_empty_listing(
        fake_shares: FakeShares) -> None:
    observation = make_source(fake_shares).observe(link("https://figshare.com/articles/1003"))
    assert observation.facts["file_names"] == []
    assert observation.facts["listing_complete"] is False
    assert observation.facts["embargo_options"] == ["logged_in"]


def test_requests_are_counted_per_host_family(fake_shares: FakeShares) -> None:
    ledger = RequestLedger()
    source = make_source(fake_shares, ledger=ledger)
    source.observe(drive("file", DRIVE_FILE_OK))
    source.observe(link("https://figshare.com/articles/1001"))
    source.observe(link("https://pan.baidu.com/s/1okOpen"))
    assert (ledger.requests["drive"], ledger.requests["figshare"], ledger.requests["baidu"]) == (
        1, 1, 1)


def test_build_sources_routes_every_artefact_kind_to_the_configured_source() -> None:
    from tracker.config import Settings
    from tracker.links import ARTEFACT_HOST_KINDS
    from tracker.sources import build_sources

    settings = Settings()
    settings.artefact_hosts.drive_url = "http://127.0.0.1:1/drive"
    settings.artefact_hosts.figshare_api_url = "http://127.0.0.1:1/figshare/v2"
    sources = build_sources(settings)
    chosen = {sources.source_for(kind) for kind in ARTEFACT_HOST_KINDS}
    assert len(chosen) == 1
    source = chosen.pop()
    assert isinstance(source, ArtefactHostSource)
    assert source.endpoints == {"drive": "http://127.0.0.1:1/drive"}
    assert source.figshare_api_url == "http://127.0.0.1:1/figshare/v2"
    assert sources.source_for(LinkKind.WEB) is not source


def test_file_and_share_hosts_never_degrade_an_audit() -> None:
    from tracker.service_health import service_health

    health = service_health({"artefact_hosts": {"error": 5, "ok": 1}})
    assert health["artefact_hosts"]["healthy"] is True


def test_sizes_and_names_from_headers() -> None:
    import requests
    from requests.structures import CaseInsensitiveDict

    from tracker.sources.direct_files import disposition_name as _disposition_name
    from tracker.sources.direct_files import size_of as _size

    def response(status: int, **headers: str) -> requests.Response:
        answer = requests.Response()
        answer.status_code = status
        answer.headers = CaseInsensitiveDict({k.replace("_", "-"): v for k, v in headers.items()})
        return answer

    assert _size(response(206, Content_Range="bytes 0-0/1234", Content_Length="1")) == 1234
    assert _size(response(416, Content_Range="bytes */0")) == 0
    assert _size(response(206, Content_Range="bytes 0-0/*")) is None  # length unknown
    assert _size(response(200, Content_Length="77")) == 77
    assert _size(response(200)) is None
    assert _disposition_name(response(200, Content_Disposition='attachment; filename="a b.pt"')) \
        == "a b.pt"
    assert _disposition_name(response(200, Content_Disposition="attachment; filename=x.bin; "
                                      "filename*=UTF-8''%E6%A8%A1%E5%9E%8B.pth")) == "模型.pth"
    assert _disposition_name(response(200)) is None


def test_direct_file_hosts_are_remembered_up_to_a_cap() -> None:
    from tracker.sources import artefact_hosts

    source = ArtefactHostSource(min_interval=0.0, allow_private=["127.0.0.1"])
    first = source.session_for(link("https://host-0.example.org/m.pth"))
    for i in range(1, artefact_hosts.MAX_FILE_SESSIONS):
        source.session_for(link(f"https://host-{i}.example.org/m.pth"))
    assert source.session_for(link("https://host-0.example.org/x.pth")) is first  # refreshed
    source.session_for(link("https://one-more.example.org/m.pth"))
    assert len(source._file_sessions) == artefact_hosts.MAX_FILE_SESSIONS
    assert "host-1.example.org" not in source._file_sessions  # the least recently used went
    assert source.session_for(link("https://host-0.example.org/m.pth")) is first


def test_concurrent_observations_each_count_their_own_requests(fake_shares: FakeShares) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ledger = RequestLedger()
    source = make_source(fake_shares, ledger=ledger, min_interval=0.05)
    cases = {
        fake_shares.url + "/files/ckpt/model_best.pth": 1,
        fake_shares.url + "/files/head-refused/train.parquet": 2,
        fake_shares.url + "/files/release/model.ckpt": 2,
        "https://1drv.ms/u/s!AkOk": 3,
        f"https://drive.google.com/drive/folders/{DRIVE_FOLDER_OK}": 2,
        "https://figshare.com/articles/1002": 2,
        "https://pan.baidu.com/s/1okCode": 2,
        "https://www.dropbox.com/s/gone/weights.zip": 1,
    }
    with ThreadPoolExecutor(max_workers=4) as pool:
        observations = dict(zip(cases, pool.map(lambda raw: source.observe(link(raw)), cases),
                                strict=True))
    assert {raw: o.requests for raw, o in observations.items()} == cases
    assert ledger.total() == sum(cases.values())
    for observation in observations.values():
        json.dumps(observation.facts)  # stored as JSON
