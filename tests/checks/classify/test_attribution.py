"""Whose artefact a link is, and what it is: the attribution rules on fixture READMEs."""

from __future__ import annotations

from pathlib import Path

from checks.classify.artefact_links import links_in_markdown
from checks.classify.attribution import (
    Attribution,
    Confidence,
    PaperIdentity,
    Role,
    judge_link,
)
from tracker.links import normalise_url

READMES = Path(__file__).parents[2] / "fixtures" / "readmes"


def judged(name: str, identity: PaperIdentity) -> dict[str, tuple[Role, Attribution, Confidence]]:
    out = {}
    for context in links_in_markdown((READMES / name).read_text()):
        if context.placeholder is None:
            j = judge_link(context, normalise_url(context.url), identity)
            out[context.url] = (j.role, j.attribution, j.confidence)
    return out


SPARSE = PaperIdentity.of(["sparse-lab"], ["sparsedet"])


def test_a_model_zoo_releases_its_checkpoints_on_drive_baidu_and_release_assets() -> None:
    found = judged("model_zoo.md", SPARSE)
    released = (Role.WEIGHTS, Attribution.RELEASED, Confidence.HIGH)
    assert found["https://drive.google.com/file/d/1AbCdEfGhIjK/view?usp=sharing"] == released
    assert found["https://pan.baidu.com/s/1qWeRtY?pwd=sd12"] == released
    assert found["https://github.com/sparse-lab/SparseDet/releases/download/v1.0/swin_t.pth"
                 ][:2] == (Role.WEIGHTS, Attribution.RELEASED)


def test_training_sets_base_weights_and_acknowledged_code_are_inputs() -> None:
    found = judged("model_zoo.md", SPARSE)
    swin = ("https://github.com/SwinTransformer/storage/releases/download/v1.0.0/"
            "swin_tiny_patch4_window7_224.pth")
    assert found[swin] == (Role.WEIGHTS, Attribution.THIRD_PARTY, Confidence.HIGH)
    assert found["https://cocodataset.org/#download"][1] is Attribution.THIRD_PARTY
    assert found["https://github.com/open-mmlab/mmdetection"][1] is Attribution.THIRD_PARTY


def test_badges_are_not_artefacts() -> None:
    found = judged("model_zoo.md", SPARSE)
    assert found["https://arxiv.org/abs/2403.01234"] == (Role.PAPER, Attribution.UNKNOWN,
                                                         Confidence.LOW)


def test_shares_on_onedrive_sharepoint_drive_folders_and_dropbox() -> None:
    found = judged("shares.md", PaperIdentity.of(["flood-lab"], ["floodnet"]))
    data = (Role.DATA, Attribution.RELEASED, Confidence.HIGH)
    assert found["https://1drv.ms/u/s!AbCdEfGh12345?e=XyZ"] == data
    assert found["https://contoso-my.sharepoint.com/:f:/g/personal/lab_contoso_com/EaBcD?e=1a2B3c"
                 ] == data
    assert found["https://drive.google.com/drive/folders/1ZyXwVuTsRqP?usp=sharing"] == data
    assert found["https://www.dropbox.com/scl/fi/abc123/floodnet_best.ckpt?rlkey=xyz&dl=0"] == (
        Role.WEIGHTS, Attribution.RELEASED, Confidence.HIGH)


def test_hub_repositories_of_the_authors_count_and_others_wait() -> None:
    text = ("# LLaSO\n\n## Models\n\n- [ours](https://huggingface.co/EIT-NLP/LLaSO-Base)\n"
            "- [mirror](https://huggingface.co/someone/LLaSO-GGUF)\n\n"
            "See also https://huggingface.co/datasets/other/stuff for more.\n")
    identity = PaperIdentity.of(["eit-nlp"], [])
    found = {c.url: judge_link(c, normalise_url(c.url), identity)
             for c in links_in_markdown(text)}
    assert found["https://huggingface.co/EIT-NLP/LLaSO-Base"].counts
    assert found["https://huggingface.co/someone/LLaSO-GGUF"].candidate
    assert found["https://huggingface.co/datasets/other/stuff"].candidate


def test_an_unexplained_drive_link_is_a_candidate_not_a_release() -> None:
    text = "# Tool\n\nSee https://drive.google.com/file/d/1x/view for the model.\n"
    [context] = links_in_markdown(text)
    judged_link = judge_link(context, normalise_url(context.url), PaperIdentity())
    assert judged_link.role is Role.WEIGHTS and judged_link.candidate
