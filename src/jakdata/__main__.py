"""`python -m jakdata` runs the command line."""

from .cli import run

run()
