"""weights_released / data_released count files and shares on artefact hosts."""

from __future__ import annotations

from typing import Any

import pytest
from fakes.shares import DRIVE_FOLDER_OK, FakeShares, fake_shares  # noqa: F401  (fixture)
from paper_examples import github, paper

from checks.base import LinkFacts, Outcome
from checks.data_released import check_data_released
from checks.weights_released import check_weights_released
from tracker.links import normalise_url
from tracker.sources.artefact_hosts import ArtefactHostSource
from tracker.sources.base import RequestLedger


def host_link(url: str, kind: str, status: str = "ok", **facts: Any) -> LinkFacts:
    return LinkFacts(url=url, kind=kind, provenance="readme", status=status, facts=facts)


def direct(name: str, size: int | None = 4_000_000, content_type: str = "application/octet-stream",
           status: str = "ok") -> LinkFacts:
    url = f"https://lab.example.edu/release/{name}"
    facts: dict[str, Any] = {"final_url": url, "content_type": content_type,
                             "content_length": size, "file_name": name}
    if status == "ok":
        facts.update(file_names=[{"path": name, "size": size}], listing_complete=True)
    return host_link(url, "direct_file", status, **facts)


def drive_file(name: str | None, status: str = "ok") -> LinkFacts:
    facts: dict[str, Any] = {"name": name, "item_type": "file"}
    if name:
        facts.update(file_names=[{"path": name, "size": None}], listing_complete=True)
    return host_link("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view", "drive_file",
                     status, **facts)


def test_a_direct_checkpoint_download_passes_weights() -> None:
    finding = check_weights_released(paper(github(), direct("model_best.pth")))
    assert finding.outcome is Outcome.PASS
    assert finding.evidence == [
        "https://lab.example.edu/release/model_best.pth: download: model_best.pth"]
    assert finding.subject == "https://lab.example.edu/release/model_best.pth"


def test_a_direct_data_download_passes_data_but_not_weights() -> None:
    links = paper(github(), direct("train.jsonl", 12_000_000))
    assert check_data_released(links).outcome is Outcome.PASS
    assert check_weights_released(links).outcome is Outcome.FAIL


def test_an_archive_counts_by_its_name() -> None:
    assert check_weights_released(paper(direct("checkpoints.zip"))).outcome is Outcome.PASS
    assert check_data_released(paper(direct("dataset.tar.gz"))).outcome is Outcome.PASS
    assert check_data_released(paper(direct("release.zip"))).outcome is Outcome.FAIL


def test_a_file_link_that_answers_a_page_is_not_a_file() -> None:
    finding = check_weights_released(paper(direct("model.pth", 9_000, "text/html")))
    assert finding.outcome is Outcome.FAIL
    assert any("answered an HTML page" in line for line in finding.evidence)


def test_a_dead_download_fails_with_its_status() -> None:
    finding = check_weights_released(paper(direct("model.pth", status="missing")))
    assert finding.outcome is Outcome.FAIL
    assert finding.evidence == ["https://lab.example.edu/release/model.pth: missing"]


def test_a_drive_file_counts_by_its_page_name() -> None:
    assert check_weights_released(paper(drive_file("vit_b16.pth"))).outcome is Outcome.PASS


def test_a_gated_share_with_a_name_counts_and_says_gated() -> None:
    finding = check_weights_released(paper(drive_file("vit_b16.pth", status="gated")))
    assert finding.outcome is Outcome.PASS
    assert "(gated: access after accepting terms)" in finding.evidence[0]


def test_a_share_whose_host_lists_nothing_is_named_but_decides_nothing() -> None:
    folder = host_link("https://dropbox.com/sh/abc/AAx", "dropbox_share", name="dataset",
                       item_type="folder")
    finding = check_data_released(paper(folder))
    assert finding.outcome is Outcome.FAIL  # not unavailable: looking again will not list it
    assert finding.evidence == [
        "https://dropbox.com/sh/abc/AAx: ok (dataset), but the host does not list what it holds"]


def test_an_inconclusive_share_leaves_the_criterion_unavailable() -> None:
    finding = check_weights_released(paper(drive_file(None, status="rate_limited")))
    assert finding.outcome is Outcome.UNAVAILABLE


def test_a_drive_folder_listing_counts_weights_and_data() -> None:
    folder = host_link("https://drive.google.com/drive/folders/1XyZ_abcdefghij", "drive_folder",
                       item_type="folder", listing_complete=True,
                       file_names=[{"path": "vit_b16.pth", "size": None},
                                   {"path": "data/train.jsonl", "size": None}])
    assert check_weights_released(paper(folder)).evidence == [
        "https://drive.google.com/drive/folders/1XyZ_abcdefghij: shared files: vit_b16.pth"]
    assert check_data_released(paper(folder)).evidence == [
        "https://drive.google.com/drive/folders/1XyZ_abcdefghij: shared files: data/train.jsonl"]


def test_an_incomplete_folder_without_weights_is_unavailable() -> None:
    folder = host_link("https://drive.google.com/drive/folders/1XyZ_abcdefghij", "drive_folder",
                       listing_complete=False, listing_gap="only 10 folder pages were read",
                       file_names=[{"path": "README.txt", "size": None}])
    assert check_weights_released(paper(folder)).outcome is Outcome.UNAVAILABLE


def test_a_figshare_record_with_files_passes_and_an_embargo_counts_as_gated() -> None:
    files = [{"path": "model.pth", "size": 400_000_000}, {"path": "data/train.csv", "size": 9}]
    record = host_link("https://figshare.com/articles/1001", "figshare_item", file_names=files,
                       listing_complete=True, access_right="open")
    embargoed = host_link("https://figshare.com/articles/1005", "figshare_item", "gated",
                          file_names=files, listing_complete=True, access_right="embargoed")
    assert check_weights_released(paper(record)).outcome is Outcome.PASS
    assert check_data_released(paper(record)).outcome is Outcome.PASS
    assert "gated" in check_data_released(paper(embargoed)).evidence[0]


# ---- observed through the real source, judged by the real criteria ----------------------

def observe(fake: FakeShares, raw: str) -> LinkFacts:
    base = fake.url
    source = ArtefactHostSource(
        endpoints={"drive": base + "/drive", "onedrive": base + "/onedrive",
                   "dropbox": base + "/dropbox", "baidu": base + "/baidu"},
        figshare_api_url=base + "/figshare/v2", ledger=RequestLedger(), min_interval=0.0,
        max_retries=0, timeout=(2.0, 2.0), allow_private=["127.0.0.1"])
    link = normalise_url(raw)
    assert link is not None
    observation = source.observe(link)
    return LinkFacts(url=link.url, kind=link.kind, provenance="readme",
                     status=observation.status, facts=observation.facts)


@pytest.mark.parametrize(
    ("raw", "weights", "data"),
    [
        ("{base}/files/ckpt/model_best.pth", Outcome.PASS, Outcome.FAIL),
        ("{base}/files/head-refused/train.parquet", Outcome.FAIL, Outcome.PASS),
        ("{base}/files/landing/model.pth", Outcome.FAIL, Outcome.FAIL),
        ("{base}/files/gone/model.pth", Outcome.FAIL, Outcome.FAIL),
        ("https://drive.google.com/drive/folders/" + DRIVE_FOLDER_OK, Outcome.PASS,
         Outcome.PASS),
        ("https://pan.baidu.com/s/1okOpen", Outcome.PASS, Outcome.FAIL),
        ("https://1drv.ms/u/s!AkOk", Outcome.PASS, Outcome.FAIL),
        ("https://www.dropbox.com/scl/fi/okid/model_best.pth?rlkey=abc", Outcome.PASS,
         Outcome.FAIL),
        ("https://figshare.com/articles/1001", Outcome.PASS, Outcome.PASS),
        ("https://figshare.com/articles/1004", Outcome.FAIL, Outcome.FAIL),
        ("https://drive.google.com/file/d/1DriveFileBusy_abcdefg/view", Outcome.UNAVAILABLE,
         Outcome.UNAVAILABLE),
    ],
)
def test_observed_artefacts_count_for_the_release_criteria(
        fake_shares: FakeShares, raw: str, weights: Outcome, data: Outcome) -> None:
    link = observe(fake_shares, raw.format(base=fake_shares.url))
    assert check_weights_released(paper(link)).outcome is weights
    assert check_data_released(paper(link)).outcome is data


# ---- an unlisted share counts when the authors' README says what it holds -----------------

from pathlib import Path  # noqa: E402

from paper_examples import github, paper  # noqa: E402

MODEL_ZOO = (Path(__file__).parents[1] / "fixtures" / "readmes" / "model_zoo.md").read_text()


def test_an_unlisted_share_counts_by_its_model_zoo_row() -> None:
    from checks.weights_released import check_weights_released

    share = LinkFacts(url="https://pan.baidu.com/s/1qWeRtY", kind="baidu_share",
                      provenance="readme", status="ok", facts={"facts_version": 2})
    finding = check_weights_released(paper(github(readme=MODEL_ZOO), share))

    assert finding.outcome is Outcome.PASS
    assert any("by the README" in line for line in finding.evidence)


def test_an_unlisted_share_the_readme_uses_as_an_input_does_not_count() -> None:
    from checks.data_released import check_data_released

    readme = "# M\n\nWe train on the [corpus](https://www.dropbox.com/sh/abc/xyz?dl=0).\n"
    share = LinkFacts(url="https://www.dropbox.com/sh/abc/xyz?dl=0", kind="dropbox_share",
                      provenance="readme", status="ok", facts={"facts_version": 2})
    finding = check_data_released(paper(github(readme=readme), share))

    assert finding.outcome is not Outcome.PASS


def test_a_share_the_papers_model_card_calls_its_dataset_counts_as_data() -> None:
    from checks.data_released import check_data_released
    from paper_examples import hub, model_files

    card = ("# SharpNet\n\nFine-tuned from [a base](https://huggingface.co/bigco/depth-base).\n\n"
            "## Our dataset\n\nWe release SharpDepth-100k: "
            "[download](https://drive.google.com/drive/folders/1SharpDepthFolderId).\n")
    share = LinkFacts(url="https://drive.google.com/drive/folders/1SharpDepthFolderId",
                      kind="drive_folder", provenance="hf-card", status="ok",
                      facts={"facts_version": 2})
    model = hub("vislab/sharpnet", files=model_files(), card=card)

    with_card = check_data_released(paper(github("https://github.com/vislab/sharpnet"), model, share))
    without = check_data_released(paper(github("https://github.com/vislab/sharpnet"),
                                        hub("vislab/sharpnet", files=model_files()), share))

    assert with_card.outcome is Outcome.PASS
    assert any("by the README or page" in line and "dataset" in line.lower()
               for line in with_card.evidence)
    assert without.outcome is not Outcome.PASS  # nothing says what the folder holds
