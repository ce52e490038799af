"""OSFSource against the loopback OSF API: statuses, facts, view_only links, files, faults."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

import pytest

from fakes.osf import FakeOSF, fake_osf  # noqa: F401  (fixture)
from tracker.links import LinkKind, NormalisedLink
from tracker.sources.base import LinkStatus, Observation, RequestLedger
from tracker.sources.osf import OSFSource


def osf_link(guid: str, key: str | None = None) -> NormalisedLink:
    url = f"https://osf.io/{guid}/" + (f"?view_only={key}" if key else "")
    return NormalisedLink(url, LinkKind.OSF_NODE, "osf.io", guid,
                          anonymous_review=key is not None, access_key=key)


def make_source(fake: FakeOSF, **kwargs: object) -> OSFSource:
    options: dict[str, object] = dict(endpoint=fake.endpoint, ledger=RequestLedger(),
                                      backoff_base=0.01, max_retries=2, max_rate_limit_wait=2.0,
                                      timeout=(2.0, 2.0))
    options.update(kwargs)
    return OSFSource(**options)  # type: ignore[arg-type]


def serialised(observation: Observation) -> str:
    return json.dumps(asdict(observation), default=str)


def test_public_node_is_ok_with_its_facts(fake_osf: FakeOSF) -> None:
    observation = make_source(fake_osf).observe(osf_link("pub01"))
    assert observation.status is LinkStatus.OK
    facts = observation.facts
    assert facts["guid"] == "pub01" and facts["title"] == "Replication data"
    assert facts["category"] == "project" and facts["public"] is True
    assert facts["tags"] == ["replication", "nlp"]
    assert facts["license"] == "MIT License"
    assert facts["date_created"] == "2023-05-02T09:15:00Z"
    assert facts["date_modified"] == "2024-01-20T17:45:30Z"
    assert facts["file_count"] == 4 and facts["folder_count"] == 3
    assert facts["files_total_size"] == 1_000 + 20_000 + 5_000 + 300
    assert {"path": "/data/raw/dump.json", "size": 5_000} in facts["file_names"]
    assert facts["files_truncated"] is False
    assert facts["anonymous_review"] is False and facts["view_only_required"] is False
    json.dumps(facts)  # JSON-serialisable as stored
    # node (license embedded) + root + data/ + data/raw/ + code/
    assert observation.requests == 5


def test_no_token_is_needed_and_none_is_sent(fake_osf: FakeOSF) -> None:
    make_source(fake_osf).observe(osf_link("pub01"))
    assert fake_osf.log and all(r.header("Authorization") is None for r in fake_osf.log)
    assert fake_osf.log[0].query["embed"] == ["license"]


def test_private_node_without_key_is_private(fake_osf: FakeOSF) -> None:
    observation = make_source(fake_osf).observe(osf_link("priv1"))
    assert observation.status is LinkStatus.PRIVATE
    assert "Authentication credentials were not provided" in (observation.reason or "")
    assert observation.requests == 1


def test_private_node_with_view_only_key_is_ok_and_flagged(fake_osf: FakeOSF) -> None:
    observation = make_source(fake_osf).observe(osf_link("priv1", "reviewkey123"))
    assert observation.status is LinkStatus.OK
    facts = observation.facts
    assert facts["public"] is False
    assert facts["anonymous_review"] is True and facts["view_only_required"] is True
    assert facts["license"] == "CC-By Attribution 4.0 International"
    assert facts["file_count"] == 1 and facts["files_total_size"] == 42
    assert any("meant to expire" in line for line in observation.evidence)
    assert all(r.query.get("view_only") == ["reviewkey123"] for r in fake_osf.log)
    # The access key never lands in the evidence (it is a capability).
    assert "reviewkey123" not in " ".join(observation.evidence)


def test_a_wrong_view_only_key_is_private_with_a_hint(fake_osf: FakeOSF) -> None:
    observation = make_source(fake_osf).observe(osf_link("priv1", "expiredkey"))
    assert observation.status is LinkStatus.PRIVATE
    assert "view_only key not accepted" in (observation.reason or "")


def test_token_of_a_contributor_opens_a_private_node_and_never_leaks(
    fake_osf: FakeOSF, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "osf-pat-s3cr3t-value"
    fake_osf.nodes["priv1"].contributor_tokens.add(secret)
    caplog.set_level(logging.DEBUG)
    fake_osf.faults.fail_next, fake_osf.faults.fail_status = 1, 502
    source = make_source(fake_osf, token=secret)
    observation = source.observe(osf_link("priv1"))
    assert observation.status is LinkStatus.OK
    assert observation.facts["view_only_required"] is False
    assert fake_osf.log[-1].header("Authorization") == f"Bearer {secret}"
    assert secret not in serialised(observation)
    assert secret not in caplog.text and "osf: GET" in caplog.text  # the retry was logged
    assert secret not in repr(source) and secret not in repr(source.http)


def test_a_token_without_access_gets_403_private(fake_osf: FakeOSF) -> None:
    observation = make_source(fake_osf, token="someone-else").observe(osf_link("priv1"))
    assert observation.status is LinkStatus.PRIVATE
    assert "HTTP 403" in (observation.reason or "")


def test_unknown_node_is_missing(fake_osf: FakeOSF) -> None:
    observation = make_source(fake_osf).observe(osf_link("zzzzz"))
    assert observation.status is LinkStatus.MISSING and "404" in (observation.reason or "")


def test_deleted_node_is_missing_with_reason(fake_osf: FakeOSF) -> None:
    observation = make_source(fake_osf).observe(osf_link("gone1"))
    assert observation.status is LinkStatus.MISSING
    assert observation.reason == (
        "HTTP 410 (deleted): The requested resource is no longer available."
    )


def test_node_without_license_or_files(fake_osf: FakeOSF) -> None:
    observation = make_source(fake_osf).observe(osf_link("empty"))
    assert observation.status is LinkStatus.OK
    assert observation.facts["license"] is None
    assert observation.facts["file_count"] == 0 and observation.facts["file_names"] == []


def test_file_listing_follows_pagination(fake_osf: FakeOSF) -> None:
    files = [(f"f{i:03}.bin", i) for i in range(250)]
    fake_osf.add_node("many1", files=files)
    observation = make_source(fake_osf).observe(osf_link("many1"))
    assert observation.facts["file_count"] == 250
    assert observation.facts["files_total_size"] == sum(range(250))
    assert len(observation.facts["file_names"]) == 200
    listing = fake_osf.requests_to(r"/files/osfstorage/$")
    assert [r.query.get("page", ["1"])[0] for r in listing] == ["1", "2", "3"]


def test_view_only_key_survives_pagination(fake_osf: FakeOSF) -> None:
    fake_osf.add_node("privp", public=False, view_only_keys={"k1"},
                      files=[(f"d/{i}.csv", 1) for i in range(120)])
    observation = make_source(fake_osf).observe(osf_link("privp", "k1"))
    assert observation.status is LinkStatus.OK and observation.facts["file_count"] == 120


def test_depth_and_file_caps_truncate(fake_osf: FakeOSF) -> None:
    fake_osf.add_node("deep1", files=[("a/b/c/d/e/f/g.txt", 7), ("top.txt", 1)])
    shallow = make_source(fake_osf, max_depth=2).observe(osf_link("deep1"))
    assert shallow.facts["files_truncated"] is True
    assert shallow.facts["file_count"] == 1  # only top.txt is within two folder levels
    fake_osf.add_node("wide1", files=[(f"{i}.txt", 1) for i in range(300)])
    capped = make_source(fake_osf, max_files=150).observe(osf_link("wide1"))
    assert capped.facts["files_truncated"] is True and capped.facts["file_count"] == 200


def test_license_fetched_when_not_embedded(fake_osf: FakeOSF) -> None:
    original = fake_osf._node_doc

    def without_embeds(node, embed):  # type: ignore[no-untyped-def]
        return original(node, [])  # a server that ignores ?embed=

    fake_osf._node_doc = without_embeds  # type: ignore[method-assign]
    observation = make_source(fake_osf).observe(osf_link("pub01"))
    assert observation.facts["license"] == "MIT License"
    assert len(fake_osf.requests_to(r"^/v2/licenses/mit/$")) == 1


def test_5xx_is_retried_then_ok(fake_osf: FakeOSF) -> None:
    fake_osf.faults.fail_next, fake_osf.faults.fail_status = 2, 503
    observation = make_source(fake_osf).observe(osf_link("empty"))
    assert observation.status is LinkStatus.OK
    assert observation.requests == 2 + 2  # two failures, node, root listing


def test_5xx_after_retries_is_error(fake_osf: FakeOSF) -> None:
    fake_osf.faults.fail_next, fake_osf.faults.fail_status = 10, 500
    observation = make_source(fake_osf).observe(osf_link("pub01"))
    assert observation.status is LinkStatus.ERROR
    assert "HTTP 500 after 3 attempts" in (observation.reason or "")
    assert observation.requests == 3


def test_long_rate_limit_is_rate_limited(fake_osf: FakeOSF) -> None:
    fake_osf.faults.fail_next, fake_osf.faults.fail_status = 1, 429
    fake_osf.faults.fail_headers = {"Retry-After": "3600"}
    observation = make_source(fake_osf).observe(osf_link("pub01"))
    assert observation.status is LinkStatus.RATE_LIMITED
    assert observation.requests == 1


def test_rate_limit_during_the_file_walk_keeps_node_facts(fake_osf: FakeOSF) -> None:
    fake_osf.faults.only_paths = r"/files/"
    fake_osf.faults.fail_next, fake_osf.faults.fail_status = 1, 429
    fake_osf.faults.fail_headers = {"Retry-After": "3600"}
    observation = make_source(fake_osf).observe(osf_link("pub01"))
    assert observation.status is LinkStatus.RATE_LIMITED
    assert observation.facts["title"] == "Replication data"


def test_malformed_json_is_retried_then_an_error(fake_osf: FakeOSF) -> None:
    fake_osf.faults.malformed_next = 1
    once = make_source(fake_osf).observe(osf_link("pub01"))
    assert once.status is LinkStatus.OK and once.facts["title"] == "Replication data"
    fake_osf.faults.malformed_next = 100
    observation = make_source(fake_osf).observe(osf_link("pub01"))
    assert observation.status is LinkStatus.ERROR
    assert "malformed JSON from " in (observation.reason or "")
    assert observation.facts.get("file_count") is None


def test_timeout_is_error_not_a_crash(fake_osf: FakeOSF) -> None:
    fake_osf.faults.latency = 0.3
    source = make_source(fake_osf, timeout=(1.0, 0.05), max_retries=1)
    observation = source.observe(osf_link("pub01"))
    assert observation.status is LinkStatus.ERROR and "timed out" in (observation.reason or "")
    assert observation.requests == 2


def test_observe_many_and_shared_ledger(fake_osf: FakeOSF) -> None:
    ledger = RequestLedger()
    source = make_source(fake_osf, ledger=ledger)
    links = [osf_link("pub01"), osf_link("gone1"), osf_link("priv1")]
    statuses = [obs.status for _, obs in source.observe_many(links)]
    assert statuses == [LinkStatus.OK, LinkStatus.MISSING, LinkStatus.PRIVATE]
    assert ledger.total("osf") == len(fake_osf.log) == 5 + 1 + 1


def test_request_counts_stay_per_observation_across_worker_threads(fake_osf: FakeOSF) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ledger = RequestLedger()
    source = make_source(fake_osf, ledger=ledger)
    fake_osf.faults.latency = 0.02  # make the two walks overlap
    with ThreadPoolExecutor(max_workers=2) as pool:
        busy, quiet = pool.map(source.observe, [osf_link("pub01"), osf_link("empty")])
    assert (busy.requests, quiet.requests) == (5, 2)
    assert ledger.total("osf") == 7
