"""The README's commands stay true: CI runs exactly its test command."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[1]


def _commands(readme: str) -> list[str]:
    lines = readme.splitlines()
    return [
        lines[i + 1] for i, line in enumerate(lines) if line.startswith("# ") and i + 1 < len(lines)
        and lines[i - 1] == "```sh"
    ]


def test_ci_runs_the_readme_test_command() -> None:
    commands = _commands((ROOT / "README.md").read_text())
    assert len(commands) == 2, commands
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert commands[1] in ci_lines
    assert "pytest" in commands[1]


def test_the_main_command_imports_the_shipped_example() -> None:
    main = _commands((ROOT / "README.md").read_text())[0]
    example = main.split("reprotrack import ")[1].split()[0]
    assert (ROOT / example).is_file()
