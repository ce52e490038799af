"""Criterion data_released: can the paper's data be downloaded?"""

from __future__ import annotations

from checks.artifacts import VIEW_ONLY_SCORE, release_finding
from checks.base import CriterionDefinition, Finding, Outcome, PaperFacts, criterion

DEFINITION = CriterionDefinition(
    id="data_released",
    label="Data",
    weight=0.10,
    title="Data released",
    question="Can the data the paper trains or evaluates on (or contributes) be downloaded?",
    motivation="Results cannot be reproduced on other data; a dataset announced but not "
               "deposited cannot be checked or reused.",
    how="Every link of the paper that can hold data is searched: Hugging Face dataset "
        "repositories (every file read as data), OSF, Zenodo and figshare deposits, GitHub "
        "release assets and file trees, direct downloads, and Google Drive / OneDrive / "
        "Dropbox / Baidu shares (a share whose host lists nothing counts when the README or "
        "page around it says it holds data, and never when it says the paper uses someone "
        "else's data). Files count as data by the file rules (.csv, .jsonl, "
        ".parquet, .h5 ..., archives named for data, anything under a data folder); a "
        "deposit that only holds a source-code snapshot does not count. Gated files count "
        "as released, and the evidence says gated. The outcome is never not_applicable: "
        "papers that use only public benchmarks fail too, with a remediation.",
    outcomes={
        Outcome.PASS: "data files are downloadable (publicly or gated)",
        Outcome.PARTIAL: f"data only through an anonymous-review link (score "
                         f"{VIEW_ONLY_SCORE})",
        Outcome.FAIL: "no data files found among the paper's links",
        Outcome.UNAVAILABLE: "nothing found, and a link that could hold them could not be "
                             "checked",
    },
    remediation="Deposit the data (Hugging Face dataset, Zenodo, OSF) or link the public "
                "benchmarks used.",
)


@criterion(DEFINITION)
def check_data_released(paper: PaperFacts) -> Finding:
    """Search the paper's links for downloadable data files."""
    return release_finding(DEFINITION, paper, "data", DEFINITION.remediation)
