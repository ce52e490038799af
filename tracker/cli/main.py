"""The `reprotrack` application: global options and the command table."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.audit_cmd import audit_command
from tracker.cli.audits_cmd import audits_command
from tracker.cli.check_cmd import check_command
from tracker.cli.context import AppContext
from tracker.cli.discovery_cmd import confirm_command, link_app
from tracker.cli.export_cmd import export_command
from tracker.cli.import_cmd import import_command
from tracker.cli.papers_cmd import papers_command
from tracker.cli.report_cmd import report_command
from tracker.cli.rescore_cmd import rescore_command
from tracker.cli.schedule_cmd import schedule_command

app = typer.Typer(
    name="reprotrack",
    help="Track whether research papers released what reproducing them needs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold tokens
    add_completion=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[
        str | None,
        typer.Option(
            "--config", envvar="REPROTRACK_CONFIG", help="Config file (default ./reprotrack.toml)."
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="REPROTRACK_DATABASE_URL",
            help="Database URL (default: sqlite:///reprotrack.db).",
        ),
    ] = None,
) -> None:
    """Track whether research papers released what reproducing them needs."""
    ctx.obj = AppContext(config_file=config, database_url=db)


app.command("import")(import_command)
app.command("papers")(papers_command)
app.command("check")(check_command)
app.command("export")(export_command)
app.add_typer(link_app, name="link")
app.command("confirm")(confirm_command)
app.command("audit")(audit_command)
app.command("audits")(audits_command)
app.command("rescore")(rescore_command)
app.command("report")(report_command)
app.command("schedule")(schedule_command)
