"""Examples for tracker.identifiers: arXiv ids, DOIs and title keys."""

import pytest

from tracker.identifiers import normalise_title, parse_arxiv_id, parse_doi


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # bare new-style ids, versions dropped
        ("2409.18433", "2409.18433"),
        ("2409.18433v2", "2409.18433"),
        ("  2409.18433v12\n", "2409.18433"),
        ("arXiv:2409.18433", "2409.18433"),
        ("ARXIV:2409.18433V3", "2409.18433"),
        ("arXiv: 2409.18433", "2409.18433"),
        ("0704.0001", "0704.0001"),
        ("1412.6980", "1412.6980"),
        ("1501.00001", "1501.00001"),
        # old-style ids; the subject class is not part of the identifier
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.GT/0309136", "math/0309136"),
        ("arXiv:cond-mat/0703470", "cond-mat/0703470"),
        # arXiv URLs
        ("https://arxiv.org/abs/2409.18433v2", "2409.18433"),
        ("https://arxiv.org/pdf/2409.18433.pdf", "2409.18433"),
        ("https://arxiv.org/pdf/2409.18433v1", "2409.18433"),
        ("http://export.arxiv.org/abs/2409.18433", "2409.18433"),
        ("https://www.arxiv.org/abs/2409.18433/", "2409.18433"),
        ("arxiv.org/abs/2409.18433", "2409.18433"),
        ("https://arxiv.org/html/2409.18433v1", "2409.18433"),
        ("https://arxiv.org/abs/math.GT/0309136", "math/0309136"),
        ("https://arxiv.org/abs/2409.18433?context=cs", "2409.18433"),
        # Hugging Face paper pages
        ("https://huggingface.co/papers/2409.18433", "2409.18433"),
        ("https://hf.co/papers/2409.18433", "2409.18433"),
        # arXiv DOIs
        ("10.48550/arXiv.2409.18433", "2409.18433"),
        ("https://doi.org/10.48550/arXiv.2409.18433", "2409.18433"),
        ("doi:10.48550/ARXIV.2409.18433", "2409.18433"),
    ],
)
def test_parse_arxiv_id_accepts(text: str, expected: str) -> None:
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "3.75",
        "2012.",
        "2012",
        "85.7",
        "2409.18433.",  # not the pure id
        "see 2409.18433",
        "2413.18433",  # month 13
        "2400.18433",  # month 00
        "0703.0001",  # before the new scheme started
        "1412.12345",  # five digits before 2015
        "1501.1234",  # four digits from 2015 on
        "foo/9901001",  # unknown archive
        "hep-th/0704001",  # old scheme ended in March 2007
        "hep-th/991301",
        "https://alphaxiv.org/abs/2409.18433",
        "https://arxiv.org.evil.com/abs/2409.18433",
        "https://arxiv.org/list/cs.CL/recent",
        "https://github.com/o/2409.18433",
        "10.1145/3368089",
    ],
)
def test_parse_arxiv_id_rejects(text: str) -> None:
    assert parse_arxiv_id(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1145/3368089.3409767", "10.1145/3368089.3409767"),
        ("doi:10.1038/NATURE14539", "10.1038/nature14539"),
        ("DOI: 10.1038/nature14539", "10.1038/nature14539"),
        ("https://doi.org/10.5281/zenodo.1234567", "10.5281/zenodo.1234567"),
        ("http://dx.doi.org/10.1016/j.cell.2020.01.001", "10.1016/j.cell.2020.01.001"),
        ("doi.org/10.1000/xyz", "10.1000/xyz"),
        ("10.1000/xyz.", "10.1000/xyz"),
        ("10.1000/xyz);", "10.1000/xyz"),
        ("10.1002/(SICI)1097-4571(199806)49:8", "10.1002/(sici)1097-4571(199806)49:8"),
        ("10.48550/arXiv.2409.18433", "10.48550/arxiv.2409.18433"),
    ],
)
def test_parse_doi_accepts(text: str, expected: str) -> None:
    assert parse_doi(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "10.1000", "10.1000/", "11.1000/xyz", "see 10.1000/xyz", "https://example.org/10.1000/x"],
)
def test_parse_doi_rejects(text: str) -> None:
    assert parse_doi(text) is None


def test_normalise_title_merges_spellings() -> None:
    assert normalise_title("LLaSO: A  Foundational {F}ramework") == normalise_title(
        "llaso - a foundational framework"
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("LLaSO: A  Foundational {F}ramework", "llaso a foundational framework"),
        ("{GitHub} Copilot", "github copilot"),
        ("\\textbf{Bold} Claims", "bold claims"),
        ("Vision \\& Language", "vision and language"),
        ("Vision & Language", "vision and language"),
        ("Zero\u2013Shot \u2014 Transfer", "zero shot transfer"),
        ("\u201cQuoted\u201d Title", "quoted title"),
        ("Don\u2019t Stop Pretraining", "dont stop pretraining"),
        ("Don't Stop Pretraining", "dont stop pretraining"),
        ("Caf\\'{e} Models", "cafe models"),
        ("Caf\u00e9 Models", "cafe models"),
        ("\uff2c\uff2c\uff2d Fullwidth", "llm fullwidth"),  # NFKC
        ("STRASSE", "strasse"),
        ("Stra\u00dfe", "strasse"),  # casefold
        ("  spaced\n\tout  ", "spaced out"),
        ("GPT-4o: 3.5x faster?!", "gpt 4o 3 5x faster"),
    ],
)
def test_normalise_title(title: str, expected: str) -> None:
    assert normalise_title(title) == expected


def test_stand_in_titles_from_url_lists_are_told_from_real_titles() -> None:
    from tracker.identifiers import is_link_title, link_title
    from tracker.store.models import Paper
    from tracker.store.papers import PaperFields, merge_fields

    assert link_title("https://github.com/microsoft/LoRA/") == "github.com/microsoft/LoRA"
    assert is_link_title("github.com/microsoft/LoRA") and is_link_title("127.0.0.1:80/p.html")
    for title in ("LoRA: Low-Rank Adaptation", "v1.0/beta", "Hello world/x", None, ""):
        assert not is_link_title(title), title
    paper = Paper(title="github.com/lab/method")
    assert merge_fields(paper, PaperFields(title="Method: Learning Things Well"))
    assert paper.title == "Method: Learning Things Well"  # a real title replaces a stand-in
    assert not merge_fields(paper, PaperFields(title="github.com/lab/method"))  # never back
