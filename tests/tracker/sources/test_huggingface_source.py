"""HuggingFaceSource against the loopback Hub fake, through the real huggingface_hub client."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fakes.huggingface import ALICE_TOKEN, FakeHub, fake_hub  # noqa: F401
from fakes.server import FakeResponse
from huggingface_hub import HfApi

from tracker.links import NormalisedLink, normalise_url
from tracker.sources.base import LinkStatus, Observation, RequestLedger
from tracker.sources.huggingface import HuggingFaceSource
from tracker.sources.policy import HttpPolicy, Interrupt, RequestCancelled

GB = 1024**3
HUB = "https://huggingface.co"


def make_source(hub: FakeHub, **overrides: object) -> HuggingFaceSource:
    """A source aimed at the fake, with test-sized backoff and waits."""
    settings: dict[str, object] = dict(
        endpoint=hub.url, timeout=5.0, ledger=RequestLedger(), max_retries=3,
        backoff_base=0.01, max_rate_limit_wait=5.0, user_agent="reprotrack-tests",
    )
    settings.update(overrides)
    return HuggingFaceSource(**settings)  # type: ignore[arg-type]


def link(path: str) -> NormalisedLink:
    """The normalised link of a huggingface.co path (or of a full URL)."""
    normalised = normalise_url(path if path.startswith("http") else f"{HUB}/{path}")
    assert normalised is not None, path
    return normalised


def observe(hub: FakeHub, path: str, **overrides: object) -> Observation:
    """Observe one huggingface.co path with a fresh source."""
    return make_source(hub, **overrides).observe(link(path))


def serialised(observation: Observation) -> str:
    return json.dumps(dataclasses.asdict(observation), default=str)


# -- what a healthy repo looks like -------------------------------------------------------
def test_model_with_safetensors_weights_and_a_license(fake_hub: FakeHub) -> None:
    fake_hub.add_model(
        "lab/vision-7b",
        files={"model-00001-of-00002.safetensors": 4 * GB,
               "model-00002-of-00002.safetensors": 2 * GB, "config.json": 700},
        license="apache-2.0", tags=["arxiv:2401.12345", "pytorch"],
        pipeline_tag="image-classification", library_name="transformers",
        downloads=1234, likes=56, card_data={"base_model": "lab/base"},
    )
    source = make_source(fake_hub)

    observation = source.observe(link("lab/vision-7b"))

    assert observation.status is LinkStatus.OK
    facts = observation.facts
    assert facts["repo_id"] == "lab/vision-7b" and facts["repo_type"] == "model"
    assert facts["license"] == "apache-2.0"
    assert facts["arxiv_ids"] == ["2401.12345"]
    assert facts["pipeline_tag"] == "image-classification"
    assert facts["library_name"] == "transformers"
    assert (facts["downloads"], facts["likes"]) == (1234, 56)
    assert {"path": "model-00001-of-00002.safetensors", "size": 4 * GB} in facts["files"]
    assert facts["files_total_size"] >= 6 * GB
    assert facts["has_card"] is True
    assert facts["card_data"] == {"license": "apache-2.0", "base_model": "lab/base"}
    assert facts["gated"] is False and facts["private"] is False and facts["moved_to"] is None
    assert facts["last_modified"] == "2024-05-02T08:30:00Z" and len(facts["sha"]) == 40
    json.dumps(facts)  # every fact is JSON-serialisable
    # The info request, then the card (another Hub bucket: file downloads).
    assert observation.requests == 2 and source.ledger.total("huggingface") == 1
    assert source.ledger.total("huggingface_files") == 1  # the Hub's other quota bucket
    assert observation.evidence[0] == "GET /api/models/lab/vision-7b?blobs=true -> 200"
    assert observation.evidence[1].startswith("GET /lab/vision-7b/resolve/")
    assert facts["card"]["path"] == "README.md" and "lab/vision-7b" in facts["card"]["text"]


def test_dataset_with_parquet_files(fake_hub: FakeHub) -> None:
    fake_hub.add_dataset(
        "lab/benchmark",
        files={"data/train-00000-of-00001.parquet": 52_000_000,
               "data/test-00000-of-00001.parquet": 4_000_000},
        license=["cc-by-4.0", "mit"], downloads=99,
        card_data={"task_categories": ["question-answering"]},
    )

    observation = observe(fake_hub, "datasets/lab/benchmark")

    assert observation.status is LinkStatus.OK
    facts = observation.facts
    assert facts["repo_type"] == "dataset"
    assert facts["license"] == "cc-by-4.0" and facts["licenses"] == ["cc-by-4.0", "mit"]
    assert {"path": "data/train-00000-of-00001.parquet", "size": 52_000_000} in facts["files"]
    assert facts["card_data"]["task_categories"] == ["question-answering"]
    assert facts["pipeline_tag"] is None and facts["downloads"] == 99
    assert fake_hub.info_requests()[0].path == "/api/datasets/lab/benchmark"


def test_space_reports_sdk_and_runtime(fake_hub: FakeHub) -> None:
    fake_hub.add_space("lab/demo", sdk="gradio", stage="SLEEPING", license="mit")

    observation = observe(fake_hub, "spaces/lab/demo")

    assert observation.status is LinkStatus.OK
    facts = observation.facts
    assert (facts["repo_type"], facts["space_sdk"]) == ("space", "gradio")
    assert (facts["space_stage"], facts["space_hardware"]) == ("SLEEPING", "cpu-basic")
    assert {"path": "app.py", "size": 2048} in facts["files"]
    assert facts["downloads"] is None


def test_license_falls_back_to_the_license_tag_without_a_card(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/bare", files={"weights.bin": 10}, card=False, tags=["license:openrail"])

    facts = observe(fake_hub, "lab/bare").facts

    assert facts["license"] == "openrail"
    assert facts["has_card"] is False and facts["card_data"] == {}


# -- gated, private, missing, blocked, moved ----------------------------------------------
def test_gated_repos_are_gated_with_their_files_listed(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/gated-auto", gated="auto", files={"model.safetensors": GB})
    fake_hub.add_model("lab/gated-manual", gated="manual", files={"model.safetensors": GB})

    auto = observe(fake_hub, "lab/gated-auto")
    manual = observe(fake_hub, "lab/gated-manual")

    assert (auto.status, auto.facts["gated"]) == (LinkStatus.GATED, "auto")
    assert (manual.status, manual.facts["gated"]) == (LinkStatus.GATED, "manual")
    assert {"path": "model.safetensors", "size": GB} in manual.facts["files"]


def test_gated_repo_error_from_the_hub_is_gated(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/locked")
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 1, 403
    fake_hub.faults.fail_headers = {"X-Error-Code": "GatedRepo", "X-Error-Message": "Restricted"}

    observation = observe(fake_hub, "lab/locked")

    assert observation.status is LinkStatus.GATED and observation.requests == 1


def test_private_repo_without_a_token_looks_missing_and_says_so(fake_hub: FakeHub) -> None:
    fake_hub.add_model("alice/secret", private=True)

    observation = observe(fake_hub, "alice/secret")

    assert observation.status is LinkStatus.MISSING
    assert observation.facts["possibly_private_or_gated"] is True
    assert observation.evidence == ["GET /api/models/alice/secret?blobs=true -> 401 RepoNotFound"]


def test_private_repo_with_a_token_that_can_see_it(fake_hub: FakeHub) -> None:
    fake_hub.add_model("alice/secret", private=True, files={"model.safetensors": 100})

    observation = observe(fake_hub, "alice/secret", token=ALICE_TOKEN)

    assert observation.status is LinkStatus.PRIVATE
    assert observation.facts["private"] is True and observation.facts["files"]
    assert fake_hub.log[-1].header("authorization") == f"Bearer {ALICE_TOKEN}"


def test_missing_repo(fake_hub: FakeHub) -> None:
    anonymous = observe(fake_hub, "lab/never-existed")
    with_token = observe(fake_hub, "lab/never-existed", token=ALICE_TOKEN)

    assert anonymous.status is LinkStatus.MISSING
    assert anonymous.facts["possibly_private_or_gated"] is True
    assert with_token.status is LinkStatus.MISSING
    assert with_token.facts["possibly_private_or_gated"] is False
    assert with_token.evidence == [
        "GET /api/models/lab/never-existed?blobs=true -> 404 RepoNotFound"
    ]


def test_missing_repo_when_the_hub_sends_no_error_code() -> None:
    with FakeHub(not_found_error_code=False) as hub:
        observation = observe(hub, "lab/never-existed")  # type: ignore[arg-type]

    assert observation.status is LinkStatus.MISSING
    assert observation.facts["possibly_private_or_gated"] is True


def test_removed_repo_goes_missing(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/short-lived")
    source = make_source(fake_hub)
    assert source.observe(link("lab/short-lived")).status is LinkStatus.OK

    fake_hub.remove("lab/short-lived")

    assert source.observe(link("lab/short-lived")).status is LinkStatus.MISSING


def test_disabled_repos_are_blocked(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/flagged", disabled=True)
    fake_hub.add_dataset("lab/taken-down", disabled=True, disabled_answer="forbidden")

    flagged = observe(fake_hub, "lab/flagged")
    taken_down = observe(fake_hub, "datasets/lab/taken-down")

    assert flagged.status is LinkStatus.BLOCKED and flagged.facts["disabled"] is True
    assert taken_down.status is LinkStatus.BLOCKED and taken_down.facts["disabled"] is True


def test_renamed_repo_is_moved_with_the_new_facts(fake_hub: FakeHub) -> None:
    fake_hub.add_model("old-lab/model", files={"model.safetensors": 5}, license="mit")
    fake_hub.rename("old-lab/model", "new-lab/model-v2")

    observation = observe(fake_hub, "old-lab/model")

    assert observation.status is LinkStatus.MOVED
    assert observation.facts["moved_to"] == "new-lab/model-v2"
    assert observation.facts["requested_id"] == "old-lab/model"
    assert observation.facts["license"] == "mit"
    assert observation.requests == 3  # the 307 hop is a request too, then the card
    assert observation.evidence[0] == (
        "GET /api/models/old-lab/model?blobs=true -> 307 -> /api/models/new-lab/model-v2?blobs=true"
    )


def test_a_case_difference_is_not_a_move(fake_hub: FakeHub) -> None:
    fake_hub.add_model("Lab/Model")

    observation = observe(fake_hub, "lab/model")

    assert observation.status is LinkStatus.OK and observation.facts["repo_id"] == "Lab/Model"


def test_invalid_token_is_an_error_not_a_missing_repo(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model")

    observation = observe(fake_hub, "lab/model", token="hf_revoked")

    assert observation.status is LinkStatus.ERROR and "rejected" in (observation.reason or "")


def test_links_of_other_services_are_unchecked(fake_hub: FakeHub) -> None:
    observation = observe(fake_hub, "https://github.com/o/r")

    assert observation.status is LinkStatus.UNCHECKED
    assert observation.requests == 0 and not fake_hub.log


# -- rate limits and faults ---------------------------------------------------------------
def test_short_rate_limit_wait_then_success(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model", card=False)
    fake_hub.exhaust_rate_limit(reset_in=1, retry_after=True)
    source = make_source(fake_hub)

    observation = source.observe(link("lab/model"))

    assert observation.status is LinkStatus.OK
    assert observation.requests == 2
    assert source.ledger.rate_limit_waits["huggingface"] == 1
    assert source.ledger.rate_limit_wait_seconds["huggingface"] == 1
    assert "waited 1s for the Hub's rate-limit reset" in observation.evidence


def test_long_rate_limit_is_rate_limited_without_waiting(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model")
    fake_hub.exhaust_rate_limit(reset_in=3600)
    source = make_source(fake_hub, max_rate_limit_wait=60)

    observation = source.observe(link("lab/model"))

    assert observation.status is LinkStatus.RATE_LIMITED
    assert observation.facts["retry_after_seconds"] == 3600
    assert observation.requests == 1 and source.ledger.rate_limit_waits["huggingface"] == 0


def test_server_errors_then_success(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model", card=False)
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 2, 503

    observation = observe(fake_hub, "lab/model")

    assert observation.status is LinkStatus.OK and observation.requests == 3


def test_server_errors_until_error(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model")
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 10, 502

    observation = observe(fake_hub, "lab/model", max_retries=2)

    assert observation.status is LinkStatus.ERROR
    assert observation.reason == "HTTP 502 after 3 attempts" and observation.requests == 3


def test_dropped_connection_is_retried(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model", card=False)
    fake_hub.faults.drop_next = 1

    observation = observe(fake_hub, "lab/model")

    assert observation.status is LinkStatus.OK and observation.requests == 2
    assert "RemoteProtocolError" in observation.evidence[0]


def test_connection_dropped_every_time_is_an_error(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model")
    fake_hub.faults.drop_next = 10

    observation = observe(fake_hub, "lab/model", max_retries=1)

    assert observation.status is LinkStatus.ERROR
    assert "connection failed 2 times" in (observation.reason or "")


def test_timeout_is_an_error_after_retries(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model")
    fake_hub.faults.latency = 0.5

    observation = observe(fake_hub, "lab/model", timeout=0.1, max_retries=1)

    assert observation.status is LinkStatus.ERROR and "ReadTimeout" in (observation.reason or "")


def test_malformed_json_is_retried_then_an_error_with_its_reason(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model")
    fake_hub.faults.malformed_next = 10

    observation = observe(fake_hub, "lab/model", max_retries=2)

    assert observation.status is LinkStatus.ERROR
    assert "malformed response" in (observation.reason or "") and observation.requests == 3
    assert "after 3 attempts" in (observation.reason or "")


def test_a_body_cut_short_once_is_asked_again_not_a_fact(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model", card=False)
    fake_hub.faults.malformed_next = 1

    observation = observe(fake_hub, "lab/model")

    assert observation.status is LinkStatus.OK and observation.requests == 2


# -- cost ---------------------------------------------------------------------------------
def test_one_request_per_entry_on_the_happy_path(fake_hub: FakeHub) -> None:
    """One info request per entry, one card read per model or dataset on the first look, and
    nothing more for an unchanged card on the next."""
    paths = []
    for number in range(4):
        fake_hub.add_model(f"lab/model-{number}", files={"model.safetensors": GB})
        fake_hub.add_dataset(f"lab/data-{number}", files={"train.parquet": GB})
        fake_hub.add_space(f"lab/demo-{number}")
        paths += [f"lab/model-{number}", f"datasets/lab/data-{number}", f"spaces/lab/demo-{number}"]
    source = make_source(fake_hub)

    looked = list(source.observe_many([link(path) for path in paths]))
    observations = [obs for _, obs in looked]

    assert all(obs.status is LinkStatus.OK for obs in observations)
    # Only the fake was contacted: 12 info requests and 8 cards (Spaces' are not read).
    assert source.ledger.total("huggingface") == 12
    assert source.ledger.total("huggingface_files") == 8
    assert source.ledger.total() == len(fake_hub.log) == 12 + 8
    previous = {target.url: obs for target, obs in looked}
    again = [obs for _, obs in source.observe_many([link(path) for path in paths], previous)]
    assert sum(obs.requests for obs in again) == len(paths)
    assert [obs.facts.get("card") for obs in again] == [obs.facts.get("card")
                                                        for obs in observations]


def test_each_source_counts_its_own_requests_across_threads(fake_hub: FakeHub) -> None:
    for number in range(6):
        fake_hub.add_model(f"lab/model-{number}", card=False)
    first, second = make_source(fake_hub), make_source(fake_hub)
    jobs = [(first if n % 3 else second, link(f"lab/model-{n}")) for n in range(6)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda job: job[0].observe(job[1]).status, jobs))

    assert statuses == [LinkStatus.OK] * 6
    assert (first.ledger.total(), second.ledger.total()) == (4, 2)


# -- tokens -------------------------------------------------------------------------------
def test_token_never_appears_in_observations_reprs_or_logs(
    fake_hub: FakeHub, caplog: pytest.LogCaptureFixture
) -> None:
    fake_hub.add_model("alice/secret", private=True)
    fake_hub.add_model("lab/model")
    fake_hub.faults.fail_next = 1
    source = make_source(fake_hub, token=ALICE_TOKEN)

    with caplog.at_level(logging.DEBUG):
        observations = [source.observe(link(path))
                        for path in ("alice/secret", "lab/model", "lab/absent")]

    statuses = [obs.status for obs in observations]
    assert statuses == [LinkStatus.PRIVATE, LinkStatus.OK, LinkStatus.MISSING]
    for observation in observations:
        assert ALICE_TOKEN not in serialised(observation)
    assert ALICE_TOKEN not in repr(source) and ALICE_TOKEN not in caplog.text


def test_environment_token_is_not_used_when_none_is_configured(
    fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", ALICE_TOKEN)
    fake_hub.add_model("alice/secret", private=True)

    observation = observe(fake_hub, "alice/secret")

    assert observation.status is LinkStatus.MISSING
    assert all(request.header("authorization") is None for request in fake_hub.log)


# -- the fake's papers API, for the discovery step ----------------------------------------
def test_fake_hub_serves_papers_to_the_real_client(fake_hub: FakeHub) -> None:
    fake_hub.add_paper(
        "2401.12345", "Sparse Vision Models", authors=["Ada Lovelace"],
        github_repo="https://github.com/lab/sparse", project_page="https://lab.github.io/sparse",
    )
    api = HfApi(endpoint=fake_hub.url, token=False)

    paper = api.paper_info("2401.12345")
    hits = list(api.list_papers(query="sparse"))

    assert paper.title == "Sparse Vision Models"
    assert (paper.github_repo, paper.project_page) == (
        "https://github.com/lab/sparse", "https://lab.github.io/sparse"
    )
    assert [hit.id for hit in hits] == ["2401.12345"]
    assert hits[0].authors is not None and hits[0].authors[0].name == "Ada Lovelace"


def test_a_hub_that_cannot_be_reached_is_left_alone_after_three_links() -> None:
    from fakes.huggingface import FakeHub as DeadHub

    with DeadHub() as hub:
        dead_endpoint = hub.url
    ledger = RequestLedger()
    source = HuggingFaceSource(endpoint=dead_endpoint, ledger=ledger, max_retries=1,
                               backoff_base=0.01, timeout=2)
    links = [link(f"org/model-{n}") for n in range(6)]

    observations = [source.observe(link) for link in links]

    assert {o.status for o in observations} == {LinkStatus.ERROR}
    assert ledger.total("huggingface") == 3 * 2  # three links tried (twice each), then none
    assert "could not be reached 3 times in a row" in (observations[-1].reason or "")


def test_an_answer_of_the_wrong_type_is_retried_then_an_error(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model")
    fake_hub.faults.wrong_type_next = 10

    observation = observe(fake_hub, "lab/model", max_retries=1)

    assert observation.status is LinkStatus.ERROR and observation.requests == 2
    assert "malformed response" in (observation.reason or "")


def _dripping_model(hub: FakeHub) -> None:
    body = json.dumps({"id": "lab/slow", "note": "x" * 300}).encode()
    drip = FakeResponse(200, body, {"Content-Type": "application/json"}, drip=0.2)
    hub.routes.insert(0, ("GET", re.compile(r"/api/models/lab/slow"), lambda r, m: drip))


def test_a_hub_answer_dripping_past_the_deadline_ends_as_error(fake_hub: FakeHub) -> None:
    _dripping_model(fake_hub)
    started = time.monotonic()
    observation = observe(fake_hub, "lab/slow", policy=HttpPolicy(deadline=1.0))
    assert time.monotonic() - started < 2.5
    assert observation.status is LinkStatus.ERROR
    assert "within the 1s deadline" in (observation.reason or "")


def test_an_interrupt_cuts_a_hub_request_in_flight(fake_hub: FakeHub) -> None:
    _dripping_model(fake_hub)
    interrupt = Interrupt()
    threading.Timer(0.4, interrupt.set).start()
    started = time.monotonic()
    with pytest.raises(RequestCancelled):
        observe(fake_hub, "lab/slow", interrupt=interrupt, policy=HttpPolicy(stop_grace=0.5))
    assert time.monotonic() - started < 1.7


# -- cards ---------------------------------------------------------------------------------
CARD = """---
license: cc-by-nc-4.0
---
# Vision-7B

Code: [github.com/lab/vision](https://github.com/lab/vision).
Trained on [the data](https://huggingface.co/datasets/lab/vision-data).
"""


def test_a_card_is_read_once_and_carried_over_while_its_blob_is_unchanged(
    fake_hub: FakeHub,
) -> None:
    repo = fake_hub.add_model("lab/vision-7b", files={"model.safetensors": GB}, card_text=CARD)
    source = make_source(fake_hub)

    first = source.observe(link("lab/vision-7b"))
    second = source.observe(link("lab/vision-7b"), first)
    repo.card_text = CARD + "\nWeights: [v2](https://huggingface.co/lab/vision-7b-v2)\n"
    third = source.observe(link("lab/vision-7b"), second)

    assert first.facts["card"]["text"] == CARD and first.requests == 2
    assert second.facts["card"] == first.facts["card"] and second.requests == 1
    assert "vision-7b-v2" in third.facts["card"]["text"] and third.requests == 2
    assert first.facts["card_blob"] != third.facts["card_blob"]


def test_a_card_that_cannot_be_read_is_said_not_guessed(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/model", card_text=CARD)
    source = make_source(fake_hub, max_retries=1)
    # The info request answers; every card read fails.
    fake_hub.faults.only_paths = "/resolve/"
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 10, 503

    observation = source.observe(link("lab/model"))

    assert observation.status is LinkStatus.OK  # the repository's own facts stand
    assert "card" not in observation.facts
    assert observation.facts["card_error"] == "HTTP 503 after 2 attempts"


def test_gated_and_space_cards_are_not_asked_for(fake_hub: FakeHub) -> None:
    fake_hub.add_model("lab/gated", gated="manual", card_text=CARD)
    fake_hub.add_space("lab/demo")
    source = make_source(fake_hub)

    gated = source.observe(link("lab/gated"))
    space = source.observe(link("spaces/lab/demo"))

    assert gated.status is LinkStatus.GATED and gated.requests == 1 and "card" not in gated.facts
    assert space.requests == 1 and "card" not in space.facts
