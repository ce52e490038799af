"""Help screens that read like `gh`'s: arguments named by their metavar, no `<type>` labels."""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand


def argument_name(param: Any) -> str:
    """FILE for a required argument, [AUDIT_ID] for an optional one (its metavar, upper case)."""
    name = (param.metavar or param.name or "").strip("[]").upper()
    name = name if param.required else f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


def _arguments(command: TyperCommand, ctx: Any) -> list[Any]:
    # Typer may ship its own copy of click: tell parameters apart the way Typer itself does.
    return [p for p in command.get_params(ctx) if p.param_type_name == "argument"]


class PlainCommand(TyperCommand):
    """A command whose usage line and argument list show `FILE`, never `{file}` or `<path>`."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] FILE` rather than Typer's `[OPTIONS] {file}`."""
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [argument_name(p) for p in _arguments(self, ctx)]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments by name with their help, then the options as click lists them."""
        arguments = [(argument_name(p), getattr(p, "help", None) or "")
                     for p in _arguments(self, ctx)]
        options = [record for p in self.get_params(ctx)
                   if p.param_type_name == "option" and (record := p.get_help_record(ctx))]
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)
