"""`import --resolve`, `papers --candidates`, `confirm` and `link add/remove` on the seed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SEED
from fakes.arxiv import FakeArxiv, fake_arxiv  # noqa: F401
from fakes.github import FakeGitHub, fake_github  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from fakes.seed_index import SeedIndex, install_seed_index
from fakes.web import FakeWeb, fake_web  # noqa: F401
from typer.testing import CliRunner

from tracker.cli.main import app


@pytest.fixture
def seed_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_hub: FakeHub,  # type: ignore[no-untyped-def]
               fake_arxiv: FakeArxiv, fake_github: FakeGitHub, fake_web: FakeWeb) -> SeedIndex:
    """Indexes that know part of the seed; every other host is unreachable (a dead proxy)."""
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("ARXIV_API_URL", fake_arxiv.url + "/api")
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_fake_token")
    monkeypatch.setenv("OSF_API_URL", "http://127.0.0.1:9/v2")
    # The fake web server also answers Zenodo's API: as a configured endpoint, its pages may
    # be fetched although they live on loopback.
    monkeypatch.setenv("ZENODO_API_URL", fake_web.url + "/api")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("HF_TOKEN", "REPROTRACK_CONFIG", "https_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reprotrack.toml").write_text(
        "[http]\nbackoff_base = 0.01\nmax_retries = 0\ntimeout = 5\n"
        "[arxiv]\nmin_interval = 0.01\n"
    )
    return install_seed_index(fake_hub, fake_arxiv, fake_github, fake_web)


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def counts(output: str) -> dict[str, int]:
    """The figures of the discovery paragraph."""
    found = {
        "identified": r"; (\d+) identified",
        "links": r"links found: (\d+)",
        "candidate_links": r"candidates left: (\d+) links",
        "candidate_matches": r"candidates left: \d+ links, (\d+) arXiv",
        "sent": r"look-ups: (\d+) sent",
    }
    return {name: int(re.search(pattern, output).group(1)) for name, pattern in found.items()}  # type: ignore[union-attr]


def test_import_resolve_identifies_the_seed_papers_the_indexes_know(
    seed_index: SeedIndex, sqlite_url: str, fake_hub: FakeHub, fake_arxiv: FakeArxiv,
) -> None:
    result = run("--db", sqlite_url, "import", str(SEED), "--resolve")

    assert result.exit_code == 0, result.output
    print(result.stdout)  # the closing note of issue 6 quotes these figures
    figures = counts(result.stdout)
    # 21 exact titles on the Hub (one more is a near miss) and 3 only on arXiv.
    assert figures["identified"] == 24
    assert "(arxiv 3, hf-paper 21)" in result.stdout
    assert figures["candidate_matches"] == 2  # "Mind the Gap", "Few-shot Continual Learning"
    papers = json.loads(run("--db", sqlite_url, "papers", "--json").stdout)["papers"]
    by_title = {paper["title"]: paper for paper in papers}
    prismatic = by_title["Prismatic Synthesis: Gradient-based Data Diversification Boosts "
                         "Generalization in LLM Reasoning"]
    assert {(l["url"], l["provenance"]) for l in prismatic["links"]} >= {
        ("https://github.com/jaehunjung1/prismatic-synthesis", "project-page"),
        ("https://osf.io/a7k3x/", "project-page"),
    }
    grokked = by_title["Grokked Transformers are Implicit Reasoners: A Mechanistic Journey to "
                       "the Edge of Generalization"]
    assert ("https://huggingface.co/datasets/OSU-NLP-Group/GrokkedTransformer", "readme") in {
        (l["url"], l["provenance"]) for l in grokked["links"]}

    searches = len(fake_hub.requests_to("/api/papers/search")), len(fake_arxiv.queries())
    again = run("--db", sqlite_url, "import", str(SEED), "--resolve")
    assert counts(again.stdout)["sent"] == 0  # every look-up comes from the cache
    assert (len(fake_hub.requests_to("/api/papers/search")), len(fake_arxiv.queries())) == searches


def test_candidates_are_listed_confirmed_and_users_have_the_last_word(
    seed_index: SeedIndex, sqlite_url: str,
) -> None:
    run("--db", sqlite_url, "import", str(SEED), "--resolve")
    listed = json.loads(run("--db", sqlite_url, "papers", "--candidates", "--json").stdout)["candidates"]
    by_title = {entry["title"]: entry for entry in listed}
    gap = by_title["Mind The Gap: Deep Learning Doesn't Learn Deeply"]
    assert [m["arxiv_id"] for m in gap["arxiv_matches"]] == ["2502.07800"]
    physician = by_title["Efficient Continual Pre-training by Mitigating the Stability Gap"]
    gguf = "https://huggingface.co/QuantFactory/Llama-3-Physician-8B-Instruct-GGUF"
    assert gguf in [l["url"] for l in physician["links"]]

    confirmed = run("--db", sqlite_url, "confirm", "Mind The Gap", "2502.07800")
    promoted = run("--db", sqlite_url, "confirm", "Efficient Continual Pre-training", gguf)
    assert confirmed.exit_code == 0 and "arXiv 2502.07800" in confirmed.stdout
    assert promoted.exit_code == 0, promoted.output
    code = "https://github.com/eladhoffer/bigBatch"
    removed = run("--db", sqlite_url, "link", "remove", "1705.08741", code)
    added = run("--db", sqlite_url, "link", "add", "1705.08741", "https://zenodo.org/records/42")
    assert removed.exit_code == 0 and added.exit_code == 0, removed.output + added.output
    run("--db", sqlite_url, "import", str(SEED), "--resolve")  # discovery runs again

    papers = {p["arxiv_id"]: p for p in json.loads(
        run("--db", sqlite_url, "papers", "--json").stdout)["papers"]}
    assert papers["2502.07800"]["title"] == "Mind The Gap: Deep Learning Doesn't Learn Deeply"
    assert gguf in [l["url"] for l in papers["2406.14833"]["links"]]
    urls = {l["url"]: l["provenance"] for l in papers["1705.08741"]["links"]}
    assert code not in urls  # removed by the user: discovery does not bring it back
    assert urls["https://zenodo.org/records/42"] == "user"
    left = json.loads(run("--db", sqlite_url, "papers", "--candidates", "--json").stdout)["candidates"]
    assert "Mind The Gap: Deep Learning Doesn't Learn Deeply" not in {e["title"] for e in left}


def test_confirm_refuses_what_is_not_a_candidate(seed_index: SeedIndex, sqlite_url: str) -> None:
    run("--db", sqlite_url, "import", str(SEED))
    result = run("--db", sqlite_url, "confirm", "#1", "https://github.com/EIT-NLP/LLaSO")
    assert result.exit_code == 2
    assert "already active" in result.stderr and "link add" in result.stderr
    unknown = run("--db", sqlite_url, "link", "add", "#999", "https://github.com/o/r")
    assert unknown.exit_code == 2 and "no stored paper has id 999" in unknown.stderr


def test_an_audit_discovers_before_it_checks_and_reuses_its_cache(
    seed_index: SeedIndex, sqlite_url: str, fake_hub: FakeHub, fake_arxiv: FakeArxiv,
) -> None:
    run("--db", sqlite_url, "import", str(SEED))  # no --resolve: the audit does it

    first = run("--db", sqlite_url, "audit")
    papers = json.loads(run("--db", sqlite_url, "papers", "--json").stdout)["papers"]
    lookups_after_first = len(fake_hub.requests_to(r"^/api/papers")) + len(fake_arxiv.log)
    second = run("--db", sqlite_url, "audit")

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "discovering the links of 56 papers" in first.stderr  # long work says what it does
    discovered = [l for p in papers for l in p["links"] if l["provenance"] != "abstract"]
    assert len(discovered) > 15  # the indexes give links the abstracts never named
    assert sum(1 for p in papers if p["arxiv_id"]) == 24
    # The second audit asks no index again: identification and link lookups are cached.
    assert len(fake_hub.requests_to(r"^/api/papers")) + len(fake_arxiv.log) == lookups_after_first
    export = run("--db", sqlite_url, "export", "--format", "jsonl").stdout.splitlines()
    scored = [json.loads(line) for line in export if json.loads(line)["checked_at"]]
    assert len(scored) == 56


def test_candidates_are_confirmed_in_bulk_and_the_papers_rescored(
    seed_index: SeedIndex, sqlite_url: str,
) -> None:
    run("--db", sqlite_url, "import", str(SEED), "--resolve")
    before = json.loads(run("--db", sqlite_url, "papers", "--candidates", "--json").stdout)["candidates"]
    physician = next(e for e in before if e["title"].startswith("Efficient Continual"))
    wanted = {l["url"] for l in physician["links"]}
    assert wanted

    nothing = run("--db", sqlite_url, "confirm", "--min-confidence", "0.99")
    confirmed = run("--db", sqlite_url, "confirm", "Efficient Continual Pre-training", "--all")
    bad = run("--db", sqlite_url, "confirm", "--min-confidence", "sure")

    assert nothing.exit_code == 0 and "no candidate to confirm" in nothing.stdout
    assert confirmed.exit_code == 0, confirmed.output
    assert all(url in confirmed.stdout for url in wanted)
    assert "rescored, grade" in confirmed.stdout
    assert bad.exit_code == 2 and "--min-confidence" in bad.stderr
    after = json.loads(run("--db", sqlite_url, "papers", "--candidates", "--json").stdout)["candidates"]
    assert physician["title"] not in {e["title"] for e in after if e["links"]}


def test_a_url_list_paper_is_identified_through_its_readme_and_the_hub_paper_page(
    seed_index: SeedIndex, sqlite_url: str, fake_hub: FakeHub, fake_arxiv: FakeArxiv,
    fake_github: FakeGitHub, tmp_path: Path,
) -> None:
    fake_github.add_repo("lab", "method", license_spdx="MIT", tree={"train.py": 10}, readme=(
        "# Method\nCode of [our paper](https://arxiv.org/abs/2501.04321), built on "
        "https://arxiv.org/abs/1706.03762.\n"))
    fake_hub.add_paper("2501.04321", "Method: Learning Things Well",
                       github_repo="https://github.com/lab/method")
    fake_github.add_repo("lab", "tool", license_spdx="MIT", tree={"tool.py": 10},
                         readme="# Tool\nSee https://arxiv.org/abs/2502.00001\n")
    urls = tmp_path / "repos.txt"
    urls.write_text("https://github.com/lab/method\nhttps://github.com/lab/tool\n")
    searches = len(fake_hub.requests_to("/api/papers/search")), len(fake_arxiv.queries())

    result = run("--db", sqlite_url, "import", str(urls), "--resolve")

    assert result.exit_code == 0, result.output
    papers = {p["links"][0]["url"] if p["links"] else p["title"]: p
              for p in json.loads(run("--db", sqlite_url, "papers", "--json").stdout)["papers"]}
    method = papers["https://github.com/lab/method"]
    assert (method["arxiv_id"], method["title"]) == ("2501.04321", "Method: Learning Things Well")
    tool = papers["https://github.com/lab/tool"]
    assert (tool["arxiv_id"], tool["title"]) == (None, "github.com/lab/tool")  # a stand-in
    # Stand-in titles are never searched for; the tool's sole cited paper is a candidate.
    assert (len(fake_hub.requests_to("/api/papers/search")), len(fake_arxiv.queries())) == searches
    candidates = json.loads(run("--db", sqlite_url, "papers", "--candidates", "--json").stdout)["candidates"]
    [entry] = [e for e in candidates if e["id"] == tool["id"]]
    assert [(m["arxiv_id"], m["provenance"]) for m in entry["arxiv_matches"]] == [
        ("2502.00001", "readme")]
    confirmed = run("--db", sqlite_url, "confirm", f"#{tool['id']}", "2502.00001")
    assert confirmed.exit_code == 0 and "arXiv 2502.00001" in confirmed.stdout
