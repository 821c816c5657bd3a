"""Where seqlab keeps files, and how it writes them so that nothing is ever half-written.

Every file seqlab produces goes through :func:`atomic_write_bytes` (write to a
temporary file in the same folder, fsync, then ``os.replace``), and every
directory through :func:`atomic_directory`. A process killed at any moment
leaves either the old state or the new one, never a partial file that loads.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def seqlab_home() -> Path:
    """The cache directory: ``$SEQLAB_HOME``, default ``~/.cache/seqlab``."""
    env = os.environ.get("SEQLAB_HOME")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "seqlab"


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file's bytes, read in 1 MB chunks (any size, flat memory).

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; not supported on every filesystem.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno is not None:  # name the user's path, not the temporary file
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    _fsync_dir(path.parent)
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as pretty UTF-8 JSON (Hangul kept readable) atomically."""
    return atomic_write_text(path, json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


@dataclass
class Backup:
    """The file an output will replace, held aside until the command ends: :meth:`settle` keeps it as
    ``NAME.bak`` once the output has replaced it, and drops it when the work stopped first (the file is then still
    where it was, and an older ``NAME.bak`` is left alone). ``wordvec train -f s.txt -o x.txt`` replaced a corpus
    x.txt for good; and a failed run must not replace the user's last backup with a second copy of the same file."""

    path: Path  # the output file, as it is now
    backup: Path  # NAME.bak (or NAME.bak.1, …: the first free name): where the old file is to be kept
    held: Path  # .NAME.bak.tmp-PID: a hard link to the old file (a copy where links are not possible)
    identity: tuple[int, int, int]  # (device, inode, mtime in ns) of the file now: changed once it is replaced

    def replaced(self) -> bool:
        try:
            now = self.path.stat()
        except FileNotFoundError:
            return False  # nothing stands in its place: the old file is lost only if the command removed it
        return (now.st_dev, now.st_ino, now.st_mtime_ns) != self.identity

    def settle(self) -> Path | None:
        """Where the old file was kept, if the output replaced it (``backup``, or the next free name when another
        run took that one meanwhile), else None; the held copy is removed either way."""
        try:
            return claim_backup(self.held, self.path) if self.replaced() else None
        finally:
            self.held.unlink(missing_ok=True)


def free_backup_name(path: Path) -> Path:
    """``NAME.bak``, or ``NAME.bak.1``, ``NAME.bak.2``, … when it is taken: an earlier backup (or the user's own file
    of that name) is never overwritten (a second run replaced the first run's NAME.bak, the user's file, unsaid)."""
    backup = path.with_name(path.name + ".bak")
    n = 0
    while backup.exists() or backup.is_symlink():
        n += 1
        backup = path.with_name(f"{path.name}.bak.{n}")
    return backup


def claim_backup(held: Path, path: Path) -> Path:
    """Keep ``held`` (the old content of ``path``) under the first free ``NAME.bak[.n]``, claimed atomically: a hard
    link fails on a name that another run took since it was found free, and the next one is tried."""
    while True:
        backup = free_backup_name(path)
        try:
            os.link(held, backup)
        except FileExistsError:
            continue  # taken since it was found free: the next one
        except OSError:  # no hard links here (some file systems): a rename to the name free now
            os.replace(held, backup)
            return backup
        held.unlink(missing_ok=True)
        return backup


def hold_aside(path: Path) -> Backup:
    """Hold the file at ``path`` aside before an output replaces it (the atomic writers' final rename leaves the
    hard link holding the old content); :meth:`Backup.settle` decides, when the command ends, whether it is kept.

    Each process holds its own copy (``.NAME.bak.tmp-PID``): two runs on one output each keep the file they replaced.
    A copy left by a run killed after its output replaced the file holds the only old content: it is kept now."""
    stat = path.stat()
    left = [*path.parent.glob(f".{glob.escape(path.name)}.bak.tmp-*"), path.with_name(f".{path.name}.bak.seqlab-tmp")]
    for other in left:  # (the second name: a copy held by an earlier version of seqlab)
        if other.exists() and not _owner_alive(other.name):
            if os.path.samefile(other, path):
                other.unlink(missing_ok=True)  # the file was not replaced: nothing to keep
            else:
                claim_backup(other, path)
    held = path.with_name(f".{path.name}.bak.tmp-{os.getpid()}")
    held.unlink(missing_ok=True)
    try:
        os.link(path, held)
    except OSError:
        shutil.copy2(path, held)
    return Backup(path, free_backup_name(path), held, (stat.st_dev, stat.st_ino, stat.st_mtime_ns))


def remove_temporaries(directory: str | os.PathLike) -> int:
    """Delete the ``.NAME.*.tmp`` files that :func:`atomic_write_bytes` left in ``directory`` when a process
    was killed mid-write; returns how many. Call it only where one writer owns the folder (a resumed job)."""
    removed = 0
    for path in Path(directory).glob(".*.tmp"):
        if path.is_file():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
    return removed


def _owner_alive(name: str) -> bool:
    """Whether the process that made a ``.NAME.tmp-PID-...`` folder still runs."""
    try:
        pid = int(name.rsplit(".tmp-", 1)[1].split("-")[0])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def exclusive(target: str | os.PathLike) -> Iterator[None]:
    """Hold a lock on ``target`` (a sibling ``.NAME.lock`` file) against other processes that build it, so that two
    of them do not build the same file at once (the second waits, then finds it built)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def atomic_directory(target: str | os.PathLike) -> Iterator[Path]:
    """Build a directory under a temporary name and move it into place at the end.

    The body fills the yielded folder. On success it replaces ``target`` (an old
    version is moved aside first and deleted after); on any exception, including
    KeyboardInterrupt, the temporary folder is removed and ``target`` is untouched.
    A process killed with SIGKILL leaves only a ``.tmp-*`` sibling, which never
    loads as the target and is cleaned by the next build.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.tmp-*"):
        if not _owner_alive(stale.name):  # left by a killed process; another live writer keeps its own
            shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_UMASK)
    try:
        yield tmp
        _fsync_dir(tmp)
        old = None
        if target.exists():
            old = target.parent / f".{target.name}.tmp-{os.getpid()}-old"
            os.replace(target, old)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
