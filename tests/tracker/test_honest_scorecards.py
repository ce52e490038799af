"""Honest scorecards, end to end against the fakes: never grade what was not seen.

Each test is one of the ways a scorecard used to say something untrue: a README-only
repository passing as code, criteria failing on a two-level tree, a stranger's repository under
a re-registered name, grades that improve without a token, an outage read as links dying.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from sqlalchemy import update
from sqlmodel import Session, col, select

from reports.publish import write_report
from tracker.auditing import run_audit
from tracker.changes import ChangeKind, detect_changes
from tracker.checking import score_and_store
from tracker.config import Settings
from tracker.links import normalise_url
from tracker.rescoring import rescore
from tracker.scoring import DEFAULT_WEIGHTS, GRADE_BANDS
from tracker.sources import SourceSet
from tracker.sources.base import RequestLedger
from tracker.sources.github import GitHubSource
from tracker.sources.huggingface import HuggingFaceSource
from tracker.store.engine import open_store, transaction
from tracker.store.models import Audit, ObservationRecord, Paper, ScorecardRecord
from tracker.store.papers import add_links, links_of

TOKEN = "ghp_fake_token"
README = ("# {name}\n\n## Installation\n\npip install -r requirements.txt\n\n## Usage\n\n"
          "python train.py\n\n## Results\n\n| model | acc |\n|---|---|\n| ours | 91.2 |\n")
FULL_TREE = {"requirements.txt": 120, "train.py": 4000, "eval/evaluate.py": 2500}


def sources(github: FakeGitHub, hub: FakeHub | None = None, token: str | None = None
            ) -> SourceSet:
    """GitHub (REST without a token, GraphQL + REST trees with one) and the Hub, fast retries."""
    ledger = RequestLedger()
    found = [GitHubSource(endpoint=github.url, token=token, ledger=ledger, backoff_base=0.01,
                          max_retries=1, min_request_interval=None, max_rate_limit_wait=0.5)]
    found.append(HuggingFaceSource(endpoint=hub.url if hub else "http://127.0.0.1:9",
                                   ledger=ledger, backoff_base=0.01, max_retries=1))
    return SourceSet({source.service: source for source in found}, ledger)


def add_papers(engine, papers: Iterable[tuple[str, str | None, list[str]]]) -> list[int]:  # type: ignore[no-untyped-def]
    """(title, arXiv id, urls) papers; returns their ids."""
    ids = []
    with transaction(engine) as session:
        for title, arxiv_id, urls in papers:
            paper = Paper(title=title, title_key=title.lower(), arxiv_id=arxiv_id)
            session.add(paper)
            session.flush()
            add_links(session, paper, [(normalise_url(url), "abstract") for url in urls])
            ids.append(paper.id)
    return ids


def cards_of(engine, audit_id: int) -> dict[int, ScorecardRecord]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        rows = session.exec(select(ScorecardRecord).where(ScorecardRecord.audit_id == audit_id))
        return {row.paper_id: row for row in rows}


def criteria(card: ScorecardRecord) -> dict[str, str]:
    return {name: finding["outcome"] for name, finding in card.findings["criteria"].items()}


def audit(engine, srcs: SourceSet, **options):  # type: ignore[no-untyped-def]
    return run_audit(engine, srcs, DEFAULT_WEIGHTS, chunk_size=50, **options)


# ---- code means code ---------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, TOKEN], ids=["rest", "graphql"])
def test_a_repository_of_a_readme_a_license_a_pdf_and_figures_is_no_code(
    fake_github: FakeGitHub, tmp_path: Path, token: str | None
) -> None:
    fake_github.add_repo("lab", "paper", readme="# Our paper\n\nSee the PDF.\n", tree={
        "LICENSE": 1000, "paper.pdf": 900_000, "figures/teaser.png": 80_000,
        "figures/arch.jpg": 60_000})
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    [paper] = add_papers(engine, [("Our Paper", "2501.01234", ["https://github.com/lab/paper"])])

    done = audit(engine, sources(fake_github, token=token))

    card = cards_of(engine, done.id)[paper]
    finding = card.findings["criteria"]["code_available"]
    assert finding["outcome"] == "partial"  # a placeholder, not code
    assert "placeholder" in finding["evidence"][0]
    assert criteria(card)["training_code"] == "fail"  # the whole tree was seen: a fair fail


def test_with_a_token_deep_trees_are_read_whole_and_criteria_judge_every_file(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.add_repo("lab", "deep", readme=README.format(name="deep"), tree={
        "src/lab/tools/train/train_net.py": 5000, "src/lab/tools/eval/evaluate.py": 3000,
        "envs/docker/requirements.txt": 100, "setup.py": 800})
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    [paper] = add_papers(engine, [("Deep", "2501.01234", ["https://github.com/lab/deep"])])

    done = audit(engine, sources(fake_github, token=TOKEN))

    outcomes = criteria(cards_of(engine, done.id)[paper])
    assert outcomes["training_code"] == outcomes["evaluation_code"] == "pass"
    assert outcomes["code_available"] == outcomes["environment"] == "pass"


# ---- repository identity -----------------------------------------------------------------

def test_a_stranger_under_a_re_registered_name_is_suspect_not_the_papers_code(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    # The paper (March 2024) cited lab/tracker; the lab renamed its account, someone else
    # registered "lab" and made a repository of that name in 2025.
    fake_github.add_repo("lab", "tracker", created_at="2025-02-01T00:00:00Z",
                         description="My dotfiles", readme="# dotfiles\n\nvim config\n",
                         tree={"install.sh": 300, "vimrc.vim": 900})
    fake_github.add_repo("real", "sparse-attn", created_at="2024-06-01T00:00:00Z",
                         readme="# Sparse Attention Tracks Everything\n\nCode.\n",
                         tree={"train.py": 100, "requirements.txt": 10})
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    title = "Sparse Attention Tracks Everything"
    stolen, genuine = add_papers(engine, [
        (title, "2403.01234", ["https://github.com/lab/tracker"]),
        (title + " Again", "2403.04321", ["https://github.com/real/sparse-attn"]),
    ])

    done = audit(engine, sources(fake_github))

    cards = cards_of(engine, done.id)
    finding = cards[stolen].findings["criteria"]["code_available"]
    assert finding["outcome"] == "fail" and "suspect" in finding["evidence"][0]
    assert criteria(cards[stolen])["environment"] == "fail"  # a stranger's files say nothing
    assert any("suspect repository" in w for w in cards[stolen].findings["warnings"])
    assert criteria(cards[genuine])["code_available"] == "pass"  # created later, names itself


def test_a_repository_deleted_and_re_created_under_its_name_is_a_change_of_its_own(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.add_repo("lab", "code", readme=README.format(name="code"), tree=FULL_TREE)
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    add_papers(engine, [("Code", None, ["https://github.com/lab/code"])])
    first = audit(engine, sources(fake_github))
    fake_github.delete_repo("lab/code")
    fake_github.add_repo("lab", "code", readme=README.format(name="code"), tree=FULL_TREE)

    second = audit(engine, sources(fake_github))

    with Session(engine) as session:
        kinds = [c.kind for c in detect_changes(session, second.id, first.id)]
    assert ChangeKind.REPO_REPLACED in kinds


# ---- no token, rate limits ------------------------------------------------------------------

def test_without_a_token_no_paper_is_graded_better_than_with_one(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    for i in range(20):
        tree = dict(FULL_TREE) if i % 2 else {"train.py": 10}
        fake_github.add_repo("lab", f"r{i}", readme=README.format(name=i), tree=tree,
                             license_spdx="MIT" if i % 3 else None)
    papers = [(f"Paper {i}", None, [f"https://github.com/lab/r{i}"]) for i in range(20)]

    graded: dict[str, dict[int, ScorecardRecord]] = {}
    for label, token in (("token", TOKEN), ("anonymous", None)):
        engine = open_store(f"sqlite:///{tmp_path}/{label}.db")
        ids = add_papers(engine, papers)
        done = audit(engine, sources(fake_github, token=token))
        cards = cards_of(engine, done.id)
        graded[label] = {ids.index(pid): card for pid, card in cards.items()}
        if label == "anonymous":
            assert done.status == "degraded" and "rate limited" in (done.message or "")

    with_token, without = graded["token"], graded["anonymous"]
    assert all(card.grade is not None for card in with_token.values())
    withheld = [i for i, card in without.items() if card.grade is None]
    assert withheld, "60 anonymous requests an hour cannot cover 20 repositories"
    for i, card in without.items():
        if card.grade is not None:
            assert card.grade == with_token[i].grade
    for i in withheld:
        card = without[i]
        assert card.status == "incomplete"
        assert any("GITHUB_TOKEN" in line for line in card.findings["not_checked"])
    order = [grade for grade, _ in GRADE_BANDS] + ["F"]
    assert all(order.index(c.grade) >= order.index(with_token[i].grade)
               for i, c in without.items() if c.grade)


def test_a_failed_look_is_judged_on_the_last_conclusive_one_for_a_while(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.add_repo("lab", "code", readme=README.format(name="code"), tree=FULL_TREE,
                         license_spdx="MIT")
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    [paper] = add_papers(engine, [("Code", None, ["https://github.com/lab/code"])])
    first = audit(engine, sources(fake_github))
    fake_github.server.faults.fail_next = 100  # GitHub answers 503 to everything

    second = audit(engine, sources(fake_github))

    card = cards_of(engine, second.id)[paper]
    assert card.grade is not None and card.grade == cards_of(engine, first.id)[paper].grade
    assert "latest look error" in card.findings["last_known"][0]
    # Past the setting, the old look is no longer trusted: the grade is withheld.
    with Session(engine) as session:
        links = links_of(session, [paper])[paper]
        stored = session.get(Paper, paper)
    with transaction(engine) as session:
        session.execute(update(ObservationRecord).where(ObservationRecord.audit_id == first.id)
                        .values(checked_at=datetime.now(UTC) - timedelta(days=40)))
    stale = score_and_store(engine, stored, links, {}, DEFAULT_WEIGHTS, last_known_days=30)
    assert stale.scorecard.grade is None and stale.scorecard.status == "incomplete"


# ---- outages: degraded audits, changes, reports -----------------------------------------------

def test_an_outage_audit_is_degraded_changes_nothing_and_does_not_replace_latest(
    fake_github: FakeGitHub, fake_hub: FakeHub, tmp_path: Path
) -> None:
    fake_github.add_repo("lab", "code", readme=README.format(name="code"), tree=FULL_TREE,
                         license_spdx="MIT")
    fake_hub.add_model("lab/model", files={"model.safetensors": 9_000_000})
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    add_papers(engine, [("Code and model", None, ["https://github.com/lab/code",
                                                  "https://huggingface.co/lab/model"])])
    settings = Settings()
    out = tmp_path / "reports"

    healthy = audit(engine, sources(fake_github, fake_hub))
    write_report(engine, settings, healthy.id, ["md", "html"], out)
    fake_hub.faults.fail_next = 1000  # the Hub goes down
    outage = audit(engine, sources(fake_github, fake_hub))
    write_report(engine, settings, outage.id, ["md", "html"], out)
    fake_hub.faults.fail_next = 0
    back = audit(engine, sources(fake_github, fake_hub))

    assert healthy.status == "completed" and back.status == "completed"
    assert outage.status == "degraded" and "huggingface" in (outage.message or "")
    assert outage.services["huggingface"]["healthy"] is False
    assert outage.services["github"]["healthy"] is True
    latest = (out / "latest.md").read_text()
    assert f"audit #{healthy.id}" in latest  # the outage did not replace what people read
    dated = next(out.glob(f"*audit{outage.id}.md")).read_text()
    assert "Degraded audit" in dated
    with Session(engine) as session:
        assert detect_changes(session, outage.id, healthy.id) == []
        assert detect_changes(session, back.id, outage.id) == []
    [card] = cards_of(engine, outage.id).values()
    assert card.grade is not None  # the Hub's model was judged on its last conclusive look


def test_offline_nothing_is_graded(fake_github: FakeGitHub, tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    [paper] = add_papers(engine, [("Offline", None, ["https://github.com/lab/code",
                                                     "https://huggingface.co/lab/m"])])
    fake_github.server.faults.fail_next = 1000

    done = audit(engine, sources(fake_github))  # the Hub endpoint is a closed port

    card = cards_of(engine, done.id)[paper]
    assert card.grade is None and card.status == "incomplete"
    assert criteria(card)["link_health"] == "unavailable"  # errors are not reachability
    assert done.status == "degraded"


# ---- rescore ----------------------------------------------------------------------------------

def test_rescore_re_judges_stored_observations_without_a_request(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.add_repo("lab", "code", readme=README.format(name="code"), tree={"train.py": 9})
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    [paper] = add_papers(engine, [("Code", None, ["https://github.com/lab/code"])])
    done = audit(engine, sources(fake_github))
    before = cards_of(engine, done.id)[paper]
    requests = len(fake_github.server.log)
    only_code = {name: 0.0 for name in DEFAULT_WEIGHTS} | {"code_available": 1.0}

    summary = rescore(engine, only_code, audit_id=done.id)

    after = cards_of(engine, done.id)[paper]
    assert len(fake_github.server.log) == requests  # not one request
    assert summary.scorecards == 1 and summary.grade_changed == 1
    assert before.grade != "A" and after.grade == "A" and after.score == 1.0


def test_rescore_of_an_unknown_audit_is_an_input_error(tmp_path: Path) -> None:
    from tracker.errors import InputError

    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    with pytest.raises(InputError):
        rescore(engine, DEFAULT_WEIGHTS, audit_id=99)


def test_audits_are_listed_with_their_service_health(fake_github: FakeGitHub,
                                                     tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    fake_github.add_repo("lab", "code", readme=README.format(name="code"), tree=FULL_TREE)
    url = f"sqlite:///{tmp_path}/t.db"
    engine = open_store(url)
    add_papers(engine, [("Code", None, ["https://github.com/lab/code"])])
    audit(engine, sources(fake_github))

    result = CliRunner().invoke(app, ["--db", url, "audits", "--json"])

    assert result.exit_code == 0, result.output
    import json
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    [listed] = document["audits"]
    assert listed["status"] == "completed" and listed["services"]["github"]["healthy"]
    with Session(engine) as session:
        assert session.exec(select(Audit).where(col(Audit.id) == listed["id"])).one()


def test_a_service_dying_in_the_middle_of_an_audit_withholds_instead_of_failing(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    for i in range(10):
        fake_github.add_repo("lab", f"r{i}", readme=README.format(name=i), tree=FULL_TREE,
                             license_spdx="MIT")
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    ids = add_papers(engine, [(f"Paper {i}", None, [f"https://github.com/lab/r{i}"])
                              for i in range(10)])

    def die_after_the_first_chunk(progress) -> None:  # type: ignore[no-untyped-def]
        # Once the first chunk's 5 links are observed (GitHub is asked one request at a time):
        # the chunk is scored while the next is observed, so its chunk_done comes too late.
        if progress.links_checked == 5 and not fake_github.server.faults.fail_next:
            fake_github.server.faults.fail_next = 10_000

    done = run_audit(engine, sources(fake_github), DEFAULT_WEIGHTS, chunk_size=5,
                     progress=die_after_the_first_chunk)

    cards = cards_of(engine, done.id)
    assert done.status == "degraded"
    assert [cards[i].grade is not None for i in ids] == [True] * 5 + [False] * 5
    assert all(cards[i].status == "incomplete" for i in ids[5:])
    assert not any(cards[i].grade == "F" for i in ids)  # an outage is never a failing grade
