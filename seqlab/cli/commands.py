"""Importing this module registers every command on the app (pipeline order)."""

from seqlab.cli import explain_cmd, lab_cmd, models_cmd, scratch_cmd, tokens_cmd, train_cmd, vectors_cmd, web_cmd  # noqa: F401
