"""Rendering: records in, text out (terminal, Markdown, JSON). No computation happens here."""
