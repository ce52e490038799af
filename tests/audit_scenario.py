"""Two real audits against the loopback fakes, with changes in between (shared by report tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fakes.github import FakeGitHub
from fakes.huggingface import FakeHub
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.checking import score_and_store
from tracker.links import normalise_url
from tracker.observing import observe_links
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.sources import SourceSet
from tracker.sources.base import RequestLedger
from tracker.sources.github import GitHubSource
from tracker.sources.huggingface import HuggingFaceSource
from tracker.store.engine import transaction
from tracker.store.models import Audit, Paper
from tracker.store.papers import add_links, links_of

README = (
    "# {name}\n\n## Installation\n\npip install -r requirements.txt\n\n## Usage\n\n"
    "python train.py\n\n## Results\n\n| model | acc |\n|---|---|\n| ours | 91.2 |\n"
)
TREE = {"requirements.txt": 120, "train.py": 4000, "eval/evaluate.py": 2500}

# title -> links; the titles say what happens between the two audits.
PAPERS = {
    "Deleted | Repository Paper": ["https://github.com/lab/gone"],
    "License Change Paper": ["https://github.com/lab/relicensed"],
    "New Release Paper": ["https://github.com/lab/released"],
    "Gated Model Paper": ["https://huggingface.co/lab/model"],
    "Steady Paper": ["https://github.com/lab/steady", "https://huggingface.co/datasets/lab/data"],
}


@dataclass
class TwoAudits:
    """The ids of what the scenario stored."""

    first: int
    second: int
    paper_ids: dict[str, int]  # title -> id


def sources_for(github: FakeGitHub, hub: FakeHub) -> SourceSet:
    """GitHub (REST, no token) and Hub sources pointed at the fakes, fast and polite."""
    ledger = RequestLedger()
    github_source = GitHubSource(endpoint=github.url, ledger=ledger, backoff_base=0.01,
                                 max_retries=1, min_request_interval=None)
    hub_source = HuggingFaceSource(endpoint=hub.url, ledger=ledger, backoff_base=0.01,
                                   max_retries=1)
    return SourceSet({github_source.service: github_source, hub_source.service: hub_source},
                     ledger)


def seed_services(github: FakeGitHub, hub: FakeHub) -> None:
    """The services as the first audit sees them."""
    for name, stars in (("gone", 40), ("relicensed", 120), ("released", 8), ("steady", 300)):
        releases = [{"tag": "v1.0", "published_at": "2025-01-10T00:00:00Z", "assets": []}]
        github.add_repo("lab", name, stars=stars, license_spdx="MIT", license_name="MIT License",
                        tree=dict(TREE), readme=README.format(name=name), releases=releases)
    hub.add_model("lab/model", files={"model.safetensors": 5_000_000, "README.md": 900},
                  license="apache-2.0", downloads=100)
    hub.add_dataset("lab/data", files={"data/train.parquet": 2_000_000}, license="cc-by-4.0")


def change_services(github: FakeGitHub, hub: FakeHub) -> None:
    """What happens between the audits: a repo deleted, a license changed, a release added, a
    Hub model gated (plus a small stars change below the reporting threshold)."""
    github.delete_repo("lab/gone")
    github.set_license("lab/relicensed", "GPL-3.0", "GNU General Public License v3.0")
    released = github.find("lab/released")
    assert released is not None
    released.releases.append({"tag": "v1.1", "published_at": "2025-07-01T00:00:00Z",
                              "assets": []})
    steady = github.find("lab/steady")
    assert steady is not None
    steady.stars = 305
    hub.repos[("model", "lab/model")].gated = "manual"


def run_audit(engine: Engine, sources: SourceSet, paper_ids: list[int]) -> int:
    """Record one completed audit over these papers, as the audit runner would."""
    with transaction(engine) as session:
        audit = Audit(trigger="cli", paper_ids=paper_ids, papers_total=len(paper_ids))
        session.add(audit)
        session.flush()
        audit_id = audit.id
    assert audit_id is not None
    with Session(engine) as session:
        papers = [session.get(Paper, paper_id) for paper_id in paper_ids]
        grouped = links_of(session, paper_ids)
    all_links = [link for links in grouped.values() for link in links]
    requests_before = dict(sources.ledger.requests)
    not_modified_before = dict(sources.ledger.not_modified)
    observed = observe_links(engine, sources, all_links, audit_id=audit_id)
    for paper in papers:
        assert paper is not None and paper.id is not None
        score_and_store(engine, paper, grouped[paper.id], observed, DEFAULT_WEIGHTS,
                        audit_id=audit_id)
    with transaction(engine) as session:
        audit = session.get(Audit, audit_id)
        assert audit is not None
        audit.status = "completed"
        audit.finished_at = datetime.now(UTC)
        audit.papers_done = len(paper_ids)
        audit.links_checked = len(observed)
        audit.requests = {s: n - requests_before.get(s, 0)
                          for s, n in sources.ledger.requests.items()}
        audit.not_modified = {s: n - not_modified_before.get(s, 0)
                              for s, n in sources.ledger.not_modified.items()}
        session.add(audit)
    return audit_id


def store_papers(engine: Engine) -> dict[str, int]:
    """The scenario's papers and links; returns title -> paper id."""
    ids: dict[str, int] = {}
    with transaction(engine) as session:
        for index, (title, urls) in enumerate(PAPERS.items()):
            paper = Paper(title=title, title_key=title.lower(), arxiv_id=f"2501.0000{index + 1}")
            session.add(paper)
            session.flush()
            links = [normalise_url(url) for url in urls]
            add_links(session, paper, [(link, "abstract") for link in links if link])
            assert paper.id is not None
            ids[title] = paper.id
    return ids


def two_audits(engine: Engine, github: FakeGitHub, hub: FakeHub) -> TwoAudits:
    """Seed the fakes, audit, change the fakes, audit again."""
    seed_services(github, hub)
    paper_ids = store_papers(engine)
    sources = sources_for(github, hub)
    first = run_audit(engine, sources, sorted(paper_ids.values()))
    change_services(github, hub)
    second = run_audit(engine, sources, sorted(paper_ids.values()))
    return TwoAudits(first, second, paper_ids)
