"""The arXiv client and the Hub papers index against their loopback fakes (and arXiv's Atom)."""

from __future__ import annotations

import json
import re
import time

import pytest
from fakes.arxiv import FakeArxiv, fake_arxiv  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from fakes.server import FakeResponse

from tracker.sources.arxiv import ArxivClient, ArxivQueryError, parse_feed, title_query
from tracker.sources.base import RequestLedger
from tracker.sources.hf_papers import HubPaperIndex, IndexUnavailable
from tracker.sources.http import RateLimited
from tracker.sources.policy import HttpPolicy

# The older layout: namespaces declared on each element, http:// ids, a wrapped title.
OLDER_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D2409.18433" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=2409.18433&amp;start=0&amp;max_results=10</title>
  <id>http://arxiv.org/api/G79xvO0tGdRYEe8vHn0XokC5HLI</id>
  <updated>2025-08-21T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <entry>
    <id>http://arxiv.org/abs/2409.18433v2</id>
    <title>Easy2Hard-Bench: Standardized Difficulty Labels for Profiling LLM
  Performance and Generalization</title>
    <summary>  We present a benchmark.
</summary>
    <author><name>Mucong Ding</name></author>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">NeurIPS 2024 Datasets and
  Benchmarks Track</arxiv:comment>
    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">10.1000/example</arxiv:doi>
  </entry>
</feed>"""


def client(fake: FakeArxiv, **kwargs: object) -> ArxivClient:
    options: dict[str, object] = {"min_interval": 0.0, "backoff_base": 0.01, "max_retries": 1}
    options.update(kwargs)
    return ArxivClient(endpoint=fake.url + "/api", **options)  # type: ignore[arg-type]


def test_the_older_feed_layout_parses_with_its_namespaces() -> None:
    feed = parse_feed(OLDER_FEED)
    [entry] = feed.entries
    assert feed.total == 1 and (entry.arxiv_id, entry.version) == ("2409.18433", 2)
    assert entry.title.endswith("Profiling LLM Performance and Generalization")
    assert entry.comment == "NeurIPS 2024 Datasets and Benchmarks Track"
    assert entry.authors == ("Mucong Ding",) and entry.doi == "10.1000/example"


def test_title_search_and_lookup_by_id(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.add_paper("2409.18433", "Easy2Hard-Bench: Standardized Difficulty Labels for "
                         "Profiling LLM Performance and Generalization", version=2)
    arxiv = client(fake_arxiv)

    found = arxiv.search_title("Easy2Hard-Bench: standardized difficulty labels")
    by_id = arxiv.by_ids(["2409.18433", "2401.00001"])

    assert [e.arxiv_id for e in found.entries] == ["2409.18433"] and found.total == 1
    assert "\n" not in found.entries[0].title and found.entries[0].version == 2
    assert [e.arxiv_id for e in by_id.entries] == ["2409.18433"]
    assert title_query('A "Quoted": Title \\& $x$') == 'ti:"a quoted title and x"'


def test_a_malformed_id_is_arxivs_error_entry(fake_arxiv: FakeArxiv) -> None:
    with pytest.raises(ArxivQueryError, match="incorrect id format"):
        client(fake_arxiv).by_ids(["not-an-id"])


def test_rate_exceeded_backs_off_then_gives_up(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.throttle_next = 1
    ledger = RequestLedger()
    assert client(fake_arxiv, ledger=ledger).by_ids(["2409.18433"]).entries == []
    assert ledger.total("arxiv") == 2  # throttled once, then answered
    fake_arxiv.throttle_next = 5
    with pytest.raises(RateLimited):
        client(fake_arxiv).by_ids(["2409.18433"])


def test_the_hub_index_reads_paper_pages_and_citing_repos(fake_hub: FakeHub) -> None:
    fake_hub.add_paper("2508.15418", "LLaSO", github_repo="https://github.com/EIT-NLP/LLaSO",
                       project_page="https://eit-nlp.github.io/llaso", organization="EIT-NLP")
    for n in range(4):
        fake_hub.add_model(f"EIT-NLP/llaso-{n}", tags=["arxiv:2508.15418"], downloads=10 - n)
    fake_hub.add_dataset("EIT-NLP/LLaSO-Instruct", tags=["arxiv:2508.15418"])
    ledger = RequestLedger()
    index = HubPaperIndex(endpoint=fake_hub.url, ledger=ledger, backoff_base=0.01)

    page = index.paper_page("2508.15418")
    models = index.citing_repos("2508.15418", "model")

    assert page is not None and page.organization == "EIT-NLP"
    assert page.github_repo == "https://github.com/EIT-NLP/LLaSO"
    assert page.github_repo_added_by == "auto"
    assert page.linked["model"] == ["EIT-NLP/llaso-0", "EIT-NLP/llaso-1", "EIT-NLP/llaso-2"]
    assert not page.complete("model") and page.complete("dataset")
    assert models == [f"EIT-NLP/llaso-{n}" for n in range(4)]
    assert index.paper_page("2401.99999") is None  # no page: an answer, not a failure
    assert ledger.total("huggingface") == 3


def test_the_hub_index_failing_is_index_unavailable(fake_hub: FakeHub) -> None:
    fake_hub.faults.fail_next = 3
    index = HubPaperIndex(endpoint=fake_hub.url, backoff_base=0.01, max_retries=1)
    with pytest.raises(IndexUnavailable, match="HTTP 503"):
        index.search("anything")


def test_the_hub_token_shows_nowhere(fake_hub: FakeHub, caplog: pytest.LogCaptureFixture) -> None:
    token = "hf_secretIndexToken0123456789"
    fake_hub.faults.fail_next = 5
    index = HubPaperIndex(endpoint=fake_hub.url, token=token, backoff_base=0.01, max_retries=1)
    with caplog.at_level("DEBUG"), pytest.raises(IndexUnavailable) as failure:
        index.paper_page("2508.15418")
    assert token not in repr(index) + str(failure.value) + caplog.text


def test_the_hub_index_honours_retry_after_on_429(fake_hub: FakeHub) -> None:
    fake_hub.add_paper("2508.15418", "LLaSO")
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 1, 429
    fake_hub.faults.fail_headers = {"Retry-After": "1"}
    ledger = RequestLedger()
    index = HubPaperIndex(endpoint=fake_hub.url, ledger=ledger, backoff_base=0.01)
    started = time.monotonic()
    page = index.paper_page("2508.15418")
    assert page is not None and page.title == "LLaSO"
    assert time.monotonic() - started >= 0.9
    assert ledger.rate_limit_waits["huggingface"] == 1 and ledger.total("huggingface") == 2


def test_a_long_retry_after_on_429_is_unavailable_at_once(fake_hub: FakeHub) -> None:
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 5, 429
    fake_hub.faults.fail_headers = {"Retry-After": "3600"}
    ledger = RequestLedger()
    index = HubPaperIndex(endpoint=fake_hub.url, ledger=ledger, max_rate_limit_wait=5)
    with pytest.raises(IndexUnavailable, match=r"rate limited \(reset in 3600s\)"):
        index.search("anything")
    assert ledger.total("huggingface") == 1


@pytest.mark.parametrize("call", ["search", "paper_page", "citing_repos"])
def test_an_unreadable_index_answer_is_retried_and_never_an_empty_one(
    fake_hub: FakeHub, call: str
) -> None:
    fake_hub.add_paper("2508.15418", "LLaSO")
    fake_hub.add_model("EIT-NLP/llaso", tags=["arxiv:2508.15418"])
    index = HubPaperIndex(endpoint=fake_hub.url, backoff_base=0.01, max_retries=1)
    ask = {
        "search": lambda: index.search("LLaSO"),
        "paper_page": lambda: index.paper_page("2508.15418"),
        "citing_repos": lambda: index.citing_repos("2508.15418", "model"),
    }[call]
    fake_hub.faults.malformed_next = 1
    assert ask()  # cut short once: asked again, and answered
    fake_hub.faults.malformed_next = 10
    with pytest.raises(IndexUnavailable, match="malformed answer"):
        ask()
    fake_hub.faults.malformed_next = 0
    fake_hub.faults.drop_next = 10
    with pytest.raises(IndexUnavailable, match="after 2 attempts"):
        ask()


def test_a_dripping_index_answer_is_unavailable_at_the_deadline(fake_hub: FakeHub) -> None:
    body = json.dumps({"id": "2508.15418", "title": "x" * 300}).encode()
    drip = FakeResponse(200, body, {"Content-Type": "application/json"}, drip=0.2)
    fake_hub.routes.insert(0, ("GET", re.compile(r"/api/papers/2508.15418"), lambda r, m: drip))
    index = HubPaperIndex(endpoint=fake_hub.url, policy=HttpPolicy(deadline=1.0))
    started = time.monotonic()
    with pytest.raises(IndexUnavailable, match="within the 1s deadline"):
        index.paper_page("2508.15418")
    assert time.monotonic() - started < 2.5
