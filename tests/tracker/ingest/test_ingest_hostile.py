"""Files that once crashed an import: each is now one clear line (exit 2) or imported safely."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.ingest import read_papers
from tracker.links import extract_links, normalise_url
from tracker.store.engine import open_store
from tracker.store.models import Paper


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_a_lone_surrogate_in_json_lines_is_one_line_naming_file_and_line(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "papers.jsonl"
    path.write_text('{"title": "Fine"}\n{"title": "a\\ud800b"}\n')

    result = run("--db", db_url, "import", str(path))

    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:2: key 'title' holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff "
        "escape), which is not text")
    assert len(result.stderr.splitlines()) == 2 and "Traceback" not in result.output


def test_nul_in_json_lines_is_stripped_and_the_paper_stored(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    path.write_text('{"title": "Null\\u0000 Paper", "url": "https://github.com/a/b\\u0000"}\n')

    result = run("--db", db_url, "import", str(path))

    assert result.exit_code == 0, result.output
    with Session(open_store(db_url)) as session:
        [paper] = session.exec(select(Paper)).all()
    assert paper.title == "Null Paper"


def test_json_nested_100k_deep_is_an_invalid_line_not_a_recursion_error(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "papers.jsonl"
    path.write_text('{"title": "Fine"}\n' + "[" * 100_000 + "]" * 100_000 + "\n")

    result = run("--db", db_url, "import", str(path))

    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:2: not valid JSON for a paper: arrays or objects nested too deeply")
    deep_text = tmp_path / "deep.txt"  # format detection reads the line too
    deep_text.write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n")
    assert run("--db", db_url, "import", str(deep_text)).exit_code == 2


def test_a_quote_error_on_67240_rows_prints_one_line(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "papers.csv"
    rows = [f'"Paper {n}" revisited,https://github.com/a/r{n}' for n in range(67_240)]
    path.write_text("title,url\n" + "\n".join(rows) + "\n")

    result = run("--db", sqlite_url, "import", str(path))

    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:2: malformed CSV row: a quoted cell ends before")
    assert lines[0].endswith("67,239 more records have this problem (to line 67241)")


def test_an_unclosed_quote_names_the_line_it_opened_on(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "papers.csv"
    path.write_text("title,url\nGood,\n" + '"Open quote,\n' + "later,\n" * 10)

    result = run("--db", sqlite_url, "import", str(path))

    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:3: malformed CSV row: a quoted cell starting on this row is never closed "
        "(it runs to the end of the file, line 13)")


def test_a_huge_first_line_is_not_mistaken_for_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "papers.txt"
    path.write_text('["", "' + "https://x/" * 20_000 + '"]\n')
    try:
        read_papers(path)
    except Exception as exc:  # noqa: BLE001 - the kind of failure is the point
        assert type(exc).__name__ == "InputError"


def test_the_link_normaliser_refuses_nul_and_surrogates() -> None:
    assert normalise_url("https://doi.org/\ud800") is None
    assert normalise_url("https://github.com/a/b\x00") is None
    assert extract_links("see https://example.org/\udfff and https://example.org/ok") == [
        normalise_url("https://example.org/ok")]


def test_many_distinct_problems_print_at_most_twenty_lines_and_a_count() -> None:
    from tracker.ingest.problems import problem_lines
    from tracker.ingest.records import InvalidRecord

    invalid = [InvalidRecord(n, f"problem {n}") for n in range(1, 31)]
    lines = list(problem_lines("f.csv", invalid))
    assert len(lines) == 21 and lines[0] == "f.csv:1: problem 1"
    assert lines[-1] == "f.csv: 10 more invalid records not shown"
