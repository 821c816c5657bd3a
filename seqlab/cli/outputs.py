"""Where a command writes: its output files and folders checked up front (never replaced in silence), the backups
of what they replace, and what an interrupt loses or keeps."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from seqlab.errors import UsageError
from seqlab.i18n import N_, _


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(option: str, path: Path | None, inputs: Iterable[Path | str] = (), directory: bool = False,
                 fresh: bool = False, notes: bool = True) -> Path | None:
    """Up-front checks of a path a command will write, made before any work, the same way in every command.

    - it is not one of the command's inputs (writing would destroy what the user gave);
    - a file is not written over a directory, nor a directory over a file;
    - with ``fresh``, a directory must be absent or empty (the command replaces what is in it);
    - the nearest existing folder above it can be written to.
    The first three are usage errors (exit 2), the last an environment error (exit 1). An existing file is
    replaced (folders of runs never are): a note says so before the work starts.
    """
    from seqlab.errors import InputError

    if path is None:
        return None
    path = Path(path)
    for source in inputs:
        if str(source) != "-" and _same_file(path, Path(source)):
            raise UsageError(_("{option} {path} is the input file itself").format(option=option, path=path),
                             _("Write to another path; the input would be lost."))
    if directory and path.exists() and not path.is_dir():
        raise UsageError(_("{option} {path} is a file, and this command writes a folder").format(option=option,
                                                                                                 path=path),
                         _("Give a new folder name."))
    if not directory and path.is_dir():
        raise UsageError(_("{option} {path} is a folder, and this command writes a file").format(option=option,
                                                                                                 path=path),
                         _("Give a file name."))
    if fresh and path.is_dir() and any(path.iterdir()):
        raise UsageError(_("{option} {path} is a folder that is not empty; its contents would be replaced").format(
            option=option, path=path), _("Give a new or empty folder, or move that one aside."))
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK) or not _can_create_in(parent):
        raise InputError(_("cannot write {path}: {folder} is not a writable folder").format(path=path, folder=parent),
                         _("Choose a path in a folder you can write to."))
    if not notes:  # the caller says them once the rest of its input holds up
        return path
    if not path.absolute().parent.exists():  # made for the file (or the folder) as it is written: said first
        from seqlab.render.console import note

        note(_("note: the folder {folder} does not exist; it will be created").format(folder=path.parent))
    if not directory and path.is_file():  # a file is replaced (in one rename, when the work is done): said first,
        keep_aside(option, path)  # and kept aside, so that a mistyped -o loses nothing
    return path


def keep_aside(option: str, path: Path) -> None:
    """An output file that the work will replace, held aside and said: kept as ``NAME.bak`` once it is replaced."""
    from seqlab.render.console import note
    from seqlab.storage import hold_aside

    backup = hold_aside(path)
    BACKUPS.append(backup)  # settled when the command ends (cli.main): kept only if the output replaced the file
    note(_("note: {option} {path} exists; it will be replaced when the work is done (the old one is kept as "
           "{backup})").format(option=option, path=path, backup=backup.backup.name))


def _can_create_in(folder: Path) -> bool:
    """Whether a file can be made in ``folder``, tried for real: os.access says yes to root on /proc, where the work
    would fail only at its end, when it saves (a full disk still lets an empty file be made: not caught here).
    The probe is an unnamed file (O_TMPFILE on Linux; elsewhere it is unlinked as soon as it is made), so a crash
    leaves nothing behind in the user's folder."""
    import tempfile

    try:
        tempfile.TemporaryFile(dir=folder, prefix=".seqlab-probe-").close()
    except OSError:
        return False
    return True


def check_plot(path: Path | None, option: str = "--plot", notes: bool = True) -> Path | None:
    """``--plot FILE``: a .png or .html file that can be written; checked before any work (exit 2 otherwise).
    ``notes=False``: check only, and say nothing yet about a folder to create or a file to replace."""
    from seqlab.render.plots import PLOT_SUFFIXES

    if path is None:
        return None
    if not Path(path).is_dir():  # a folder is named as a folder (check_output), as in every command
        check_suffix(option, path, PLOT_SUFFIXES, "plot.png")
    return check_output(option, path, notes=notes)


def check_suffix(option: str, path: Path | None, suffixes: Iterable[str], example: str) -> Path | None:
    """A file whose name must say its format (``--plot x.png``, ``--html page.html``): any other is a usage error."""
    if path is not None and Path(path).suffix.lower() not in suffixes:
        raise UsageError(_("{option} {path}: the file name must end in {suffixes}").format(
            option=option, path=path, suffixes=", ".join(suffixes)), _("e.g. {option} {example}").format(
            option=option, example=example))
    return path


BACKUPS: list = []  # the storage.Backup of each output file that exists, settled when the command ends (cli.main)
ON_INTERRUPT: list[str] = []  # what a command says if Ctrl-C stops it now (the last one set wins); see cli.main
# what a command that writes its output whole at the end (vocab build, tokenizer train, wordvec train) says
NOTHING_WRITTEN = N_("nothing was written: run the command again.")


def written(path) -> None:
    """After the output is in place: an interrupt now (while the summary prints) loses nothing, and is said so."""
    on_interrupt(_("{path} was written before the interrupt.").format(path=path))


INTERRUPT_DETAIL: dict = {}  # what an interrupted command's one --json object carries besides the note (see cli.main)


def on_interrupt(note: str) -> None:
    """Say ``note`` (what is lost or kept) if Ctrl-C stops the work that starts now: a message id (``N_``), translated
    when it is said, or a message already translated and filled in. Said again (after every part of a long job), it is
    kept once."""
    if not ON_INTERRUPT or ON_INTERRUPT[-1] != note:
        ON_INTERRUPT.append(note)
