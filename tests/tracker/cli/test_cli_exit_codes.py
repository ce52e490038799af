"""One table of exit codes, in the README, that says what the code really does."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.errors import InputError, ServiceUnreachable, StorageError

README = Path(__file__).resolve().parents[3] / "README.md"


def exit_code_tables(readme: str) -> list[dict[str, str]]:
    """Every Markdown table headed `| code | meaning |`, as {code: meaning}."""
    tables = []
    for match in re.finditer(r"^\| code \| meaning \|\n\|[-| ]+\|\n((?:\|.*\|\n)+)", readme,
                             re.MULTILINE):
        rows = [line.strip("|").split("|", 1) for line in match.group(1).splitlines()]
        tables.append({code.strip(): meaning.strip() for code, meaning in rows})
    return tables


def test_the_readme_has_one_exit_code_table_with_0_1_2_3() -> None:
    [table] = exit_code_tables(README.read_text())

    assert list(table)[:4] == ["0", "1", "2", "3"]
    assert "success" in table["0"]
    assert "--fail-under" in table["1"]
    assert "bad input" in table["2"] and "usage" in table["2"]
    assert "service" in table["3"] and "database" in table["3"]


def test_the_errors_exit_with_the_codes_the_table_gives() -> None:
    assert InputError.exit_code == 2
    assert ServiceUnreachable.exit_code == StorageError.exit_code == 3


def test_usage_errors_and_an_unreachable_database_exit_as_documented(tmp_path: Path) -> None:
    runner = CliRunner()
    usage = runner.invoke(app, ["papers", "--no-such-flag"])
    database = runner.invoke(app, ["--db", "postgresql+psycopg://nobody@127.0.0.1:9/none",
                                   "papers", "--json"])

    assert usage.exit_code == 2
    assert database.exit_code == 3 and "Traceback" not in database.output
    assert database.stdout == ""  # no half document on stdout


def test_the_main_help_repeats_the_table() -> None:
    help_text = " ".join(CliRunner().invoke(app, ["--help"]).stdout.split())

    assert ("Exit codes: 0 success, 1 a score below --fail-under, 2 bad input or usage, "
            "3 a service or the database could not be reached.") in help_text
