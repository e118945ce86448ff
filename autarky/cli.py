"""The ``autarky`` command line: the application and its commands.

Commands live in ``autarky/commands/`` (one module per concept); importing them registers them
on :data:`autarky.app.app`. Every command has ``--help``.
"""

from __future__ import annotations

import importlib

from autarky.app import app

COMMAND_MODULES = ("data", "plan", "game", "compare")  # the order of --help
for _name in COMMAND_MODULES:
    importlib.import_module(f"autarky.commands.{_name}")  # registers its commands

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover
    app()
