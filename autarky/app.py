"""The command-line application object, its consoles, and how user errors are shown.

User errors (bad data, bad scenario) print one report naming file, row and column and exit 2;
no traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import typer
from rich.console import Console

from network.errors import InputError

app = typer.Typer(
    help="autarky: how fast a bloc can stop depending on its rival, at what cost, and what "
    "the race does to the bargaining game.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",  # docstring lines join into paragraphs in --help
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, log_path=False)

EXIT_USER_ERROR = 2


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn InputError into one printed report and exit code 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            err.print(exc.report(), markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_USER_ERROR) from None

    return wrapper


def store_option() -> Any:
    return typer.Option(help="Job store file (default: OUT/jobs.sqlite).")


def pct(x: float) -> str:
    """A share as a percentage, '-' when missing.

    >>> pct(0.1234)
    '12.3%'
    """
    return "-" if x != x else f"{100 * x:.1f}%"
