"""``seqlab data nsmc``: the official NSMC files, downloaded once when the network allows.

Offline (or when the download fails) it says where to put the files instead;
it never hangs: every connection has a timeout.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.storage import atomic_write_bytes, seqlab_home

BASE = "https://raw.githubusercontent.com/e9t/nsmc/master/"
FILES = ("ratings_train.txt", "ratings_test.txt")


def nsmc_dir() -> Path:
    return seqlab_home() / "data" / "nsmc"


def fetch_nsmc(timeout: float = 15.0, base: str = BASE) -> dict[str, Path]:
    """Download the files that are not cached yet; returns their paths."""
    target = nsmc_dir()
    paths = {}
    for name in FILES:
        path = target / name
        if not path.exists():
            try:
                with urllib.request.urlopen(base + name, timeout=timeout) as response:
                    data = response.read()
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise InputError(
                    _("cannot download NSMC's {name} from {base} ({reason})").format(name=name, base=base,
                                                                                     reason=reason),
                    _("Download {files} from https://github.com/e9t/nsmc yourself and put them in {target}, or train "
                      "on any TSV with id/document/label columns: seqlab train --data FILE ...").format(files=', '.join(FILES), target=target),
                ) from None
            if not data.startswith(b"id\tdocument\tlabel"):
                raise InputError(_("the downloaded {name} is not in NSMC's format (id, document, label)")
                                 .format(name=name))
            atomic_write_bytes(path, data)
        paths[name] = path
    return paths
