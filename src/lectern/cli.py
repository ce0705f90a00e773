"""The ``lectern`` command: a thin client of the library. Commands are added as the pipeline grows."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Turn a speech script into a timed rehearsal.")


@app.callback()
def _root() -> None:
    """Turn a speech script into a timed rehearsal."""


def main() -> None:
    app()
