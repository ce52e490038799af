"""BibTeX import: identifiers from eprint/journal/doi/url, LaTeX titles, broken entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.ingest import read_papers
from tracker.ingest.bibtex import clean_latex

FIXTURE = Path(__file__).parents[2] / "fixtures" / "ingest" / "papers.bib"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_good_entries() -> None:
    batch = read_papers(FIXTURE)
    assert batch.format == "bibtex"
    by_line = {r.line: r for r in batch.records}
    assert sorted(by_line) == [6, 15, 35, 41]
    good = by_line[6]
    assert good.title == "Learning GitHub Repositories with Transformers"
    assert good.arxiv_id == "2106.09685"  # from journal = {arXiv preprint arXiv:...}
    assert good.urls == [("https://github.com/example/repo", "url")]
    eprint = by_line[15]
    assert (eprint.title, eprint.arxiv_id, eprint.doi) == (
        "Scaling Laws for Neural Language Models",
        "2001.08361",
        "10.5555/12345.67890",
    )
    software = by_line[35]
    assert software.arxiv_id == "2203.02155"  # from the arXiv DOI
    assert software.urls == [("https://huggingface.co/datasets/org/data", "howpublished")]
    assert by_line[41].arxiv_id == "1706.03762"  # DBLP style: journal CoRR, volume abs/...


def test_fixture_bad_entries_are_reported_with_their_lines() -> None:
    invalid = read_papers(FIXTURE).invalid
    assert [(i.line, i.reason) for i in invalid] == [
        (23, "entry 'brokenbraces2019' has unbalanced braces: its opening brace is never closed"),
        (28, "@article entry has no citation key"),
        (30, "entry 'notitle2020' has no title, eprint, doi or url"),
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("{GitHub}", "GitHub"),
        ("A  {B}\n   C", "A B C"),
        (r"Caf\'{e} \& Bar~Baz", "Café & Bar Baz"),
        (r"\emph{Deep} $k$-Means", "Deep k-Means"),
        (r"Price in \$", "Price in $"),
    ],
)
def test_latex_titles_are_cleaned(raw: str, clean: str) -> None:
    assert clean_latex(raw) == clean


def test_early_closing_brace_loses_no_fields_silently(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "@article{a,\n  title = {Too Many}},\n  eprint = {2101.00001},\n}\n"
        "@article{b, title = {Fine}}\n",
    )
    batch = read_papers(path)
    assert [r.title for r in batch.records] == ["Fine"]
    [bad] = batch.invalid
    assert bad.line == 1 and "entry 'a' has unbalanced braces" in bad.reason


def test_syntax_error_entry_is_invalid_and_neighbours_survive(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '@article{first, title = {One}}\n\n@article{second,\n  title = "Two" year = 2020\n}\n'
        "@article{third, title = {Three}}\n",
    )
    batch = read_papers(path)
    assert [r.title for r in batch.records] == ["One", "Three"]
    [bad] = batch.invalid
    assert bad.line == 3 and "'second'" in bad.reason


def test_comment_preamble_and_string_are_not_records(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '@comment{x}\n@preamble{"\\newcommand{\\x}{y}"}\n@string{conf = "Conf"}\n'
        "@inproceedings{k, title = {T}, booktitle = conf}\n",
    )
    batch = read_papers(path)
    assert [(r.line, r.title) for r in batch.records] == [(4, "T")]
    assert batch.invalid == []


def test_undefined_string_macro_is_invalid(tmp_path: Path) -> None:
    path = _write(tmp_path, "@article{k, title = nosuchmacro}\n")
    [bad] = read_papers(path).invalid
    assert bad.line == 1 and "undefined @string" in bad.reason


def test_eprint_with_other_archive_is_not_an_arxiv_id(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "@article{k, title = {T}, eprint = {2101.00001}, archivePrefix = {HAL}}\n"
        "@article{m, title = {U}, eprint = {2101.00002v3}}\n",
    )
    records = read_papers(path).records
    assert [r.arxiv_id for r in records] == [None, "2101.00002"]


def test_bad_doi_names_entry_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "\n@article{k, title = {T}, doi = {not a doi}}\n")
    [bad] = read_papers(path).invalid
    assert bad.line == 2
    assert bad.reason == "entry 'k': field 'doi' 'not a doi' is not a DOI"


def test_parenthesised_entry(tmp_path: Path) -> None:
    path = _write(tmp_path, "@misc(k, title = {Paren (style)}, url = {https://osf.io/abcde})\n")
    [record] = read_papers(path).records
    assert record.title == "Paren (style)"
    assert record.urls == [("https://osf.io/abcde", "url")]
