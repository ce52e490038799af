"""Examples for checks.classify.readme: what a README tells about install, usage and results."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checks.classify.readme import README_FACT_KEYS, analyse_readme, promises_code

FULL_README = """\
<h1 align="center">FastViT: A Fast Hybrid Vision Transformer</h1>

[![arXiv](https://img.shields.io/badge/arXiv-2303.14189-b31b1b.svg)](
https://arxiv.org/abs/2303.14189)

This is the official repository of **FastViT** (ICCV 2023).
See the [project page](https://example.org/fastvit/).

## Installation

```bash
conda create -n fastvit python=3.9
conda activate fastvit
pip install -r requirements.txt
```

## Training

```bash
python -m torch.distributed.launch --nproc_per_node=8 train.py /data/imagenet --model fastvit_t8
```

## Evaluation

```bash
bash scripts/eval.sh checkpoints/fastvit_t8.pth
```

## Results

| Model | Params (M) | Top-1 (%) | Latency (ms) |
|:------|-----------:|----------:|-------------:|
| FastViT-T8 | 3.6 | 75.6 | 0.8 |
| FastViT-S12 | 8.8 | **79.8** | 1.1 |
| FastViT-SA36 | 30.4 | 83.6 ± 0.1 | 3.3 |

Weights: https://example.org/fastvit/weights.zip, and again https://example.org/fastvit/weights.zip.
"""

COMING_SOON_README = """\
# DreamMagic: Text-to-3D in Seconds

Official implementation of DreamMagic (CVPR 2024).

🚧 Code will be released soon. Stay tuned!
"""

ABSTRACT_PLACEHOLDER_README = """\
# SuperSeg

**SuperSeg: Segmenting Anything at Scale** (NeurIPS 2024)

""" + ("We propose SuperSeg, a method that segments everything in an image. " * 12) + """

## TODO
- [ ] Release inference code
- [ ] Release training code
- [x] Release paper
"""

HF_MODEL_CARD = """\
---
license: apache-2.0
library_name: transformers
pipeline_tag: text-generation
---

# Model Card for TinyLM

TinyLM is a 1B parameter model.

## How to Get Started with the Model

Use the code below to get started with the model.

```python
from transformers import AutoModelForCausalLM
model = AutoModelForCausalLM.from_pretrained("org/tinylm")
```

## Evaluation

<table>
  <tr><th>Benchmark</th><th>TinyLM</th><th>Baseline</th></tr>
  <tr><td>MMLU</td><td>45.2</td><td>41.0</td></tr>
  <tr><td>GSM8K</td><td>30.1</td><td>22.4</td></tr>
</table>
"""

RST_README = """\
=========
PyTorchKit
=========

A toolkit for reproducible experiments.

Installation
------------

Install it with pip::

    pip install pytorchkit

Usage
~~~~~

Run ``python run.py --config cfg.yaml``.
"""

MODEL_ZOO_README = """\
# Pretrained models

## Model Zoo

| Model | Size | Download |
|-------|------|----------|
| base | 7B | [link](https://example.org/base) |
| large | 13B | [link](https://example.org/large) |
"""


def test_full_release_readme() -> None:
    facts = analyse_readme(FULL_README)
    assert facts["headings"] == [
        "FastViT: A Fast Hybrid Vision Transformer", "Installation", "Training", "Evaluation",
        "Results"]
    assert facts["has_install"] and facts["has_usage"] and facts["has_results_table"]
    assert facts["promises_code"] is False and facts["promise_phrases"] == []
    assert facts["is_placeholder_text"] is False
    assert facts["links"] == [
        "https://img.shields.io/badge/arXiv-2303.14189-b31b1b.svg",
        "https://arxiv.org/abs/2303.14189",
        "https://example.org/fastvit/",
        "https://example.org/fastvit/weights.zip",
    ]
    assert facts["size"] == len(FULL_README)


def test_facts_have_exactly_the_documented_keys_and_serialise() -> None:
    for text in (FULL_README, COMING_SOON_README, "", RST_README):
        facts = analyse_readme(text)
        assert tuple(facts) == README_FACT_KEYS
        assert json.loads(json.dumps(facts)) == facts


def test_coming_soon_readme() -> None:
    facts = analyse_readme(COMING_SOON_README)
    assert facts["promises_code"] is True
    assert facts["promise_phrases"] == ["🚧", "will be released", "released soon", "Stay tuned"]
    assert facts["is_placeholder_text"] is True
    assert not facts["has_install"] and not facts["has_results_table"]


def test_abstract_and_todo_list_is_placeholder_text() -> None:
    facts = analyse_readme(ABSTRACT_PLACEHOLDER_README)
    assert facts["promise_phrases"] == [
        "- [ ] Release inference code", "- [ ] Release training code"]
    assert facts["is_placeholder_text"] is True  # long body, but only a promise


def test_hugging_face_card_front_matter_is_not_a_heading() -> None:
    facts = analyse_readme(HF_MODEL_CARD)
    assert facts["headings"] == [
        "Model Card for TinyLM", "How to Get Started with the Model", "Evaluation"]
    assert facts["has_results_table"] is True  # HTML table under "Evaluation"
    assert facts["has_install"] is True  # "Get Started" heading


def test_restructuredtext_readme() -> None:
    facts = analyse_readme(RST_README)
    assert facts["headings"] == ["PyTorchKit", "Installation", "Usage"]
    assert facts["has_install"] and facts["has_usage"]
    assert facts["is_placeholder_text"] is True  # under 300 chars of body


def test_model_zoo_table_without_metrics_is_not_results() -> None:
    assert analyse_readme(MODEL_ZOO_README)["has_results_table"] is False


def test_metric_header_table_counts_anywhere() -> None:
    text = ("# Notes\n\n| Method | BLEU | chrF |\n|---|---|---|\n"
            "| ours | 31.2 | 58.1 |\n| base | 29.0 | 56.3 |\n")
    assert analyse_readme(text)["has_results_table"] is True


def test_table_with_one_numeric_row_is_not_results() -> None:
    text = "## Results\n\n| Method | Acc |\n|---|---|\n| ours | 91.2 |\n| base | n/a |\n"
    assert analyse_readme(text)["has_results_table"] is False


def test_table_inside_code_fence_is_ignored() -> None:
    text = "## Results\n\n```\n| a | acc |\n|---|---|\n| x | 1.0 |\n| y | 2.0 |\n```\n"
    assert analyse_readme(text)["has_results_table"] is False


@pytest.mark.parametrize("command", [
    "pip install -r requirements.txt", "conda env create -f environment.yml",
    "poetry install", "uv sync", "docker pull org/image:latest", "pip3 install mypkg",
])
def test_install_commands(command: str) -> None:
    assert analyse_readme(f"# Tool\n\n```bash\n{command}\n```\n")["has_install"] is True


@pytest.mark.parametrize("command", [
    "python train.py --cfg a.yaml", "bash scripts/train.sh", "./run_all.sh",
    "torchrun --nproc_per_node 8 main.py", "python -m mypkg.evaluate",
])
def test_run_commands(command: str) -> None:
    assert analyse_readme(f"# Tool\n\n```bash\n{command}\n```\n")["has_usage"] is True


def test_install_commands_are_not_usage() -> None:
    facts = analyse_readme("# Tool\n\n```\npython -m pip install x\npython setup.py install\n```\n")
    assert facts["has_install"] is True and facts["has_usage"] is False


@pytest.mark.parametrize("abstract, expected", [
    ("Our code will be released at https://github.com/org/repo.", ["will be released"]),
    ("Code and models will be made publicly available.",
     ["Code and models will be made publicly available"]),
    ("The dataset will be available upon request.", ["dataset will be available"]),
    ("We will release the code and data upon acceptance.", ["will release"]),
    ("The dataset is to be released.", ["to be released"]),
    ("Code is coming! Under construction.", ["Code is coming", "Under construction"]),
    ("Results TBD.", ["TBD"]),
])
def test_promises_in_abstracts(abstract: str, expected: list[str]) -> None:
    assert promises_code(abstract) == expected


@pytest.mark.parametrize("abstract", [
    "We release the code at https://github.com/org/repo.",
    "The code has been released.",
    "Code is available at https://github.com/org/repo.",
    "Our models are released under the MIT license.",
    "The full paper will be available on arXiv.",
    "The paper will be published at CVPR 2024.",
    "",
])
def test_no_promise_in_abstracts(abstract: str) -> None:
    assert promises_code(abstract) == []


def test_promise_phrases_are_capped_at_five() -> None:
    text = " ".join(["coming soon.", "stay tuned.", "TBD.", "TBA.", "under construction.",
                     "🚧", "release soon."])
    assert len(promises_code(text)) == 5


def test_links_are_capped_and_deduplicated() -> None:
    text = "\n".join(f"https://example.org/{n}" for n in range(250)) + "\nhttps://example.org/0"
    links = analyse_readme(text)["links"]
    assert len(links) == 200 and links[0] == "https://example.org/0"


def test_href_and_angle_links() -> None:
    text = '<a href="https://a.example/x">x</a> <https://b.example/y>. See http://c.example/z).'
    assert analyse_readme(text)["links"] == [
        "https://a.example/x", "https://b.example/y", "http://c.example/z"]


def test_headings_are_capped() -> None:
    text = "\n\n".join(f"## Section {n}\n\ntext" for n in range(130))
    assert len(analyse_readme(text)["headings"]) == 100


def test_empty_readme() -> None:
    facts = analyse_readme("")
    assert facts["size"] == 0 and facts["headings"] == [] and facts["is_placeholder_text"]


@given(st.text(max_size=2000))
def test_any_text_gives_the_documented_facts(text: str) -> None:
    facts = analyse_readme(text)
    assert tuple(facts) == README_FACT_KEYS
    assert facts["size"] == len(text)
    assert len(facts["promise_phrases"]) <= 5


def test_windows_line_endings() -> None:
    facts = analyse_readme(FULL_README.replace("\n", "\r\n"))
    assert facts["has_results_table"] and facts["headings"][1] == "Installation"
