"""Builders of PaperFacts for the criteria and scoring tests: links as the sources record them."""

from __future__ import annotations

from typing import Any

from checks.base import LinkFacts, PaperFacts
from tracker.kernel import text_fact

REPO_URL = "https://github.com/lab/method"

FULL_README = """# Method

Official code of the paper "Method". It trains a transformer encoder on the
benchmark splits described in the paper and evaluates it with the paper's metrics. The
checkpoints used for every table are on the Hugging Face Hub, and the dataset we built is
released there too, under CC-BY-4.0.

## Installation

```bash
pip install -r requirements.txt
```

## Training

```bash
python train.py --config configs/base.yaml
```

## Evaluation

```bash
python eval.py --checkpoint checkpoints/best.pt
```

## Results

| model | accuracy | F1 |
|---|---|---|
| base | 81.2 | 79.0 |
| large | 84.5 | 82.3 |
"""

PLACEHOLDER_README = """# Method

Code coming soon! Stay tuned.
"""

FULL_TREE_PATHS = (
    "README.md", "LICENSE", "requirements.txt", "train.py", "eval.py", "method/model.py",
    "method/data.py", "configs/base.yaml",
)


def tree(*paths: str, size: int = 2_000) -> list[dict[str, Any]]:
    """A GitHub-style tree: ``[{"path", "size"}]``."""
    return [{"path": path, "size": size} for path in paths]


def readme_facts(text: str, path: str = "README.md") -> dict[str, Any]:
    """README facts as the GitHub source records them: the text (judged when scored)."""
    return text_fact(path, len(text), text)


def github(
    url: str = REPO_URL,
    status: str = "ok",
    *,
    paths: tuple[str, ...] | None = FULL_TREE_PATHS,
    license_spdx: str | None = "Apache-2.0",
    readme: str | None = FULL_README,
    releases: list[dict[str, Any]] | None = None,
    tags: list[str] | None = None,
    stars: int = 120,
    history: tuple[str, ...] = (),
    **facts: Any,
) -> LinkFacts:
    """A GitHub repository link; ``paths=None`` records no tree; a non-ok status no facts."""
    recorded: dict[str, Any] = {}
    if status in ("ok", "moved"):
        recorded = {
            "full_name": url.removeprefix("https://github.com/"),
            "stars": stars, "forks": stars // 10, "archived": False, "empty": False,
            "private": False, "license_spdx": license_spdx,
            "releases": releases or [], "tags": tags or [],
            "last_commit_at": "2025-01-10T12:00:00Z",
            "readme": readme_facts(readme) if readme is not None else None,
        }
        if paths is not None:
            recorded["tree"] = tree(*paths)
            recorded["tree_truncated"] = False
    recorded.update(facts)
    return LinkFacts(url=url, kind="github_repo", provenance="abstract", status=status,
                     facts=recorded, history=history)


def hub(
    repo_id: str,
    kind: str = "hf_model",
    status: str = "ok",
    *,
    files: list[dict[str, Any]] | None = None,
    gated: bool | str = False,
    license: str | None = "apache-2.0",
    downloads: int = 0,
    likes: int = 0,
    card: str | None = None,
) -> LinkFacts:
    """A Hugging Face model/dataset/space link as the Hub source records it (`card`: the
    card's text, stored as the source stores it)."""
    prefix = {"hf_model": "", "hf_dataset": "datasets/", "hf_space": "spaces/"}[kind]
    facts: dict[str, Any] = {}
    if status in ("ok", "moved", "gated"):
        facts = {"repo_id": repo_id, "repo_type": kind.removeprefix("hf_"), "private": False,
                 "gated": gated, "license": license, "downloads": downloads, "likes": likes,
                 "files": files if files is not None else [], "sha": "0" * 40}
        if card is not None:
            facts["card"] = text_fact("README.md", len(card), card)
    return LinkFacts(url=f"https://huggingface.co/{prefix}{repo_id}", kind=kind,
                     provenance="paper_index", status=status, facts=facts)


def model_files() -> list[dict[str, Any]]:
    """A typical Hub model repository's files."""
    return [{"path": "README.md", "size": 3_000}, {"path": "config.json", "size": 700},
            {"path": "model.safetensors", "size": 440_000_000}]


def dataset_files() -> list[dict[str, Any]]:
    """A typical Hub dataset repository's files."""
    return [{"path": "README.md", "size": 5_000},
            {"path": "data/train-00000-of-00001.parquet", "size": 52_000_000},
            {"path": "data/test-00000-of-00001.parquet", "size": 6_000_000}]


def osf(guid: str, files: list[dict[str, Any]], status: str = "ok", **facts: Any) -> LinkFacts:
    """An OSF node link with its osfstorage file names."""
    recorded = {"guid": guid, "public": True, "file_count": len(files), "file_names": files,
                **facts}
    return LinkFacts(url=f"https://osf.io/{guid}/", kind="osf_node", provenance="abstract",
                     status=status, facts=recorded)


def zenodo(record_id: str, files: list[dict[str, Any]], status: str = "ok",
           license: str = "cc-by-4.0") -> LinkFacts:
    """A Zenodo record link with its files."""
    recorded = {"record_id": record_id, "doi": f"10.5281/zenodo.{record_id}",
                "access_right": "open", "license": license, "file_names": files}
    return LinkFacts(url=f"https://zenodo.org/records/{record_id}", kind="zenodo_record",
                     provenance="abstract", status=status, facts=recorded)


def page(url: str, status: str = "ok", history: tuple[str, ...] = ()) -> LinkFacts:
    """A project page link."""
    return LinkFacts(url=url, kind="project_page", provenance="abstract", status=status,
                     facts={"final_url": url} if status == "ok" else {}, history=history)


def paper(*links: LinkFacts, abstract: str = "We propose a method.", title: str = "Method"
          ) -> PaperFacts:
    """A paper with the given links."""
    return PaperFacts(title=title, abstract=abstract, links=tuple(links))


def full_release() -> PaperFacts:
    """Everything released: code, Apache-2.0, environment, train/eval, Hub weights and
    dataset, a README with results, and a tagged release."""
    return paper(
        github(releases=[{"tag": "v1.0", "name": "v1.0", "draft": False, "prerelease": False,
                          "published_at": "2025-01-01T00:00:00Z", "assets": []}],
               tags=["v1.0"]),
        hub("lab/method-base", files=model_files(), downloads=1_500, likes=12),
        hub("lab/method-data", "hf_dataset", files=dataset_files(), downloads=300, likes=3,
            license="cc-by-4.0"),
    )
