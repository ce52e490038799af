"""The `reprotrack` application: global options and the command table."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from tracker.cli.audit_cmd import audit_command
from tracker.cli.audits_cmd import audits_command
from tracker.cli.badge_cmd import badge_command
from tracker.cli.check_cmd import check_command
from tracker.cli.context import AppContext
from tracker.cli.discovery_cmd import confirm_command, link_app
from tracker.cli.export_cmd import export_command
from tracker.cli.help import PlainCommand
from tracker.cli.import_cmd import import_command
from tracker.cli.papers_cmd import papers_command
from tracker.cli.report_cmd import report_command
from tracker.cli.rescore_cmd import rescore_command
from tracker.cli.schedule_cmd import schedule_command
from tracker.cli.worker_cmd import worker_command

app = typer.Typer(
    name="reprotrack",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold tokens
    rich_markup_mode=None,  # plain help: no boxes, no `<bool>` types, `[reports]` kept as text
    context_settings={"help_option_names": ["-h", "--help"]},
)


def tool_version() -> str:
    """The installed distribution's version."""
    try:
        return version("reprotrack")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"reprotrack {tool_version()}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[
        str | None,
        typer.Option("--config", envvar="REPROTRACK_CONFIG", metavar="FILE", show_default=False,
                     help="Config file (default: ./reprotrack.toml when present)."),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="REPROTRACK_DATABASE_URL", metavar="URL", show_default=False,
                     help="Database URL (default: sqlite:///reprotrack.db)."),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option("--verbose", "-v", count=True, show_default=False,
                     help="Log more: -v the tool's steps, -vv its debug lines and the libraries' "
                     "(HTTP requests, migrations), -vvv everything, SQL included."),
    ] = 0,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Log errors only."),
    ] = False,
    _version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """Track whether research papers released what reproducing them needs.

    \b
    Examples:
      reprotrack import papers.bib && reprotrack audit && reprotrack report
      reprotrack check 2106.09685 --fail-under 0.7
      reprotrack -v audit --due --limit 100

    Exit codes: 0 success, 1 a score below --fail-under, 2 bad input or usage,
    3 a service or the database could not be reached.
    """
    app_ctx = AppContext(config_file=config, database_url=db,
                         verbosity=-1 if quiet else verbose)
    ctx.obj = app_ctx
    app_ctx.log_to_stderr()
    ctx.call_on_close(app_ctx.restore_logging)


app.command("import", cls=PlainCommand)(import_command)
app.command("papers", cls=PlainCommand)(papers_command)
app.command("check", cls=PlainCommand)(check_command)
app.command("export", cls=PlainCommand)(export_command)
app.add_typer(link_app, name="link")
app.command("confirm", cls=PlainCommand)(confirm_command)
app.command("audit", cls=PlainCommand)(audit_command)
app.command("audits", cls=PlainCommand)(audits_command)
app.command("rescore", cls=PlainCommand)(rescore_command)
app.command("report", cls=PlainCommand)(report_command)
app.command("schedule", cls=PlainCommand)(schedule_command)
app.command("badge", cls=PlainCommand)(badge_command)
app.command("worker", cls=PlainCommand)(worker_command)
