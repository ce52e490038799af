"""`reprotrack import` and `reprotrack papers` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SEED
from typer.testing import CliRunner

from tracker.cli.main import app

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_import_prints_what_it_added_then_nothing_the_second_time(db_url: str) -> None:
    first = run("--db", db_url, "import", str(SEED))
    second = run("--db", db_url, "import", str(SEED))

    assert first.exit_code == 0, first.output
    assert "56 added" in first.stdout and "15 links added" in first.stdout
    assert "0 added" in second.stdout and "56 unchanged" in second.stdout
    assert "0 links added" in second.stdout


def test_papers_json_lists_papers_with_their_links(db_url: str) -> None:
    run("--db", db_url, "import", str(SEED))
    result = run("--db", db_url, "papers", "--json")

    papers = json.loads(result.stdout)["papers"]
    assert len(papers) == 56
    assert set(papers[0]) == {"id", "title", "arxiv_id", "doi", "links"}
    osf = [link for p in papers for link in p["links"] if link["host"] == "osf.io"]
    assert osf == [
        {
            "url": "https://osf.io/e25mu/?view_only=399daff5a14d4b16b09473cf19043f18",
            "host": "osf.io",
            "kind": "osf_node",
            "target": "e25mu",
            "provenance": "abstract",
        }
    ]


def test_papers_table_shows_titles(sqlite_url: str) -> None:
    run("--db", sqlite_url, "import", str(SEED))
    result = run("--db", sqlite_url, "papers")
    assert "56 papers" in result.stdout
    assert "LLaSO" in result.stdout


def test_bad_records_are_listed_with_lines_and_exit_2(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "list.txt"
    bad.write_text("2401.00001\nnot an id at all\n2401.00002\n")

    refused = run("--db", sqlite_url, "import", str(bad))
    assert refused.exit_code == 2
    assert f"{bad}:2:" in refused.stderr
    assert json.loads(run("--db", sqlite_url, "papers", "--json").stdout)["papers"] == []

    skipped = run("--db", sqlite_url, "import", "--skip-invalid", str(bad))
    assert skipped.exit_code == 0
    assert "2 added" in skipped.stdout and f"skipped {bad}:2" in skipped.stdout


def test_file_level_errors_are_one_line_with_exit_2(sqlite_url: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 r\xe9sum\xe9\n\nAbstract text \xe9.\n".encode("latin-1"))
    cases = {
        tmp_path / "absent.txt": "absent.txt",
        empty: "empty",
        binary: "x.bin",
        latin: "latin.txt:1",
    }
    for path, expected in cases.items():
        result = run("--db", sqlite_url, "import", str(path))
        assert result.exit_code == 2, (path, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]


def test_an_unknown_format_is_refused(sqlite_url: str) -> None:
    result = run("--db", sqlite_url, "import", "--format", "xml", str(SEED))
    assert result.exit_code == 2
    assert "unknown format 'xml'" in result.stderr


def test_a_bad_config_file_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "rt.toml"
    config.write_text("[database]\nurl = 3\n")
    result = run("--config", str(config), "papers")
    assert result.exit_code == 2
    assert "database.url" in result.stderr and str(config) in result.stderr


def test_a_list_of_repository_urls_imports_as_papers_carrying_those_links(
    db_url: str, tmp_path: Path
) -> None:
    urls = tmp_path / "repos.txt"
    urls.write_text("https://github.com/microsoft/LoRA\nhttps://huggingface.co/org/model\n"
                    "https://arxiv.org/abs/2106.09685\n")

    first = run("--db", db_url, "import", str(urls))
    again = run("--db", db_url, "import", str(urls))

    assert first.exit_code == 0, first.output
    assert "(urls): 3 papers read; 3 added" in first.stdout
    assert "0 added" in again.stdout and "3 unchanged" in again.stdout
    papers = json.loads(run("--db", db_url, "papers", "--json").stdout)["papers"]
    by_title = {p["title"]: p for p in papers}
    lora = by_title["github.com/microsoft/LoRA"]
    assert [(l["url"], l["kind"]) for l in lora["links"]] == [
        ("https://github.com/microsoft/LoRA", "github_repo")]
    assert [l["kind"] for l in by_title["huggingface.co/org/model"]["links"]] == ["hf_model"]
    assert {p["arxiv_id"] for p in papers} == {None, "2106.09685"}


def test_bad_lines_of_a_url_list_exit_2_naming_file_and_line(db_url: str, tmp_path: Path) -> None:
    urls = tmp_path / "repos.txt"
    urls.write_text("https://github.com/o/r\nhttps://github.com/o/s\nnot a url at all\n")

    result = run("--db", db_url, "import", str(urls), "--format", "urls")

    assert result.exit_code == 2
    assert f"{urls}:3: line 'not a url at all' is not a URL" in result.stderr
    assert json.loads(run("--db", db_url, "papers", "--json").stdout)["papers"] == []  # nothing imported
