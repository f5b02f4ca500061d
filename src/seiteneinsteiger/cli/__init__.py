"""The command line: a thin Typer layer over the core. Nothing below this package imports typer."""
