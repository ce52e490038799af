"""Importing files into the store: the seed, idempotence, merging, all-or-nothing writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED
from sqlmodel import Session, select

from tracker.importing import InvalidRecords, import_file
from tracker.store.engine import open_store
from tracker.store.models import Link, Paper

SEED_LINKS = [
    "https://github.com/EIT-NLP/LLaSO",
    "https://github.com/VisionXLab/Earth-Adapter",
    "https://github.com/zanchangtong/CSR4mBART",
    "https://github.com/psunlpgroup/FoVer",
    "https://github.com/HaitaoWuTJU/Uncertainty-aware-Blur-Prior",
    "https://github.com/owenzx/data4comp",
    "https://lucky-light-sun.github.io/proj/shortcut-learning-in-grps/",
    "https://github.com/rioyokotalab/optimal-sparsity",
    "https://github.com/swarnaHub/ExplanationHardness",
    "https://github.com/NeverMoreLCH/MSCG",
    "https://github.com/FreedomIntelligence/Med-MAT",
    "https://github.com/shlomenu/symbolically_synthesized_networks",
    "https://osf.io/e25mu/?view_only=399daff5a14d4b16b09473cf19043f18",
    "https://huggingface.co/datasets/furonghuang-lab/Easy2Hard-Bench",
    "https://huggingface.co/YiDuo1999/Llama-3-Physician-8B-Instruct",
]


def _links(engine) -> list[Link]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(Link).order_by(Link.id)))


def _papers(engine) -> list[Paper]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(Paper).order_by(Paper.id)))


def test_the_seed_gives_56_papers_and_its_15_links(db_url: str) -> None:
    engine = open_store(db_url)
    summary = import_file(engine, SEED)

    assert (summary.format, summary.papers_added, summary.links_added) == ("daily-papers", 56, 15)
    links = _links(engine)
    assert [link.url for link in links] == SEED_LINKS
    osf = links[12]
    assert (osf.kind, osf.target, osf.anonymous_review) == ("osf_node", "e25mu", True)
    assert {link.provenance for link in links} == {"abstract"}
    kinds = [link.kind for link in links]
    assert kinds.count("github_repo") == 11
    assert kinds[-2:] == ["hf_dataset", "hf_model"]


def test_importing_the_same_file_twice_changes_nothing(db_url: str) -> None:
    engine = open_store(db_url)
    import_file(engine, SEED)
    before = [(p.id, p.title, p.abstract, p.updated_at) for p in _papers(engine)]

    again = import_file(engine, SEED)

    assert (again.papers_added, again.papers_updated, again.links_added) == (0, 0, 0)
    assert again.papers_unchanged == 56
    assert [(p.id, p.title, p.abstract, p.updated_at) for p in _papers(engine)] == before
    assert len(_links(engine)) == 15


def test_the_same_paper_from_two_sources_is_merged_with_the_union_of_links(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_store(db_url)
    csv_file = tmp_path / "accepted.csv"
    csv_file.write_text(
        "title,url\n"
        '"LLaSO: A Foundational Framework for Reproducible Research in Large Language and '
        'Speech Model",https://huggingface.co/papers/2508.15418\n'
    )
    import_file(engine, SEED)
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(
        json.dumps({"arxiv_id": "2508.15418", "url": "https://huggingface.co/datasets/YirongSun/LLaSO-Align"})
        + "\n"
    )

    first = import_file(engine, csv_file)  # same title, in other case: merged, gains the id
    second = import_file(engine, jsonl)  # same arXiv id: merged, gains a link

    assert (first.papers_added, first.papers_updated) == (0, 1)
    assert (second.papers_added, second.papers_updated) == (0, 1)
    llaso = _papers(engine)[0]
    assert llaso.arxiv_id == "2508.15418"
    urls = [link.url for link in _links(engine) if link.paper_id == llaso.id]
    assert urls == [
        "https://github.com/EIT-NLP/LLaSO",
        "https://huggingface.co/datasets/YirongSun/LLaSO-Align",
    ]
    assert len(_papers(engine)) == 56


def test_two_papers_with_one_title_but_different_arxiv_ids_stay_apart(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_store(db_url)
    f = tmp_path / "papers.jsonl"
    f.write_text(
        '{"title": "Attention", "arxiv_id": "2101.00001"}\n'
        '{"title": "Attention", "arxiv_id": "2101.00002"}\n'
    )
    summary = import_file(engine, f)
    assert summary.papers_added == 2


def test_a_partly_bad_file_writes_nothing_unless_skip_invalid(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    import_file(engine, SEED)
    bad = tmp_path / "papers.csv"
    bad.write_text("title,arxiv_id\nGood paper,2401.00001\nBad id paper,not-an-id\n")

    with pytest.raises(InvalidRecords) as caught:
        import_file(engine, bad)
    assert [r.line for r in caught.value.invalid] == [3]
    assert str(bad) in str(caught.value)
    assert len(_papers(engine)) == 56  # nothing written, nothing lost

    summary = import_file(engine, bad, skip_invalid=True)
    assert summary.papers_added == 1
    assert [(r.line, "arxiv_id" in r.reason) for r in summary.skipped] == [(3, True)]
    assert len(_papers(engine)) == 57


def test_a_failure_midway_rolls_the_whole_import_back(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    calls = []

    def crash_after_ten(done: int, total: int) -> None:
        calls.append(done)
        if done == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(engine, SEED, progress=crash_after_ten)
    assert calls[-1] == 10
    assert _papers(engine) == [] and _links(engine) == []


def test_the_papers_own_arxiv_url_is_not_a_link(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    f = tmp_path / "refs.bib"
    f.write_text(
        "@article{x2024,\n  title={A {GitHub} Study},\n  eprint={2401.12345},\n"
        "  archivePrefix={arXiv},\n  url={https://arxiv.org/abs/2401.12345v2},\n"
        "  abstract={Code: https://github.com/o/r.}\n}\n"
    )
    import_file(engine, f)
    assert [link.url for link in _links(engine)] == ["https://github.com/o/r"]
    assert _papers(engine)[0].title == "A GitHub Study"
