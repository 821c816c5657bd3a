"""The ``seqlab`` command: a thin shell over the library (parse, call, render)."""

from seqlab.cli.app import main

__all__ = ["main"]
