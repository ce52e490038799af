"""Links of READMEs and pages with their context: headings, table rows, sentences, badges."""

from __future__ import annotations

from pathlib import Path

from checks.classify.artefact_links import links_in_html, links_in_markdown

READMES = Path(__file__).parents[2] / "fixtures" / "readmes"


def by_url(text: str) -> dict:  # type: ignore[type-arg]
    return {link.url: link for link in links_in_markdown(text)}


def test_a_model_zoo_table_gives_each_link_its_row_header_and_section() -> None:
    links = by_url((READMES / "model_zoo.md").read_text())

    drive = links["https://drive.google.com/file/d/1AbCdEfGhIjK/view?usp=sharing"]
    assert drive.text == "Google Drive"
    assert drive.headings == ("SparseDet: Sparse Queries for Dense Scenes", "Model Zoo")
    assert drive.header == "Backbone | Epochs | AP | Config | Download"
    assert drive.row is not None and drive.row.startswith("R-50 | 12 | 41.2")
    baidu = links["https://pan.baidu.com/s/1qWeRtY?pwd=sd12"]
    assert baidu.text == "Baidu" and baidu.row == drive.row


def test_badges_and_sentences_are_kept() -> None:
    links = by_url((READMES / "model_zoo.md").read_text())

    assert links["https://arxiv.org/abs/2403.01234"].badge is True
    coco = links["https://cocodataset.org/#download"]
    assert coco.badge is False and coco.nearby.startswith("We train on")
    assert "configs/r50.py" not in links  # relative links are not artefacts


def test_placeholders_are_links_that_say_what_was_written() -> None:
    found = [l for l in links_in_markdown((READMES / "placeholders.md").read_text())
             if l.placeholder]

    assert [(l.placeholder, l.text) for l in found] == [
        ("hf_model_link", "🤗 HF"), ("#", "link"), ("xxxx.xxxxx", "")]
    assert found[0].row == "VoxTalk-Base | [🤗 HF](<hf_model_link>)"


def test_bare_urls_autolinks_and_inline_html_are_found() -> None:
    text = ("# T\n\nA folder: https://drive.google.com/drive/folders/1Zy?usp=sharing.\n\n"
            "- weights: <https://example.org/w.pth>\n"
            '- data: <a href="https://example.org/d.zip">archive</a>\n')
    urls = [l.url for l in links_in_markdown(text)]
    assert urls == ["https://drive.google.com/drive/folders/1Zy?usp=sharing",
                    "https://example.org/w.pth", "https://example.org/d.zip"]


def test_html_pages_give_headings_rows_and_resolve_relative_links() -> None:
    page = ("<html><body><h1>Project</h1><h2>Downloads</h2><table>"
            "<tr><th>Model</th><th>File</th></tr>"
            "<tr><td>Base</td><td><a href='ckpt/base.pth'>weights</a></td></tr></table>"
            "<p>We evaluate on <a href='https://example.org/bench'>Bench</a>.</p></body></html>")
    links = {l.url: l for l in links_in_html(page, "https://lab.github.io/proj/")}

    weights = links["https://lab.github.io/proj/ckpt/base.pth"]
    assert weights.headings == ("Project", "Downloads") and weights.header == "Model | File"
    assert weights.row == "Base | weights"
    assert links["https://example.org/bench"].nearby.startswith("We evaluate on")


def test_broken_html_does_not_raise() -> None:
    assert links_in_html("<a href='https://x.org/a.zip'>a<<<<</b></table>") is not None
