"""The `reprotrack` command line (typer): one module per command group."""
