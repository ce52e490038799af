"""How many papers are graded, provisional or withheld, with and without a GitHub token.

Run: `python -m benchmarks.honest_scorecards [--repos 60]`. Two corpora, each audited against
the loopback fakes (tests/fakes) twice (a first audit, then an unchanged re-audit), once with a
GitHub token and once without:

- `seed`: the seed Daily Papers page (tests/fixtures/daily-papers.txt, 56 papers) with its
  11 repositories, its Hub model and dataset, its OSF node and its project page modelled;
- `repos-N`: N papers, one repository each (varied contents and licenses), more than the 60
  anonymous REST requests an hour can cover.

For each run it prints the scorecards by status (complete, provisional, incomplete), the graded
papers and their grades, and checks the promise of honest scorecards: no paper is graded
better without a token than with one (a withheld grade is no grade, never a better one).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.github import FakeGitHub  # noqa: E402
from fakes.github_seed import add_seed_repositories  # noqa: E402
from fakes.huggingface import FakeHub  # noqa: E402
from fakes.osf import FakeOSF  # noqa: E402
from fakes.web import FakeWeb  # noqa: E402
from sqlalchemy import update  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from tracker.auditing import run_audit  # noqa: E402
from tracker.importing import import_file  # noqa: E402
from tracker.links import normalise_url  # noqa: E402
from tracker.scoring import DEFAULT_WEIGHTS, GRADE_BANDS, LOWEST_GRADE  # noqa: E402
from tracker.sources import SourceSet  # noqa: E402
from tracker.sources.base import RequestLedger  # noqa: E402
from tracker.sources.github import GitHubSource  # noqa: E402
from tracker.sources.huggingface import HuggingFaceSource  # noqa: E402
from tracker.sources.osf import OSFSource  # noqa: E402
from tracker.sources.web import WebSource  # noqa: E402
from tracker.store.engine import open_store, transaction  # noqa: E402
from tracker.store.models import Link, Paper, ScorecardRecord  # noqa: E402
from tracker.store.papers import add_links  # noqa: E402

TOKEN = "ghp_fake_token"
SEED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "daily-papers.txt"
OSF_KEY = "399daff5a14d4b16b09473cf19043f18"
ORDER = [grade for grade, _ in GRADE_BANDS] + [LOWEST_GRADE]


def _sources(github: FakeGitHub, hub: FakeHub, osf: FakeOSF, token: str | None) -> SourceSet:
    ledger = RequestLedger()
    common: dict[str, Any] = {"ledger": ledger, "backoff_base": 0.01, "max_retries": 1,
                              "timeout": 5}
    found = [
        GitHubSource(endpoint=github.url, token=token, min_request_interval=None,
                     max_rate_limit_wait=0, **common),
        HuggingFaceSource(endpoint=hub.url, **common),
        OSFSource(endpoint=osf.endpoint, **common),
        WebSource(**common),
    ]
    return SourceSet({source.service: source for source in found}, ledger)


def _seed(github: FakeGitHub, hub: FakeHub, osf: FakeOSF, web: FakeWeb, db: str) -> Any:
    add_seed_repositories(github)
    hub.add_dataset("furonghuang-lab/Easy2Hard-Bench", files={"data/math.parquet": 2_000_000})
    hub.add_model("YiDuo1999/Llama-3-Physician-8B-Instruct",
                  files={"model.safetensors": 16_000_000_000, "README.md": 900})
    osf.add_node("e25mu", public=False, view_only_keys={OSF_KEY},
                 files=[("data/items.csv", 900)])
    engine = open_store(db)
    import_file(engine, SEED)
    with transaction(engine) as session:
        session.execute(update(Link).where(col(Link.kind) == "project_page")
                        .values(url=web.url + "/project.html"))
    return engine


def _repos(github: FakeGitHub, count: int, db: str) -> Any:
    engine = open_store(db)
    with transaction(engine) as session:
        for i in range(count):
            tree = {"train.py": 900, "eval.py": 400, "requirements.txt": 80} if i % 2 \
                else {"model.py": 900}
            github.add_repo("lab", f"method-{i}", tree=tree,
                            license_spdx=("MIT", "Apache-2.0", None)[i % 3],
                            readme=f"# method-{i}\n\n## Installation\n\npip install -e .\n")
            paper = Paper(title=f"Method {i}", title_key=f"method {i}")
            session.add(paper)
            session.flush()
            link = normalise_url(f"https://github.com/lab/method-{i}")
            assert link is not None
            add_links(session, paper, [(link, "abstract")])
    return engine


def _figures(engine: Any, audit_id: int) -> tuple[dict[str, Any], dict[int, str | None]]:
    with Session(engine) as session:
        cards = list(session.exec(select(ScorecardRecord)
                                  .where(ScorecardRecord.audit_id == audit_id)))
    statuses = Counter(card.status for card in cards)
    grades = Counter(card.grade for card in cards if card.grade)
    return ({"papers": len(cards), **{s: statuses.get(s, 0) for s in
                                      ("complete", "provisional", "incomplete")},
             "graded": sum(grades.values()),
             "grades": {g: grades.get(g, 0) for g in ORDER}},
            {card.paper_id: card.grade for card in cards})


def measure(corpus: str, repos: int) -> list[dict[str, Any]]:
    """Both runs (token, anonymous) of one corpus: figures per audit, and the comparison."""
    rows: list[dict[str, Any]] = []
    grades: dict[str, dict[int, str | None]] = {}
    for label, token in (("token", TOKEN), ("no token", None)):
        github = FakeGitHub().start()
        with FakeHub() as hub, FakeOSF() as osf, FakeWeb() as web, \
                tempfile.TemporaryDirectory() as tmp:
            web.stock()
            db = f"sqlite:///{tmp}/bench.db"
            engine = _seed(github, hub, osf, web, db) if corpus == "seed" \
                else _repos(github, repos, db)
            for run in ("first audit", "re-audit"):
                units_before = github.window(token, "core").used \
                    + github.window(token, "graphql").used
                sources = _sources(github, hub, osf, token)
                audit = run_audit(engine, sources, DEFAULT_WEIGHTS, chunk_size=100)
                figures, by_paper = _figures(engine, audit.id or 0)
                units = github.window(token, "core").used + github.window(token, "graphql").used
                repositories = sum(1 for _ in github.repos)
                rows.append({"corpus": corpus, "github": label, "run": run,
                             "audit": audit.status, **figures,
                             "github_requests": audit.requests.get("github", 0),
                             "github_units_per_repo": round((units - units_before)
                                                            / max(repositories, 1), 3)})
                if run == "first audit":
                    grades[label] = by_paper
        github.stop()
    better = [pid for pid, grade in grades["no token"].items()
              if grade and grades["token"].get(pid)
              and ORDER.index(grade) < ORDER.index(grades["token"][pid])]  # type: ignore[arg-type]
    for row in rows:
        row["better_without_token"] = len(better) if row["github"] == "no token" else None
    return rows


def main(argv: list[str] | None = None) -> None:
    """Print the figures as a table and as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=60)
    args = parser.parse_args(argv)
    rows = measure("seed", 0) + measure(f"repos-{args.repos}", args.repos)
    header = ("corpus", "github", "run", "audit", "papers", "complete", "provisional",
              "incomplete", "graded", "github_requests", "github_units_per_repo",
              "better_without_token")
    print(" | ".join(header) + " | grades")
    for row in rows:
        print(" | ".join(str(row[h]) for h in header) + " | "
              + " ".join(f"{g}={n}" for g, n in row["grades"].items() if n))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
