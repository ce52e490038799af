"""What an audit of the seed says each paper released: weights, data, promises, licenses.

Run: `python -m benchmarks.release_contents [--json out.json]`. The seed Daily Papers page is
imported with `--resolve` and audited through the CLI against the loopback fakes (the Hub's
paper index, arXiv, GitHub, the web, and the artefact hosts), with the seed fixture's paper
pages, READMEs and project pages (tests/fakes/seed_index.py) plus READMEs shaped like the ones
papers really write: a model zoo on Google Drive and Baidu Pan, checkpoints on OneDrive and
SharePoint, a dataset on another Hub account, files on the project's own site, a README of
template placeholders, and a license badge that contradicts the LICENSE file; and Hub cards:
quantised copies that link the original's code, a model card that links the lab's code.

It prints one row per paper that links anything: weights_released, data_released,
promise_unfulfilled, the code / weights / data licenses and any conflict, and what the audit's
artefact checks cost (requests to the Hub, Zenodo, OSF, the web and the artefact hosts per
paper). Run it from a checkout of an older version (`--tree DIR`) to compare: columns that
version does not have stay empty.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1] / "tests"
SEED = TESTS / "fixtures" / "daily-papers.txt"
ARTEFACT_SERVICES = ("huggingface", "huggingface_files", "zenodo", "osf", "web",
                     "artefact_hosts")


def _extra_readmes(shares: str) -> dict[str, str]:
    """READMEs in the shapes papers use (invented text, real link patterns)."""
    return {
        "VisionXLab/Earth-Adapter": (
            "# Earth-Adapter\n\n## Model Zoo\n\n| Backbone | mIoU | Download |\n|---|---|---|\n"
            "| ViT-L | 52.1 | [Google Drive](https://drive.google.com/file/d/1DriveFileOk_abcdefgh"
            "/view?usp=sharing) \\| [Baidu](https://pan.baidu.com/s/1okOpen?pwd=ea12) |\n\n"
            "## Data Preparation\n\nWe train on [LoveDA](https://zenodo.org/records/5706578); "
            "follow its official instructions to prepare it.\n"),
        "yfzhang114/DRM": (
            "# DRM\n\n## Pretrained checkpoints\n\n- [OneDrive](https://1drv.ms/u/s!AkOk)\n"
            "- [SharePoint mirror](https://lab-my.sharepoint.com/:u:/g/personal/jane_lab_edu/"
            "EaAsk)\n"),
        "psunlpgroup/FoVer": (
            "# FoVer\n\n## Models and datasets\n\n"
            "- Model: [FoVer-PRM](https://huggingface.co/ryokamoi/Qwen-2.5-7B-FoVer-PRM)\n"
            "- Dataset: [FoVer data](https://huggingface.co/datasets/ryokamoi/"
            "FoVer-FormalLogic-FormalProof)\n"),
        "donghyun-kim/GenCLIP": (
            "# GenCLIP\n\n## Checkpoints\n\n| Model | Link |\n|---|---|\n"
            "| GenCLIP-B | [🤗 HF](<hf_model_link>) |\n\n## Dataset\n\n"
            "The benchmark split will be released soon. Download: [link](#)\n"),
        "ljcleo/moe-grokking": (
            "# moe-grokking\n\n[![License: Apache](https://img.shields.io/badge/License-"
            "Apache_2.0-blue.svg)](LICENSE)\n\n## Download\n\nOur checkpoints: "
            f"[model_best.pth]({shares}/files/ckpt/model_best.pth)\n"),
    }


def _cards() -> dict[str, str]:
    """Hub cards in the shapes uploaders write (invented text, real patterns): quantised copies
    that link the original's code, and a first author's upload that links the lab's code."""
    return {
        "mradermacher/LLaSO-Base-3.8B-Instruct-GGUF": (
            "## About\n\nStatic quants of https://huggingface.co/EIT-NLP/LLaSO-Base-3.8B-Instruct"
            "\n\nOriginal code: https://github.com/EIT-NLP/LLaSO\n"),
        "QuantFactory/Llama-3-Physician-8B-Instruct-GGUF": (
            "# Llama-3-Physician-8B-Instruct-GGUF\n\nThis is a quantized version of "
            "[the model](https://huggingface.co/YiDuo1999/Llama-3-Physician-8B-Instruct) made "
            "with llama.cpp.\n\n# Original model card\n\nCode: "
            "https://github.com/YiDuo1999/Efficient-Medical-LLM\n"),
        "ryokamoi/Qwen-2.5-7B-FoVer-PRM": (
            "# FoVer-PRM\n\nThe process reward model of [FoVer](https://github.com/psunlpgroup/"
            "FoVer), trained on [FoVer data](https://huggingface.co/datasets/ryokamoi/"
            "FoVer-FormalLogic-FormalProof).\n"),
    }


# Hub licenses as cards declare them (lower-case Hub ids; one non-commercial, one Llama license).
HUB_LICENSES = {
    "EIT-NLP/LLaSO-Base-3.8B-Instruct": "apache-2.0", "EIT-NLP/LLaSO-Instruct": "cc-by-4.0",
    "ryokamoi/Qwen-2.5-7B-FoVer-PRM": "cc-by-nc-4.0",
    "ryokamoi/FoVer-FormalLogic-FormalProof": "cc-by-4.0",
    "YiDuo1999/Llama-3-Physician-8B-Instruct": "llama3",
    "furonghuang-lab/Easy2Hard-Bench": "cc-by-sa-4.0", "zzhangzz/TAIL-8B": "apache-2.0",
}


def _run(tree: Path, workdir: Path, extra_config: str = "") -> dict[str, Any]:
    sys.path[:0] = [str(tree), str(TESTS)]
    from fakes import seed_index
    from fakes.arxiv import FakeArxiv
    from fakes.github import FakeGitHub
    from fakes.huggingface import FakeHub
    from fakes.shares import FakeShares
    from fakes.web import FakeWeb
    from typer.testing import CliRunner

    from tracker.cli.main import app

    github = FakeGitHub().start()
    with FakeHub() as hub, FakeArxiv() as arxiv, FakeWeb() as web, FakeShares() as shares:
        web.stock()
        shares.stock()
        seed_index.READMES.update(_extra_readmes(shares.url))
        seed_index.install_seed_index(hub, arxiv, github, web)
        github.find("ljcleo/moe-grokking").license_spdx = "MIT"
        for repo in hub.repos.values():
            repo.card_text = _cards().get(repo.repo_id, repo.card_text)
            repo.license = HUB_LICENSES.get(repo.repo_id, repo.license)
        env = {"HF_ENDPOINT": hub.url, "ARXIV_API_URL": arxiv.url + "/api",
               "GITHUB_API_URL": github.url, "GITHUB_TOKEN": "ghp_fake_token",
               "OSF_API_URL": "http://127.0.0.1:9/v2", "ZENODO_API_URL": web.url + "/api",
               "FIGSHARE_API_URL": shares.url + "/figshare/v2",
               "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1,localhost"}
        os.environ.update(env)
        config = workdir / "reprotrack.toml"
        config.write_text("[http]\nbackoff_base = 0.01\nmax_retries = 1\ntimeout = 3\n"
                          + extra_config)
        runner = CliRunner()
        base = ["--config", str(config), "--db", f"sqlite:///{workdir}/seed.db"]
        probe = runner.invoke(app, [*base, "papers"])
        if probe.exit_code == 0:  # this version knows the newer sections
            config.write_text(config.read_text() + '[network]\nallow_private = ["127.0.0.1"]\n'
                              "[artefact_hosts]\nmin_interval = 0.0\n"
                              + "".join(f'{name}_url = "{shares.url}/{name}"\n'
                                        for name in ("drive", "onedrive", "dropbox", "baidu")))
            if runner.invoke(app, [*base, "papers"]).exit_code != 0:
                config.write_text("[http]\nbackoff_base = 0.01\nmax_retries = 1\ntimeout = 3\n"
                                  + extra_config)
        imported = runner.invoke(app, [*base, "import", str(SEED), "--resolve"])
        audited = runner.invoke(app, [*base, "audit"])
        exported = runner.invoke(app, [*base, "export", "--format", "jsonl"])
        as_csv = runner.invoke(app, [*base, "export", "--format", "csv"])
    github.stop()
    rows = [json.loads(line) for line in exported.stdout.splitlines() if line.strip()]
    return {"import": imported.exit_code, "audit": audited.exit_code, "audit_log": audited.stderr,
            "rows": rows, "csv": as_csv.stdout, "db": f"{workdir}/seed.db"}


def _requests(db: str) -> dict[str, int]:
    import sqlite3

    row = sqlite3.connect(db).execute("select requests from audit order by id desc").fetchone()
    return json.loads(row[0]) if row else {}


def main(argv: list[str] | None = None) -> None:
    """Print the per-paper table and the cost of the artefact checks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the checkout whose code runs (default: this one)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = _run(args.tree, Path(tmp))
        requests = _requests(result["db"])
    rows = [r for r in result["rows"] if r.get("links_total")]
    columns = ("paper_id", "weights_released", "data_released", "promise_unfulfilled", "license",
               "weights_license", "data_license", "license_conflicts", "candidates", "grade")
    print(" | ".join(columns) + " | title")
    for row in rows:
        print(" | ".join("" if row.get(c) is None else str(row.get(c)) for c in columns)
              + f" | {(row.get('title') or '')[:50]}")
    artefact = sum(requests.get(s, 0) for s in ARTEFACT_SERVICES)
    print(f"papers with links: {len(rows)}; weights released: "
          f"{sum(1 for r in rows if r.get('weights_released'))}; data released: "
          f"{sum(1 for r in rows if r.get('data_released'))}; promises unfulfilled: "
          f"{sum(1 for r in rows if r.get('promise_unfulfilled'))}")
    print(f"requests by service: {requests}; artefact checks: {artefact} "
          f"({artefact / max(len(rows), 1):.2f} per paper with links)")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "requests": requests}, indent=1))


if __name__ == "__main__":
    main()
