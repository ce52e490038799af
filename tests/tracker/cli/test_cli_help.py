"""Every command is documented: it has help text, and `--help` works for it."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from tracker.cli.main import app

COMMANDS = ["import", "papers", "check", "export", "confirm", "audit", "audits", "rescore",
            "report", "schedule", "link"]


def test_every_command_is_listed_with_its_help() -> None:
    result = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    for command in COMMANDS:
        line = next(l for l in result.stdout.splitlines() if re.search(rf"│ {command}\s", l))
        help_text = line.split(command, 1)[1].strip(" │")
        assert len(help_text) > 20 and "  " not in help_text.strip(), line  # no lost markup


def test_each_command_has_its_own_help() -> None:
    for command in COMMANDS:
        result = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
        assert result.exit_code == 0, (command, result.output)
        assert "Usage:" in result.stdout
