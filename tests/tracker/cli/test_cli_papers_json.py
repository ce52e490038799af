"""`papers --json` streams its list: the same text as `print_json` gives, written paper by
paper."""

from __future__ import annotations

import io
import json

import pytest
from conftest import SEED
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.cli.json_output import json_document
from tracker.cli.papers_cmd import write_json_document


@pytest.mark.parametrize("items", [
    [],
    [{"id": 1, "title": "One"}],
    [{"id": 1, "title": "Two\nlines", "links": [{"url": "https://x.org/a b"}]},
     {"id": 2, "title": "Ünïcode \u2028 and \"quotes\"", "links": []}, {"id": 3}],
])
def test_the_streamed_document_is_byte_for_byte_json_dumps(items: list[dict]) -> None:
    out = io.StringIO()
    write_json_document("papers", iter(items), out)
    expected = json.dumps(json_document(papers=items), indent=2, ensure_ascii=False) + "\n"
    assert out.getvalue() == expected


def test_papers_json_lists_every_imported_paper_in_order(sqlite_url: str) -> None:
    runner = CliRunner()
    runner.invoke(app, ["--db", sqlite_url, "import", str(SEED)], catch_exceptions=False)
    result = runner.invoke(app, ["--db", sqlite_url, "papers", "--json"],
                           catch_exceptions=False)

    document = json.loads(result.stdout)
    papers = document["papers"]
    assert document["schema_version"] >= 1 and len(papers) == 56
    assert [p["id"] for p in papers] == sorted(p["id"] for p in papers)
    assert papers[0]["title"].startswith("LLaSO") and papers[0]["links"]
