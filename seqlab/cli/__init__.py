"""The ``seqlab`` command: a thin shell over the library (parse, call one function, render)."""

from seqlab.cli.main import main

__all__ = ["main"]
