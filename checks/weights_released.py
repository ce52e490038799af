"""Criterion weights_released: can the paper's trained model weights be downloaded?"""

from __future__ import annotations

from checks.artifacts import VIEW_ONLY_SCORE, release_finding
from checks.base import CriterionDefinition, Finding, Outcome, PaperFacts, criterion

DEFINITION = CriterionDefinition(
    id="weights_released",
    label="Weights",
    weight=0.10,
    title="Weights released",
    question="Can the trained model weights the paper reports on be downloaded?",
    motivation="Retraining is often too costly to check a paper's numbers; released weights "
               "let anyone rerun the evaluation, and they are the fourth item of the ML Code "
               "Completeness Checklist.",
    how="Every link of the paper that can hold files is searched: Hugging Face repositories' "
        "files, GitHub release assets and file trees, OSF, Zenodo and figshare deposits, "
        "direct downloads, and Google Drive / OneDrive / Dropbox / Baidu shares (found in the "
        "text, on the paper page, or in the README and project page, where a link counts when "
        "the attribution rules say this paper released it). A share whose host lists nothing "
        "counts when the README or page around it says it holds weights. Files are "
        "classified as weights by the file rules (.safetensors, .ckpt, .pth, .gguf, .onnx ... "
        "and .bin/.h5/.pkl with a model-like name or in a weights folder). Gated files "
        "(accepted terms or approval needed) count as released, and the evidence says gated. "
        "The outcome is never not_applicable: a paper without a model cannot be told apart "
        "from one that withholds it by its links, so it fails with a remediation.",
    outcomes={
        Outcome.PASS: "weight files are downloadable (publicly or gated)",
        Outcome.PARTIAL: f"weights only through an anonymous-review link (score "
                         f"{VIEW_ONLY_SCORE})",
        Outcome.FAIL: "no weight files found among the paper's links",
        Outcome.UNAVAILABLE: "nothing found, and a link that could hold them could not be "
                             "checked",
    },
    remediation="Upload the trained weights to the Hugging Face Hub or as release assets, "
                "and link them.",
    checklist_item="pretrained_models",
)


@criterion(DEFINITION)
def check_weights_released(paper: PaperFacts) -> Finding:
    """Search the paper's links for downloadable weight files."""
    return release_finding(DEFINITION, paper, "weights", DEFINITION.remediation)
