"""The library's notes: what it did, skipped, assumed or built beside its results (a first-use build, lines of a file
skipped, NSMC's header read by its column), sent to ``logging.getLogger("seqlab")`` at INFO.

Python's logging shows nothing below WARNING unless configured, so a notebook or a script heard none of them: seqlab
says them on stderr, unless the caller has configured logging (a handler on the root or the ``seqlab`` logger), whose
choice then stands. ``logging.getLogger("seqlab").setLevel(logging.WARNING)`` silences them. The command line says
them its own way (``seqlab.cli.main``), in place of this handler.
"""

from __future__ import annotations

import logging
import sys


def say_note(message: str) -> None:
    """One note of the library (a first-use build, lines skipped): heard as this module says, never printed."""
    logging.getLogger("seqlab").info(message)


class StderrNotes(logging.Handler):
    """Each note as one plain line on stderr (no logger name or level: it is a sentence for the reader)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(record.getMessage(), file=sys.stderr)
        except Exception:  # noqa: BLE001  logging's own contract: a failing handler reports, never raises
            self.handleError(record)


class CallerConfigured(logging.Filter):
    """On the ``seqlab`` logger beside :class:`StderrNotes`: once the caller configures logging after importing
    seqlab (a handler on the root, or one of their own on the ``seqlab`` logger), the handler steps aside and the
    caller's levels decide, from the note that found it out on (that note had gone on to the root's handlers past a
    WARNING level). Then it lets every record through: it is never removed while logging loops over the filters."""

    def __init__(self, handler: logging.Handler):
        super().__init__()
        self.handler = handler
        self.aside = False

    def filter(self, record: logging.LogRecord) -> bool:
        logger = logging.getLogger("seqlab")
        if self.aside:
            return True
        theirs = [h for h in logger.handlers if h is not self.handler]
        if not logging.getLogger().handlers and not theirs:
            return True
        self.aside = True
        logger.removeHandler(self.handler)
        if logger.level == OURS:  # the level say_notes_on_stderr set, not one the caller chose: theirs again
            logger.setLevel(logging.NOTSET)
        return record.levelno >= logger.getEffectiveLevel()


OURS = logging.INFO - 1  # the level say_notes_on_stderr sets: INFO passes, and a caller's own setLevel(INFO) is told apart


def say_notes_on_stderr() -> None:
    """Install :class:`StderrNotes` on the ``seqlab`` logger (INFO and above), unless logging is configured already."""
    logger = logging.getLogger("seqlab")
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = StderrNotes()
    logger.addHandler(handler)
    logger.addFilter(CallerConfigured(handler))
    if logger.level == logging.NOTSET:
        logger.setLevel(OURS)
