"""A synthetic corpus for the audit benchmark: N papers, their links, and the fakes' contents.

`build_corpus(n)` is deterministic (a seeded generator, paper by paper, so the first 100 papers
of a 1,000-paper corpus are the 100-paper corpus). Each paper has an arXiv id, a title and an
abstract, and independently: a GitHub repository (40%), a Hub model (15%), a Hub dataset (10%),
an OSF project (2%), a project page (10%); about 40% have no link at all. A few per cent of the
links are missing, moved, gated, private or rate-limited (`FAULTS`). `install` registers the
matching repositories, entries and pages in the loopback fakes; `write_jsonl` writes the papers
as a JSON Lines file for `tracker.importing.import_file`.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the fakes live in tests/ and are only imported by the serving process
    from fakes.github import FakeGitHub
    from fakes.huggingface import FakeHub
    from fakes.osf import FakeOSF
    from fakes.web import FakeWeb

GITHUB_TOKEN = "ghp_fake_token"  # the tokens the fakes accept (never real ones)
HUB_TOKEN = "hf_fakeBenchmarkToken0123456789abcd"
SHARE = {"github": 0.40, "hf_model": 0.15, "hf_dataset": 0.10, "osf": 0.02, "page": 0.10}
# Per kind of link: fault -> share of those links (the rest are healthy).
FAULTS: dict[str, dict[str, float]] = {
    "github": {"missing": 0.02, "moved": 0.02, "private": 0.01},
    "hf_model": {"missing": 0.02, "moved": 0.02, "gated": 0.03, "private": 0.01},
    "hf_dataset": {"missing": 0.02, "moved": 0.02, "gated": 0.03},
    "osf": {"missing": 0.05, "private": 0.05},
    "page": {"missing": 0.03, "moved": 0.02, "rate_limited": 0.02},
}
LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0", "CC-BY-NC-4.0", None, None)
WORDS = ("sparse", "diffusion", "graph", "contrastive", "robust", "efficient", "multimodal",
         "retrieval", "reasoning", "vision", "language", "agents", "benchmark", "transformer")


@dataclass
class SyntheticLink:
    """One link of a paper and what the fake will answer for it."""

    kind: str  # github | hf_model | hf_dataset | osf | page
    name: str  # owner/name, repo id, OSF guid or page path
    fault: str | None = None  # None | missing | moved | gated | private | rate_limited
    files: dict[str, int] = field(default_factory=dict)
    license: str | None = None
    releases: int = 0

    def url(self, web_root: str) -> str:
        """The URL a paper's text gives for this link."""
        if self.kind == "github":
            return f"https://github.com/{self.name}"
        if self.kind == "hf_model":
            return f"https://huggingface.co/{self.name}"
        if self.kind == "hf_dataset":
            return f"https://huggingface.co/datasets/{self.name}"
        if self.kind == "osf":
            return f"https://osf.io/{self.name}/"
        return f"{web_root}{self.name}"


@dataclass
class SyntheticPaper:
    """One paper of the corpus."""

    index: int
    arxiv_id: str
    title: str
    abstract: str
    links: list[SyntheticLink]


@dataclass
class Corpus:
    """The papers, in order."""

    papers: list[SyntheticPaper]

    def links(self, kind: str | None = None) -> list[SyntheticLink]:
        """Every link (of one kind)."""
        return [l for p in self.papers for l in p.links if kind is None or l.kind == kind]

    def mix(self) -> dict[str, int]:
        """Links per kind, and papers without a link."""
        counts = Counter(l.kind for l in self.links())
        counts["papers_without_links"] = sum(not p.links for p in self.papers)
        return dict(counts)


def _fault(rng: random.Random, kind: str) -> str | None:
    draw = rng.random()
    for fault, share in FAULTS[kind].items():
        if draw < share:
            return fault
        draw -= share
    return None


def _repository_files(rng: random.Random, index: int) -> dict[str, int]:
    """A research repository's tree: usually tens of files, sometimes hundreds or thousands."""
    size_class = rng.random()
    count = rng.randint(8, 60) if size_class < 0.75 else (
        rng.randint(100, 500) if size_class < 0.97 else rng.randint(2_000, 5_000))
    files = {"README.md": 0, "requirements.txt": 120, "train.py": 4_000, "eval/evaluate.py": 2_500}
    if rng.random() < 0.3:
        files["environment.yml"] = 300
    folders = ("src/models", "src/data", "configs", "scripts", "notebooks", "src/utils/io")
    for k in range(count):
        folder = folders[k % len(folders)]
        files[f"{folder}/part_{index}_{k}.py"] = rng.randint(200, 20_000)
    return files


def _paper(rng: random.Random, index: int) -> SyntheticPaper:
    owner = f"lab{index % 97}"
    links: list[SyntheticLink] = []
    if rng.random() < SHARE["github"]:
        links.append(SyntheticLink(
            "github", f"{owner}/method-{index}", _fault(rng, "github"),
            _repository_files(rng, index), rng.choice(LICENSES),
            rng.choice((0, 0, 0, 0, 1, 2))))
    if rng.random() < SHARE["hf_model"]:
        files = {"config.json": 700, "model.safetensors": rng.randint(10**8, 5 * 10**9),
                 "README.md": 3_000}
        links.append(SyntheticLink("hf_model", f"{owner}/model-{index}",
                                   _fault(rng, "hf_model"), files, rng.choice(LICENSES)))
    if rng.random() < SHARE["hf_dataset"]:
        files = {f"data/train-{k:05d}.parquet": rng.randint(10**6, 10**9)
                 for k in range(rng.randint(1, 20))}
        files["README.md"] = 2_000
        links.append(SyntheticLink("hf_dataset", f"{owner}/data-{index}",
                                   _fault(rng, "hf_dataset"), files, "cc-by-4.0"))
    if rng.random() < SHARE["osf"]:
        links.append(SyntheticLink("osf", _osf_guid(index), _fault(rng, "osf"),
                                   {"data/results.csv": 12_000, "README.txt": 800}))
    if rng.random() < SHARE["page"]:
        links.append(SyntheticLink("page", f"/p/{index}.html", _fault(rng, "page")))
    topic = " ".join(rng.sample(WORDS, 3))
    return SyntheticPaper(
        index=index,
        arxiv_id=f"25{1 + index // 99_999:02d}.{1 + index % 99_999:05d}",
        title=f"Synthetic paper {index}: {topic}",
        abstract=f"We study {topic} and report results on standard benchmarks.",
        links=links,
    )


def _osf_guid(index: int) -> str:
    digits = "abcdefghjkmnpqrstuvwxyz23456789"
    guid = ""
    for _ in range(4):
        index, rest = divmod(index, len(digits))
        guid = digits[rest] + guid
    return "b" + guid


def build_corpus(papers: int, seed: int = 20250601) -> Corpus:
    """N papers, generated deterministically (paper i is the same whatever N is)."""
    return Corpus([_paper(random.Random(seed * 1_000_003 + i), i) for i in range(papers)])


def write_jsonl(corpus: Corpus, path: Path, web_root: str,
                kinds: frozenset[str] | None = None) -> int:
    """Write the papers as JSON Lines (title, arxiv_id, abstract, urls); returns the links.

    With `kinds`, only links of those kinds are written, and only papers that have one.
    """
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for paper in corpus.papers:
            urls = [link.url(web_root) for link in paper.links
                    if kinds is None or link.kind in kinds]
            if kinds is not None and not urls:
                continue
            written += len(urls)
            record: dict[str, Any] = {"title": paper.title, "arxiv_id": paper.arxiv_id,
                                      "abstract": paper.abstract, "urls": urls}
            out.write(json.dumps(record) + "\n")
    return written


def _readme(paper: SyntheticPaper) -> str:
    return (f"# {paper.title}\n\n## Installation\n\npip install -r requirements.txt\n\n"
            "## Training\n\npython train.py --config configs/base.yaml\n\n"
            "## Results\n\n| model | accuracy |\n|---|---|\n| ours | 91.2 |\n")


def install(corpus: Corpus, github: FakeGitHub, hub: FakeHub, osf: FakeOSF,
            web: FakeWeb) -> None:
    """Register every link's target in the fakes, with its fault."""
    for paper in corpus.papers:
        for link in paper.links:
            if link.fault == "missing":
                continue  # nothing registered: the service answers 404
            if link.kind == "github":
                _install_github(github, paper, link)
            elif link.kind in ("hf_model", "hf_dataset"):
                _install_hub(hub, link)
            elif link.kind == "osf":
                osf.add_node(link.name, title=paper.title, public=link.fault != "private",
                             files=list(link.files.items()))
            else:
                _install_page(web, paper, link)


def _install_github(github: FakeGitHub, paper: SyntheticPaper, link: SyntheticLink) -> None:
    owner, name = link.name.split("/")
    releases = [
        {"tag": f"v{k + 1}.0", "published_at": "2025-05-01T00:00:00Z",
         "assets": [{"name": "checkpoint.pt", "size": 250_000_000, "download_count": 3}]}
        for k in range(link.releases)
    ]
    files = dict(link.files)
    readme = _readme(paper)
    files["README.md"] = len(readme)
    github.add_repo(owner, name, stars=paper.index % 500, license_spdx=link.license,
                    license_name=link.license, releases=releases, tree=files, readme=readme,
                    private=link.fault == "private")
    if link.fault == "moved":
        github.rename_repo(link.name, f"{owner}-org/{name}")


def _install_hub(hub: FakeHub, link: SyntheticLink) -> None:
    # A private entry is readable by its author only, not by the benchmark token's user.
    add = hub.add_model if link.kind == "hf_model" else hub.add_dataset
    repo_type = "model" if link.kind == "hf_model" else "dataset"
    add(link.name, files=dict(link.files), license=link.license,
        gated="manual" if link.fault == "gated" else False,
        private=link.fault == "private", downloads=1000, likes=10)
    if link.fault == "moved":
        owner, name = link.name.split("/")
        hub.rename(link.name, f"{owner}-org/{name}", repo_type)


def _install_page(web: FakeWeb, paper: SyntheticPaper, link: SyntheticLink) -> None:
    body = (f"<!doctype html><html><head><title>{paper.title}</title></head><body>"
            f"<h1>{paper.title}</h1><a href=\"https://arxiv.org/abs/{paper.arxiv_id}\">paper</a>"
            "</body></html>")
    if link.fault == "moved":
        moved_to = link.name.replace("/p/", "/projects/")
        web.add_redirect(link.name, moved_to, 301)
        web.add_page(moved_to, body)
    elif link.fault == "rate_limited":
        web.add_page(link.name, "<h1>Too Many Requests</h1>", status=429,
                     headers={"Retry-After": "3600"})
    else:
        web.add_page(link.name, body, headers={"ETag": f'"page-{paper.index}"'})
