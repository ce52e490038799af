"""The URL list format: repositories, Hub entries, OSF nodes, arXiv and DOI URLs, one a line."""

from __future__ import annotations

from pathlib import Path

from tracker.ingest import read_papers

URLS = """\
# repositories our lab released
https://github.com/microsoft/LoRA
github.com/lab/method/tree/main/train   # a deep link: the repository is what counts
https://huggingface.co/datasets/org/bench
https://huggingface.co/org/model
https://osf.io/e25mu/

https://arxiv.org/abs/2106.09685
https://doi.org/10.1145/3368089.3409742
"""


def test_a_url_list_is_detected_and_each_url_becomes_a_paper(tmp_path: Path) -> None:
    path = tmp_path / "repos.txt"
    path.write_text(URLS)

    batch = read_papers(path)

    assert batch.format == "urls" and batch.invalid == []
    by_line = {record.line: record for record in batch.records}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 8, 9]
    assert (by_line[2].title, by_line[2].urls) == (
        "github.com/microsoft/LoRA", [("https://github.com/microsoft/LoRA", "url")])
    assert by_line[3].title == "github.com/lab/method"
    assert by_line[4].title == "huggingface.co/datasets/org/bench"
    assert by_line[6].urls == [("https://osf.io/e25mu/", "url")]
    assert (by_line[8].arxiv_id, by_line[8].urls) == ("2106.09685", [])  # the paper itself
    assert by_line[9].doi == "10.1145/3368089.3409742"


def test_bad_lines_are_invalid_records_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "repos.txt"
    path.write_text("https://github.com/o/r\nhttps://github.com/only-an-owner\n"
                    "see our paper\nhttps://huggingface.co/org/model\n")

    batch = read_papers(path)

    assert batch.format == "urls"
    assert [(bad.line, bad.reason) for bad in batch.invalid] == [
        (2, "'https://github.com/only-an-owner' is a github.com page but not a repository, "
            "Hub entry, OSF node or Zenodo record"),
        (3, "line 'see our paper' is not a URL: expected a repository, Hub, OSF, Zenodo, arXiv "
            "or DOI URL, one a line"),
    ]


def test_a_list_of_arxiv_ids_is_still_the_ids_format(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("2106.09685\nhttps://arxiv.org/abs/1706.03762\n")
    assert read_papers(path).format == "ids"
    assert read_papers(path, "urls").format == "urls"
