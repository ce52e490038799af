"""Paper indexes that know a realistic part of the seed's 56 papers (for discovery tests).

Fixture data, invented but shaped like the real thing: 22 seed papers have a Hugging Face
paper page (some with their GitHub repository, a project page, the organisation that claimed
them, and Hub repos tagged `arxiv:<id>`, among them third-party quantised re-uploads), a few
more are only on arXiv (one with its code in the arXiv comment), two titles have a close but
different twin, and the GitHub fake holds the repositories with READMEs that link weights and
data. Project pages are served by the web fake (loopback URLs stay `http://`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fakes.arxiv import FakeArxiv
from fakes.github import FakeGitHub
from fakes.huggingface import FakeHub
from fakes.web import FakeWeb


@dataclass(frozen=True)
class IndexedSeedPaper:
    """One seed paper as the Hub index has it."""

    arxiv_id: str
    title: str  # as the index spells it (wrapped, other capitals or quotes)
    github: str | None = None
    page: str | None = None  # a path on the web fake
    organization: str | None = None
    models: tuple[str, ...] = ()  # Hub models tagged arxiv:<id>
    datasets: tuple[str, ...] = ()


HUB_PAPERS = (
    IndexedSeedPaper("2508.15418", "LLaSO: A Foundational Framework for Reproducible Research in\n"
                     "Large Language and Speech Model", "EIT-NLP/LLaSO", organization="EIT-NLP",
                     models=("EIT-NLP/LLaSO-Base-3.8B-Instruct",
                             "mradermacher/LLaSO-Base-3.8B-Instruct-GGUF"),
                     datasets=("EIT-NLP/LLaSO-Instruct", "EIT-NLP/LLaSO-Align",
                               "EIT-NLP/LLaSO-Eval")),
    IndexedSeedPaper("2111.10050", "Combined Scaling for Zero-shot Transfer Learning"),
    IndexedSeedPaper("1705.08741", "Train longer, generalize better: closing the generalization "
                     "gap in large batch training of neural networks", "eladhoffer/bigBatch"),
    IndexedSeedPaper("2504.06220", "Earth-Adapter: Bridge the Geospatial Domain Gaps with Mixture "
                     "of Frequency Adaptation", "VisionXLab/Earth-Adapter"),
    IndexedSeedPaper("2208.08661", "Domain-Specific Risk Minimization for Out-of-Distribution "
                     "Generalization", "yfzhang114/DRM"),
    IndexedSeedPaper("2505.15960", "Training Step-Level Reasoning Verifiers with Formal "
                     "Verification Tools", "psunlpgroup/FoVer",
                     models=("ryokamoi/Qwen-2.5-7B-FoVer-PRM",),
                     datasets=("ryokamoi/FoVer-FormalLogic-FormalProof",)),
    IndexedSeedPaper("2502.20528", "ConfuGuard: Using Metadata to Detect Active and Stealthy "
                     "Package Confusion Attacks Accurately and at Scale"),
    IndexedSeedPaper("2311.04420", "Data Factors for Better Compositional Generalization",
                     "owenzx/data4comp"),
    IndexedSeedPaper("2506.21551", "Where to find Grokking in LLM Pretraining? Monitor\n"
                     "Memorization-to-Generalization without Test", "ljcleo/moe-grokking"),
    IndexedSeedPaper("2310.16028", "What Algorithms can Transformers Learn? A Study in Length "
                     "Generalization", page="/pages/rasp-generalization/"),
    IndexedSeedPaper("2104.08773", "Cross-Task Generalization via Natural Language Crowdsourcing "
                     "Instructions", "allenai/natural-instructions", organization="allenai",
                     models=tuple(f"allenai/tk-instruct-{size}" for size in
                                  ("small-def", "base-def", "large-def", "3b-def", "11b-def"))),
    IndexedSeedPaper("2405.19534", "Preference Learning Algorithms Do Not Learn Preference "
                     "Rankings", "angie-chen55/pref-learning-ranking-acc"),
    IndexedSeedPaper("2508.18672", "Optimal Sparsity of Mixture-of-Experts Language Models for "
                     "Reasoning Tasks", "rioyokotalab/optimal-sparsity"),
    IndexedSeedPaper("2505.20161", "Prismatic Synthesis: Gradient-based Data Diversification "
                     "Boosts Generalization in LLM Reasoning", page="/pages/prismatic/"),
    IndexedSeedPaper("2405.15071", "Grokked Transformers are Implicit Reasoners: A Mechanistic "
                     "Journey to the Edge of Generalization", "OSU-NLP-Group/GrokkedTransformer"),
    IndexedSeedPaper("2411.12580", "Procedural Knowledge in Pretraining Drives Reasoning in Large "
                     "Language Models"),
    IndexedSeedPaper("2507.13332", "The Imitation Game: Turing Machine Imitator is Length "
                     "Generalizable Reasoner", "zzhangzz/TAIL", models=("zzhangzz/TAIL-8B",)),
    IndexedSeedPaper("2504.14919", "GenCLIP: Generalizing CLIP Prompts for Zero-shot Anomaly "
                     "Detection", "donghyun-kim/GenCLIP"),
    IndexedSeedPaper("2409.18433", "Easy2Hard-Bench: Standardized Difficulty Labels for Profiling "
                     "LLM Performance and Generalization", "furonghuang-lab/Easy2Hard-Bench",
                     datasets=("furonghuang-lab/Easy2Hard-Bench",)),
    IndexedSeedPaper("2406.14833", "Efficient Continual Pre-training by Mitigating the Stability "
                     "Gap", "YiDuo1999/Efficient-Medical-LLM",
                     models=("YiDuo1999/Llama-3-Physician-8B-Instruct",
                             "QuantFactory/Llama-3-Physician-8B-Instruct-GGUF")),
    IndexedSeedPaper("2310.13061", "To Grok or not to Grok: Disentangling Generalization and "
                     "Memorization on Corrupted Algorithmic Datasets", "d-doshi/grokking-robust"),
    # A near miss: the seed says "Doesn't", the index "Does Not".
    IndexedSeedPaper("2502.07800", "Mind the Gap: Deep Learning Does Not Learn Deeply"),
)

# Only on arXiv: (id, title, comment).
ARXIV_ONLY = (
    ("2406.15941", "Towards Exact Computation of Inductive Bias",
     "IJCAI 2024. Code: https://github.com/tothemoon96/inductive-bias"),
    ("2203.10036", "On the Generalization Mystery in Deep Learning", None),
    ("2301.12726", "Specializing Smaller Language Models towards Multi-Step Reasoning", "ICML 2023"),
    # Its close twin, which must not be taken for it.
    ("2410.01234", "Specializing Smaller Language Models towards Multi-Step Reasoning and "
                   "Planning", None),
    # The seed's title with more after it: found by the phrase search, close but not equal.
    ("2306.05678", "Few-shot Continual Learning: a Brain-inspired Approach to Lifelong Vision",
     None),
)

READMES = {
    "EIT-NLP/LLaSO": "# LLaSO\n\nModel: https://huggingface.co/EIT-NLP/LLaSO-Base-3.8B-Instruct\n"
                     "Built on https://huggingface.co/meta-llama/Llama-3.2-3B-Instruct\n",
    "owenzx/data4comp": "# data4comp\n\nData: https://zenodo.org/records/10023456\n",
    "OSU-NLP-Group/GrokkedTransformer": "# Grokked Transformers\n\nData and checkpoints: "
        "[here](https://huggingface.co/datasets/OSU-NLP-Group/GrokkedTransformer)\n",
    "rioyokotalab/optimal-sparsity": "# optimal-sparsity\n\nCheckpoints: "
        "https://huggingface.co/rioyokotalab/optimal-sparsity-math-moe\n",
    "hattie-zhou/rasp-generalization": "# RASP-L\n\nNo weights: train with `python train.py`.\n",
}

PAGES = {
    "/pages/rasp-generalization/": """<html><head><title>What Algorithms can Transformers
        Learn?</title></head><body>
        <a href="https://arxiv.org/abs/2310.16028">Paper</a>
        <a href="https://github.com/hattie-zhou/rasp-generalization">Code</a>
        <a href="https://github.com/nerfies/nerfies.github.io">Website template</a>
        </body></html>""",
    "/pages/prismatic/": """<html><head><title>Prismatic Synthesis</title></head><body>
        <a href="https://github.com/jaehunjung1/prismatic-synthesis">Code</a>
        <a href="https://huggingface.co/datasets/jaehunjung1/prismatic-math-1m">Data</a>
        <a href="https://huggingface.co/Qwen/Qwen2.5-7B-Instruct">Base model</a>
        <a href="https://osf.io/a7k3x/">Preregistration</a>
        </body></html>""",
}


@dataclass
class SeedIndex:
    """What the installed fakes know, for assertions."""

    hub_ids: dict[str, str] = field(default_factory=dict)  # arXiv id -> title
    arxiv_ids: dict[str, str] = field(default_factory=dict)


def install_seed_index(hub: FakeHub, arxiv: FakeArxiv, github: FakeGitHub,
                       web: FakeWeb) -> SeedIndex:
    """Register the seed papers the indexes know in the fakes; returns what was registered."""
    index = SeedIndex()
    for paper in HUB_PAPERS:
        page = web.url + paper.page if paper.page else None
        github_url = f"https://github.com/{paper.github}" if paper.github else None
        hub.add_paper(paper.arxiv_id, paper.title, github_repo=github_url, project_page=page,
                      organization=paper.organization, summary="An abstract.")
        for rank, repo_id in enumerate(paper.models):
            hub.add_model(repo_id, tags=[f"arxiv:{paper.arxiv_id}"], downloads=1000 - rank,
                          files={"model.safetensors": 3_000_000_000})
        for rank, repo_id in enumerate(paper.datasets):
            hub.add_dataset(repo_id, tags=[f"arxiv:{paper.arxiv_id}"], downloads=500 - rank,
                            files={"data/train.parquet": 40_000_000})
        if paper.github:
            owner, name = paper.github.split("/")
            github.add_repo(owner, name, readme=READMES.get(paper.github, f"# {name}\n"),
                            license_spdx="MIT", license_name="MIT License",
                            tree={"requirements.txt": 100, "train.py": 3000})
        index.hub_ids[paper.arxiv_id] = paper.title
    for arxiv_id, title, comment in ARXIV_ONLY:
        arxiv.add_paper(arxiv_id, title, comment=comment)
        index.arxiv_ids[arxiv_id] = title
    for full_name in ("hattie-zhou/rasp-generalization", "jaehunjung1/prismatic-synthesis",
                      "tothemoon96/inductive-bias"):
        owner, name = full_name.split("/")
        github.add_repo(owner, name, readme=READMES.get(full_name, f"# {name}\n"))
    for path, html in PAGES.items():
        web.add_page(path, html)
    return index
