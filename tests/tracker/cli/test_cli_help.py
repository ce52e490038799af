"""Every command the app registers is documented: README, help text, examples, gh-style help."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer
from typer.main import get_command
from typer.testing import CliRunner

from tracker.cli.help import PlainCommand
from tracker.cli.main import app

README = Path(__file__).parents[3] / "README.md"


def command_paths(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command and subcommand of a click group, as (path, command), derived from the app."""
    found = []
    for name, command in sorted(getattr(group, "commands", {}).items()):
        path = (*prefix, name)
        found.append((path, command))
        found += command_paths(command, path)
    return found


def readme_commands(readme: str) -> set[tuple[str, ...]]:
    """The command paths the README's command block lists (`reprotrack link add PAPER URL`)."""
    block = readme.split("## Commands", 1)[1].split("```")[1]
    paths = set()
    for line in block.splitlines():
        words = line.split()
        if words[:1] == ["reprotrack"]:
            lower = [w for w in words[1:3] if re.fullmatch(r"[a-z][a-z-]*", w)]
            paths |= {tuple(lower[:i]) for i in range(1, len(lower) + 1)}
    return paths


def undocumented(typer_app: typer.Typer, readme: str) -> list[str]:
    """Registered commands missing from the README's command block, or without help text."""
    missing = []
    documented = readme_commands(readme)
    for path, command in command_paths(get_command(typer_app)):
        first_line = (command.help or "").strip().splitlines()[0] if command.help else ""
        if path not in documented or len(first_line) < 20:
            missing.append(" ".join(path))
    return missing


def test_every_registered_command_is_in_the_readme_and_has_help() -> None:
    assert len(command_paths(get_command(app))) >= 11  # the app is really walked
    assert undocumented(app, README.read_text()) == []


def test_an_undocumented_command_is_caught() -> None:
    def secret() -> None:
        """Do something the README does not mention at all, anywhere."""

    probe = typer.Typer()
    probe.command("import")(secret)
    probe.command("frobnicate")(secret)
    assert undocumented(probe, README.read_text()) == ["frobnicate"]


def test_help_reads_like_gh_metavars_examples_no_types() -> None:
    runner = CliRunner()
    screens = {(): runner.invoke(app, ["--help"], terminal_width=100)}
    for path, _command in command_paths(get_command(app)):
        screens[path] = runner.invoke(app, [*path, "--help"], terminal_width=100)
    for path, result in screens.items():
        assert result.exit_code == 0, (path, result.output)
        text = result.stdout
        assert text.startswith("Usage: reprotrack"), path
        assert not re.search(r"<(bool|str|int|path|float|list\[\w+\])>", text), (path, text)
        assert not re.search(r"\{\w+\}", text.splitlines()[0]), (path, text)  # no {file}
        assert "(default:  " not in text and "╭" not in text, (path, text)
    for path, command in command_paths(get_command(app)):
        if getattr(command, "commands", None):
            continue  # a group: its subcommands carry the examples
        assert isinstance(command, PlainCommand), path
        assert "Example" in screens[path].stdout, path
        for param in command.params:
            takes_value = param.param_type_name == "option" and not param.is_flag \
                and not param.count
            if takes_value:  # options that take a value name it: --out DIR, not --out TEXT
                assert param.metavar and param.metavar.upper() == param.metavar, (path, param)


def test_version_and_the_exit_code_table() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and re.fullmatch(r"reprotrack \d+\.\d+\.\S+\n", result.stdout)
    readme = README.read_text()
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert code in readme
    usage = CliRunner().invoke(app, ["audit", "--no-such-option"])
    assert usage.exit_code == 2  # usage errors are bad input too
