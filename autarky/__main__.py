"""`python -m autarky` runs the command line."""

from autarky.cli import app

app()
