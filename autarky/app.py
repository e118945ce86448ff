"""The command-line application object, its consoles, and how user errors are shown.

User errors (bad data, bad scenario) print one report naming file, row and column and exit 2;
no traceback.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
import typer
from rich.console import Console
from typer.core import TyperOption

from network.errors import InputError, Problem, printable

EXIT_OK = 0
EXIT_USER_ERROR = 2
EXIT_INFEASIBLE = 3
EXIT_CODES_HELP = (
    "Exit codes: 0 the plan meets its targets; 3 the plan is infeasible (the relaxed plan and "
    "its diagnosis are written); 2 bad input or arguments (one message, no traceback)."
)

app = typer.Typer(
    help="autarky: how fast a bloc can stop depending on its rival, at what cost, and what "
    "the race does to the bargaining game.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",  # docstring lines join into paragraphs in --help
    epilog=EXIT_CODES_HELP,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, log_path=False)

_display_type = TyperOption.display_type_rich


def _no_bool_metavar(self: TyperOption, ctx: typer.Context) -> str | None:
    """On/off flags show no '<bool>' type in --help: the flag is the whole story."""
    return None if self.is_bool_flag else _display_type(self, ctx)


TyperOption.display_type_rich = _no_bool_metavar  # type: ignore[method-assign]


EXIT_INTERRUPTED = 130
INTERRUPTED = (
    "interrupted: jobs that had not finished are recorded 'interrupted'; run the same command "
    "again to go on (a sweep resumes where it stopped)"
)


EXIT_INTERNAL_ERROR = 1
TRACEBACK_ENV = "AUTARKY_TRACEBACK"
"""Set to 1 to see the traceback of an internal error instead of its one-line report."""


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The CLI's error boundary. InputError: one printed report, exit code 2. Ctrl-C: one line,
    exit code 130 (what was running is recorded 'interrupted' by the job store's guards). Any
    other exception is a bug: one line naming it, exit code 1, the traceback only with
    AUTARKY_TRACEBACK=1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            err.print(exc.report(), markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_USER_ERROR) from None
        except KeyboardInterrupt:
            err.print(INTERRUPTED, markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, click.exceptions.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            if os.environ.get(TRACEBACK_ENV) == "1":
                raise
            what = printable(f"{type(exc).__name__}: {exc}")
            err.print(
                f"internal error: {what} -- a bug in autarky, not in your input; run again with "
                f"{TRACEBACK_ENV}=1 and report the traceback",
                markup=False,
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_INTERNAL_ERROR) from None

    return wrapper


def check(ok: bool, option: str, what: str, fix: str) -> None:
    """Refuse a command-line argument: one located message, exit 2 (via :func:`user_errors`).

    >>> check(True, "--share", "2 is not a share", "give a number in (0, 1]")
    """
    if not ok:
        raise InputError(Problem(option, what, fix), title="bad argument")


def store_option() -> Any:
    return typer.Option(help="Job store file (default: OUT/jobs.sqlite).")


def pct(x: float) -> str:
    """A share as a percentage, '-' when missing.

    >>> pct(0.1234)
    '12.3%'
    """
    return "-" if x != x else f"{100 * x:.1f}%"
