"""Print pip's index settings as uv options, so that `uv pip install` finds packages where pip would.

uv does not read pip's configuration (pip.conf, PIP_* variables). The Makefile installs with uv, which is 3-4×
faster than pip here (docs/benchmarks.md, Set-up), and passes it what this prints: every --index-url,
--extra-index-url, --find-links and --constraint that `pip config list` shows, plus pip's way of choosing among
indexes (the best version from any of them: uv's "unsafe-best-match"). With no pip configuration it prints only
that, and uv uses PyPI as pip would.

Run with the venv's python: ``.venv/bin/python scripts/uv_index_args.py``.
"""

from __future__ import annotations

import shlex
import subprocess
import sys

# pip option (as `pip config list` names it) -> uv option; pip allows several values, space-separated
OPTIONS = {
    "cert": "--native-tls",  # pip trusts a CA bundle (a proxy's, the system's): uv then uses the system's store
    "index-url": "--index-url",
    "extra-index-url": "--extra-index-url",
    "find-links": "--find-links",
    "constraint": "--constraint",
}


# where a value comes from -> its precedence in pip: a PIP_* variable beats the [install] section beats [global]
RANK = {":env:": 3, "install": 2, "global": 1}


def pip_settings(listing: str | None = None) -> dict[str, list[str]]:
    """The values pip would use, from its configuration files and PIP_* variables (`pip config list`)."""
    if listing is None:
        listing = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True,
                                 check=False).stdout
    found: dict[str, tuple[int, list[str]]] = {}
    for line in listing.splitlines():
        key, sep, value = line.partition("=")
        section, _, name = key.rpartition(".")  # "global.find-links", ":env:.find-links", "install.constraint"
        rank = RANK.get(section)
        if not sep or name not in OPTIONS or rank is None:
            continue
        values = [v for part in shlex.split(value) for v in part.split()]  # printed quoted: 'file:///a file:///b'
        if name not in found or rank > found[name][0]:
            found[name] = (rank, list(dict.fromkeys(values)))
    return {name: values for name, (_, values) in found.items()}


def uv_args(settings: dict[str, list[str]]) -> list[str]:
    args = ["--index-strategy", "unsafe-best-match"]
    for name, option in OPTIONS.items():
        values = settings.get(name, [])
        if name == "cert":
            args += [option] if values else []
            continue
        if name == "index-url":
            values = values[-1:]  # one default index
        for value in values:
            args += [option, value]
    return args


if __name__ == "__main__":
    print(shlex.join(uv_args(pip_settings())))
