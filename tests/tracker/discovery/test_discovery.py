"""Discovery against the loopback fakes: identifying papers, and the links indexes and pages give."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fakes.arxiv import FakeArxiv, fake_arxiv  # noqa: F401
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from fakes.web import FakeWeb, fake_web  # noqa: F401
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.config import DiscoverySettings
from tracker.discovery import DiscoveryClients, discover
from tracker.facts import paper_facts
from tracker.links import LinkKind, NormalisedLink, normalise_url
from tracker.sources import SourceSet
from tracker.sources.arxiv import ArxivClient
from tracker.sources.base import RequestLedger, utcnow
from tracker.sources.github import GitHubSource
from tracker.sources.hf_papers import HubPaperIndex
from tracker.sources.huggingface import HuggingFaceSource
from tracker.sources.web import WebSource
from tracker.store.engine import open_store, transaction
from tracker.store.models import Link, Paper, PaperMatch
from tracker.store.papers import PaperFields, add_links, links_of, new_paper

FAST = {"backoff_base": 0.01, "max_retries": 1, "timeout": 5.0}


@pytest.fixture
def clients(fake_hub: FakeHub, fake_arxiv: FakeArxiv, fake_github: FakeGitHub,
            fake_web: FakeWeb) -> Iterator[DiscoveryClients]:
    ledger = RequestLedger()
    sources = [
        GitHubSource(endpoint=fake_github.url, ledger=ledger, min_request_interval=None, **FAST),
        HuggingFaceSource(endpoint=fake_hub.url, ledger=ledger, **FAST),
        WebSource(zenodo_api_url=fake_web.url + "/api", ledger=ledger, **FAST),
    ]
    yield DiscoveryClients(
        papers=HubPaperIndex(endpoint=fake_hub.url, ledger=ledger, **FAST),
        arxiv=ArxivClient(endpoint=fake_arxiv.url + "/api", ledger=ledger, min_interval=0.05,
                          **FAST),
        sources=SourceSet({s.service: s for s in sources}, ledger),
    )


def store_paper(engine: Engine, title: str | None = None, *, arxiv_id: str | None = None,
                links: list[NormalisedLink] = ()) -> int:  # type: ignore[assignment]
    with transaction(engine) as session:
        paper = new_paper(PaperFields(title=title, arxiv_id=arxiv_id))
        session.add(paper)
        session.flush()
        add_links(session, paper, [(link, "abstract") for link in links])
        assert paper.id is not None
        return paper.id


def all_links(engine: Engine, paper_id: int) -> dict[str, Link]:
    with Session(engine) as session:
        return {link.url: link for link in links_of(session, [paper_id], states=None)[paper_id]}


def the_paper(engine: Engine, paper_id: int) -> Paper:
    with Session(engine) as session:
        paper = session.get(Paper, paper_id)
        assert paper is not None
        return paper


SETTINGS = DiscoverySettings()
EASY = "Easy2Hard-Bench: Standardized Difficulty Labels for Profiling LLM Performance and Generalization"


# -- identification ---------------------------------------------------------------------
def test_an_exact_title_in_the_hub_index_identifies_the_paper_and_reads_its_page(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_arxiv: FakeArxiv,
) -> None:
    fake_hub.add_paper("2409.18433", EASY.replace(" for Profiling", "\nfor Profiling"),
                       github_repo="https://github.com/furonghuang-lab/Easy2Hard-Bench",
                       github_repo_added_by="user")
    fake_hub.add_dataset("furonghuang-lab/Easy2Hard-Bench", tags=["arxiv:2409.18433"])
    engine = open_store(db_url)
    paper_id = store_paper(engine, EASY)

    summary = discover(engine, clients, [paper_id], SETTINGS)

    assert the_paper(engine, paper_id).arxiv_id == "2409.18433"
    assert summary.identified == 1 and summary.identified_by == {"hf-paper": 1}
    links = all_links(engine, paper_id)
    repo = links["https://github.com/furonghuang-lab/Easy2Hard-Bench"]
    assert (repo.provenance, repo.state, repo.confidence) == ("hf-paper", "active", 1.0)
    data = links["https://huggingface.co/datasets/furonghuang-lab/Easy2Hard-Bench"]
    assert (data.provenance, data.state) == ("hf-paper", "active")  # same owner as the code
    assert fake_arxiv.queries() == []  # the Hub knew it: arXiv is not asked


def test_a_near_miss_title_is_a_candidate_not_an_identification(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_arxiv: FakeArxiv,
) -> None:
    fake_hub.add_paper("1705.08741", "Train longer, generalize better: closing the generalization "
                       "gap in large batch training of deep neural networks")
    engine = open_store(db_url)
    paper_id = store_paper(engine, "Train longer, generalize better: closing the generalization "
                                   "gap in large batch training of neural networks")

    summary = discover(engine, clients, [paper_id], SETTINGS)

    assert the_paper(engine, paper_id).arxiv_id is None
    assert summary.not_identified == 1 and summary.title_candidates == 1
    with Session(engine) as session:
        [match] = session.exec(select(PaperMatch)).all()
    assert match.arxiv_id == "1705.08741" and 0.9 < match.confidence < 1.0
    assert match.state == "candidate" and match.provenance == "hf-paper"
    assert len(fake_arxiv.queries()) == 1  # arXiv was asked too, and knew nothing better


def test_latex_and_unicode_punctuation_fold_to_the_same_title(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_arxiv: FakeArxiv,
) -> None:
    fake_arxiv.add_paper("2502.01234", "Where to find Grokking in LLM Pretraining? Monitor "
                         "Memorization-to-Generalization without Test",
                         comment="Code: https://github.com/ljcleo/moe-grokking")
    engine = open_store(db_url)
    paper_id = store_paper(engine, "Where to find {G}rokking in \\textbf{LLM} Pretraining? "
                                   "Monitor Memorization\u2013to\u2013Generalization without "
                                   "\u201cTest\u201d")

    summary = discover(engine, clients, [paper_id], SETTINGS)

    assert the_paper(engine, paper_id).arxiv_id == "2502.01234"
    assert summary.identified_by == {"arxiv": 1}
    repo = all_links(engine, paper_id)["https://github.com/ljcleo/moe-grokking"]
    assert (repo.provenance, repo.state) == ("arxiv", "active")
    [search] = fake_arxiv.queries()
    assert search.query["search_query"] == [
        'ti:"where to find grokking in llm pretraining monitor memorization to '
        'generalization without test"']


def test_of_two_papers_with_similar_titles_only_the_exact_one_is_taken(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub,
) -> None:
    fake_hub.add_paper("2212.04458", "Data Factors for Better Compositional Generalization")
    fake_hub.add_paper("2403.11111", "Data Factors for Better Compositional Generalization in "
                       "Vision-Language Models")
    engine = open_store(db_url)
    first = store_paper(engine, "Data Factors for Better Compositional Generalization")
    second = store_paper(engine, "Data factors for better compositional generalisation")

    summary = discover(engine, clients, [first, second], SETTINGS)

    assert the_paper(engine, first).arxiv_id == "2212.04458"
    assert the_paper(engine, second).arxiv_id is None  # "generalisation": close, not equal
    assert summary.identified == 1
    with Session(engine) as session:
        matched = {m.arxiv_id for m in session.exec(select(PaperMatch)).all()}
    assert "2212.04458" in matched


# -- links from pages -------------------------------------------------------------------
def web_page(fake_web: FakeWeb, path: str, html: str) -> NormalisedLink:
    fake_web.add_page(path, html)
    url = fake_web.url + path
    return NormalisedLink(url, LinkKind.PROJECT_PAGE, "127.0.0.1", url)


def test_a_project_page_that_links_the_code(
    db_url: str, clients: DiscoveryClients, fake_web: FakeWeb, fake_github: FakeGitHub,
) -> None:
    page = web_page(fake_web, "/proj/shortcut/", """<html><title>Shortcut learning</title>
        <a href="https://github.com/lucky-light-sun/shortcut-learning">Code</a>
        <a href="https://github.com/nerfies/nerfies.github.io">template</a>
        <a href="https://zenodo.org/records/1234">data</a>
        <a href="https://huggingface.co/openvla/openvla-7b">base model</a></html>""")
    fake_github.add_repo("lucky-light-sun", "shortcut-learning", readme="# code\n")
    engine = open_store(db_url)
    paper_id = store_paper(engine, links=[page])

    summary = discover(engine, clients, [paper_id], SETTINGS)

    links = all_links(engine, paper_id)
    code = links["https://github.com/lucky-light-sun/shortcut-learning"]
    assert (code.provenance, code.state) == ("project-page", "active")  # the page's only repo
    assert links["https://zenodo.org/records/1234"].state == "active"
    assert links["https://huggingface.co/openvla/openvla-7b"].state == "candidate"
    assert "https://github.com/nerfies/nerfies.github.io" not in links  # a site template
    assert summary.links_added == {"project-page": 2}
    assert summary.candidates_added == {"project-page": 1}
    assert set(summary.observed) == {links[page.url].id, code.id}  # read once, stored


def test_a_readme_that_links_the_weights_and_a_third_party_reupload_kept_apart(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_github: FakeGitHub,
) -> None:
    fake_github.add_repo("EIT-NLP", "LLaSO", readme=(
        "# LLaSO\nWeights: https://huggingface.co/EIT-NLP/LLaSO-Base-3.8B-Instruct\n"
        "Data: [LLaSO-Instruct](https://huggingface.co/datasets/EIT-NLP/LLaSO-Instruct)\n"
        "Built on https://huggingface.co/meta-llama/Llama-3.2-3B-Instruct\n"))
    fake_hub.add_paper("2508.15418", "LLaSO: A Foundational Framework for Reproducible Research "
                       "in Large Language and Speech Model", organization="EIT-NLP")
    for repo_id, downloads in (("EIT-NLP/LLaSO-Base-3.8B-Instruct", 900),
                               ("EIT-NLP/LLaSO-Eval", 500), ("EIT-NLP/LLaSO-Align", 400),
                               ("someone/LLaSO-Base-GGUF-Q4", 50)):
        fake_hub.add_model(repo_id, tags=["arxiv:2508.15418"], downloads=downloads)
    engine = open_store(db_url)
    paper_id = store_paper(engine, arxiv_id="2508.15418",
                           links=[normalise_url("https://github.com/EIT-NLP/LLaSO")])

    summary = discover(engine, clients, [paper_id], SETTINGS)

    links = all_links(engine, paper_id)
    weights = links["https://huggingface.co/EIT-NLP/LLaSO-Base-3.8B-Instruct"]
    assert (weights.provenance, weights.state) == ("hf-paper", "active")
    quantised = links["https://huggingface.co/someone/LLaSO-Base-GGUF-Q4"]
    assert (quantised.provenance, quantised.state) == ("hf-arxiv-tag", "candidate")
    data = links["https://huggingface.co/datasets/EIT-NLP/LLaSO-Instruct"]
    assert (data.provenance, data.state) == ("readme", "active")
    # "Built on" a base model: a third-party input, not something this paper released.
    assert "https://huggingface.co/meta-llama/Llama-3.2-3B-Instruct" not in links
    assert summary.candidates_added == {"hf-arxiv-tag": 1}
    with Session(engine) as session:  # candidates are not what the scorecard reads
        paper = session.get(Paper, paper_id)
        facts = paper_facts(session, paper, list(links.values()))
    assert quantised.url not in {link.url for link in facts.links}
    assert weights.url in {link.url for link in facts.links}


# -- politeness and the cache -----------------------------------------------------------
def test_arxiv_is_asked_at_most_once_per_interval(
    db_url: str, fake_hub: FakeHub, fake_arxiv: FakeArxiv, clients: DiscoveryClients,
) -> None:
    clients.arxiv = ArxivClient(endpoint=fake_arxiv.url + "/api", min_interval=0.2, **FAST)
    engine = open_store(db_url)
    ids = [store_paper(engine, f"An unknown paper number {n}") for n in range(3)]

    discover(engine, clients, ids, SETTINGS)

    arrivals = fake_arxiv.arrivals
    assert len(arrivals) == 3
    # Spaced by the client (0.2 s); arrival times at the server jitter by tens of milliseconds
    # on a loaded 2-core machine, so the bound leaves room for that (unspaced would be ~0).
    assert all(b - a >= 0.15 for a, b in zip(arrivals, arrivals[1:]))


def test_the_cache_spares_identified_papers_and_retries_not_found_ones_after_the_interval(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_arxiv: FakeArxiv,
) -> None:
    fake_hub.add_paper("2409.18433", EASY, github_repo="https://github.com/o/easy")
    engine = open_store(db_url)
    known = store_paper(engine, EASY)
    unknown = store_paper(engine, "A paper no index has heard of")
    now = utcnow()

    discover(engine, clients, [known, unknown], SETTINGS, now=now)
    sent = len(fake_hub.log), len(fake_arxiv.log)
    again = discover(engine, clients, [known, unknown], SETTINGS, now=now + timedelta(days=29))
    assert (len(fake_hub.log), len(fake_arxiv.log)) == sent  # nothing asked again
    assert again.lookups_sent == 0 and again.lookups_cached >= 3

    later = discover(engine, clients, [known, unknown], SETTINGS, now=now + timedelta(days=31))
    # The unknown title is searched again (Hub and arXiv); the known paper's page is refreshed.
    assert len(fake_arxiv.log) == sent[1] + 1
    assert later.lookups_sent == 3
    assert the_paper(engine, known).arxiv_id == "2409.18433"


def test_an_index_failure_is_reported_and_not_cached(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_arxiv: FakeArxiv,
) -> None:
    fake_hub.add_paper("2409.18433", EASY)
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 2, 503  # max_retries=1
    fake_arxiv.throttle_next = 2
    engine = open_store(db_url)
    paper_id = store_paper(engine, EASY)

    failed = discover(engine, clients, [paper_id], SETTINGS)
    recovered = discover(engine, clients, [paper_id], SETTINGS)

    assert len(failed.failures) == 2 and "HTTP 503" in failed.failures[0]
    assert "rate limited" in failed.failures[1]
    assert failed.incomplete == {paper_id}
    assert recovered.identified == 1 and recovered.failures == []


def test_discovery_disabled_asks_nothing(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub,
) -> None:
    engine = open_store(db_url)
    paper_id = store_paper(engine, EASY)
    summary = discover(engine, clients, [paper_id], DiscoverySettings(enabled=False))
    assert summary.papers == 0 and fake_hub.log == []


def test_check_discovers_before_observing_and_fetches_each_link_once(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_github: FakeGitHub,
) -> None:
    from tracker.checking import check_paper
    from tracker.discovery import Discovery
    from tracker.scoring import DEFAULT_WEIGHTS

    fake_hub.add_paper("2409.18433", EASY, github_repo="https://github.com/lab/easy")
    fake_github.add_repo("lab", "easy", readme="# Easy\n\n## Installation\npip install .\n",
                         tree={"train.py": 100})
    engine = open_store(db_url)

    result = check_paper(engine, clients.sources, "arXiv:2409.18433", DEFAULT_WEIGHTS,
                         discovery=Discovery(clients, SETTINGS))

    assert [(l.url, l.provenance) for l in result.links] == [
        ("https://github.com/lab/easy", "hf-paper")]
    assert result.scorecard.findings["code_available"].score == 1.0  # type: ignore[index]
    repo_requests = fake_github.server.requests_to(r"^/repos/lab/easy$")
    assert len(repo_requests) == 1  # read by discovery for its README, not fetched again
    assert set(result.observed) == {result.links[0].id}


@pytest.mark.parametrize("fault", ["malformed", "dropped", "429"])
def test_an_unreadable_paper_page_is_a_failure_never_an_absent_page(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fault: str,
) -> None:
    fake_hub.add_paper("2409.18433", EASY,
                       github_repo="https://github.com/furonghuang-lab/Easy2Hard-Bench")
    engine = open_store(db_url)
    paper_id = store_paper(engine, EASY, arxiv_id="2409.18433")
    faults = fake_hub.faults
    faults.only_paths = r"^/api/papers/"
    if fault == "malformed":
        faults.malformed_next = 10
    elif fault == "dropped":
        faults.drop_next = 10
    else:
        faults.fail_next, faults.fail_status = 10, 429
        faults.fail_headers = {"Retry-After": "3600"}

    failed = discover(engine, clients, [paper_id], SETTINGS)

    assert failed.failures and "hf-paper 2409.18433" in failed.failures[0]
    assert failed.incomplete == {paper_id}
    assert all_links(engine, paper_id) == {}  # nothing invented, nothing removed
    faults.malformed_next = faults.drop_next = faults.fail_next = 0
    recovered = discover(engine, clients, [paper_id], SETTINGS)  # the failure was not cached
    assert recovered.failures == [] and recovered.incomplete == set()
    assert "https://github.com/furonghuang-lab/Easy2Hard-Bench" in all_links(engine, paper_id)


# -- model and dataset cards ----------------------------------------------------------------
def test_a_tagged_entry_whose_card_links_the_code_is_the_authors_and_a_copy_is_not(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_github: FakeGitHub,
) -> None:
    """A student uploads the lab's checkpoint under their own account: the Hub ties it to the
    paper by its arXiv tag, and its card links the lab's code. A quantised copy does both too,
    and says it is a copy."""
    fake_github.add_repo("vislab", "sharpnet", readme="# SharpNet\nTraining code.\n")
    fake_hub.add_paper("2507.01234", "SharpNet: Sharper Depth from One Image")
    fake_hub.add_model("jdoe/sharpnet-large", tags=["arxiv:2507.01234"], files={
        "model.safetensors": 900_000_000}, card_text=(
            "# SharpNet-Large\n\nCheckpoint of [SharpNet](https://github.com/vislab/sharpnet), "
            "trained as in the paper.\n"))
    fake_hub.add_model("quant-co/sharpnet-large-GGUF", tags=["arxiv:2507.01234"], card_text=(
        "# SharpNet-Large GGUF\n\nQuantized with llama.cpp. Code: "
        "https://github.com/vislab/sharpnet\n"))
    fake_hub.add_model("other/unrelated-depth", tags=["arxiv:2507.01234"],
                       card_text="# A depth model\n\nCites SharpNet.\n")
    engine = open_store(db_url)
    paper_id = store_paper(engine, arxiv_id="2507.01234",
                           links=[normalise_url("https://github.com/vislab/sharpnet")])

    summary = discover(engine, clients, [paper_id], SETTINGS)

    links = all_links(engine, paper_id)
    student = links["https://huggingface.co/jdoe/sharpnet-large"]
    assert (student.state, student.provenance) == ("active", "hf-card-backlink")
    assert links["https://huggingface.co/quant-co/sharpnet-large-GGUF"].state == "candidate"
    assert links["https://huggingface.co/other/unrelated-depth"].state == "candidate"
    assert summary.links_added["hf-card-backlink"] == 1


def test_the_card_of_the_papers_model_gives_its_data_and_not_its_base_model(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_github: FakeGitHub,
    fake_web: FakeWeb,
) -> None:
    fake_github.add_repo("vislab", "sharpnet",
                         readme="# SharpNet\nWeights: https://huggingface.co/vislab/sharpnet\n")
    fake_hub.add_model("vislab/sharpnet", files={"model.safetensors": 900_000_000}, card_text=(
        "# SharpNet\n\nFine-tuned from [DepthBase](https://huggingface.co/bigco/depth-base).\n\n"
        "## Training data\n\nWe train on [NYUv2](https://huggingface.co/datasets/nyu/nyuv2).\n\n"
        "## Our dataset\n\nWe release SharpDepth-100k: "
        "[download](https://drive.google.com/drive/folders/1SharpDepthFolderId).\n"))
    engine = open_store(db_url)
    paper_id = store_paper(engine, "SharpNet: Sharper Depth from One Image",
                           links=[normalise_url("https://github.com/vislab/sharpnet")])

    discover(engine, clients, [paper_id], SETTINGS)

    links = all_links(engine, paper_id)
    drive = links["https://drive.google.com/drive/folders/1SharpDepthFolderId"]
    assert (drive.state, drive.provenance) == ("active", "hf-card")
    assert "https://huggingface.co/bigco/depth-base" not in links  # its base: third party
    assert "https://huggingface.co/datasets/nyu/nyuv2" not in links  # trained on: third party


def test_a_paper_whose_discovery_failed_is_not_graded_f_for_missing_links(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub,
) -> None:
    from tracker.checking import check_paper
    from tracker.discovery import Discovery
    from tracker.scoring import DEFAULT_WEIGHTS

    fake_hub.add_paper("2409.18433", EASY, github_repo="https://github.com/lab/easy")
    fake_hub.faults.only_paths = r"^/api/papers/"
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 10, 503
    engine = open_store(db_url)

    result = check_paper(engine, clients.sources, "arXiv:2409.18433", DEFAULT_WEIGHTS,
                         discovery=Discovery(clients, SETTINGS))

    card = result.scorecard
    assert result.links == []  # the index that would have given the code link did not answer
    assert card.grade is None and card.status == "incomplete"
    assert card.withheld is not None and "discovery could not finish" in card.withheld
    assert "HTTP 503" in card.withheld
    code = card.findings["code_available"]
    assert code.outcome == "unavailable" and "links it would have found" in code.evidence[-1]


def test_a_card_that_could_not_be_read_withholds_the_data_it_might_have_linked(
    db_url: str, clients: DiscoveryClients, fake_hub: FakeHub, fake_github: FakeGitHub,
) -> None:
    """The model card would have linked the dataset: while it cannot be read, data_released
    is unavailable with the reason, never failed; what was seen (the weights) stands."""
    from tracker.checking import check_paper
    from tracker.discovery import Discovery
    from tracker.scoring import DEFAULT_WEIGHTS

    fake_github.add_repo("vislab", "sharpnet",
                         readme="# SharpNet\nWeights: https://huggingface.co/vislab/sharpnet\n")
    fake_hub.add_model("vislab/sharpnet", files={"model.safetensors": 900_000_000}, card_text=(
        "# SharpNet\n\n## Our dataset\n\nWe release SharpDepth-100k: "
        "[data](https://huggingface.co/datasets/vislab/sharpdepth-100k).\n"))
    fake_hub.add_dataset("vislab/sharpdepth-100k", files={"train.parquet": 40_000_000})
    fake_hub.faults.only_paths = "/resolve/"
    fake_hub.faults.fail_next, fake_hub.faults.fail_status = 10, 503
    engine = open_store(db_url)

    blind = check_paper(engine, clients.sources, "https://github.com/vislab/sharpnet",
                        DEFAULT_WEIGHTS, discovery=Discovery(clients, SETTINGS))

    data = blind.scorecard.findings["data_released"]
    assert data.outcome == "unavailable"
    assert blind.scorecard.withheld is not None and "card of" in blind.scorecard.withheld
    assert blind.scorecard.findings["weights_released"].outcome == "pass"  # seen: it stands
