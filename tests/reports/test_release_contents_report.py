"""The report shows what the release-contents work finds: dead README links, unconfirmed
artefacts, each artefact's license and the conflicts."""

from __future__ import annotations

from pathlib import Path

from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlmodel import Session

from reports.base import RENDERERS
from reports.report import build_report
from reports.rows import export_rows
from tracker.auditing import run_audit
from tracker.links import normalise_url
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.sources import SourceSet
from tracker.sources.base import RequestLedger
from tracker.sources.github import GitHubSource
from tracker.sources.huggingface import HuggingFaceSource
from tracker.store.engine import open_store, transaction
from tracker.store.models import Paper
from tracker.store.papers import LinkState, add_links


def test_dead_readme_links_unconfirmed_artefacts_and_license_conflicts_are_shown(
    fake_github: FakeGitHub, fake_hub: FakeHub, tmp_path: Path
) -> None:
    fake_github.add_repo("lab", "method", license_spdx="Apache-2.0",
                         readme="# Method\n\n## Install\n\npip install -e .\n",
                         tree={"train.py": 10, "LICENSE": 100})
    fake_hub.add_model("lab/method-7b", files={"model.safetensors": 9_000_000},
                       license="cc-by-nc-4.0")
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    with transaction(engine) as session:
        paper = Paper(title="Method", title_key="method")
        session.add(paper)
        session.flush()
        add_links(session, paper, [(normalise_url("https://github.com/lab/method"), "abstract"),
                                   (normalise_url("https://huggingface.co/lab/method-7b"),
                                    "readme"),
                                   (normalise_url("https://huggingface.co/lab/gone"), "readme")])
        add_links(session, paper, [(normalise_url("https://huggingface.co/x/method-gguf"),
                                    "readme")], state=LinkState.CANDIDATE, confidence=0.4)
    ledger = RequestLedger()
    sources = SourceSet({
        "github": GitHubSource(endpoint=fake_github.url, ledger=ledger, min_request_interval=None),
        "huggingface": HuggingFaceSource(endpoint=fake_hub.url, ledger=ledger),
    }, ledger)
    audit = run_audit(engine, sources, DEFAULT_WEIGHTS)

    with Session(engine) as session:
        report = build_report(session, audit.id or 0)
        [row] = export_rows(session)
    markdown = RENDERERS["md"].render(report)
    html = RENDERERS["html"].render(report)

    assert "Dead links in READMEs and project pages" in markdown
    assert "(hf_model, from the readme): **missing**" in markdown and "lab/gone" in markdown
    assert "Unconfirmed artefacts" in markdown and "method-gguf" in markdown
    assert "Dead links in READMEs and project pages" in html
    assert "license conflict: open code (Apache-2.0) but non-commercial weights (CC-BY-NC-4.0)" \
        in html
    assert row["weights_license"] == "CC-BY-NC-4.0" and row["candidates"] == 1
    assert "non-commercial weights" in row["license_conflicts"]
    assert row["links_total"] == 3  # active links only; the candidate is counted apart
