"""The README's example outputs, run for real: parsing, running, comparing, and refreshing them.

An example is a fenced block whose first line starts with ``$ seqlab``. Each ``$``
line is a command (expanded by bash, so quotes, ``$(printf ...)`` and trailing
``# comments`` work as they do in a terminal); the lines after it, up to the next
``$`` line, are its output. Commands run in this process from the repository root,
at the width the README shows (``COLUMNS=100``), in English.

Comparison:
- a line ``...`` in the README stands for any number of real lines (an elided part);
- numbers are compared to the precision the README shows (±1.5 in the last digit),
  so a different CPU's last-bit rounding does not fail a line, but a changed id does;
- for a ``--json`` command the README's JSON (which may be wrapped over several lines)
  must be contained in the real output: every key it shows, with the same values.

``python -m tests.readme_examples --update`` rewrites every example with the real
output (elided parts stay elided: the lines before ``...`` and after it are refreshed).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
WIDTH = 100
ELLIPSIS = "..."
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?")


@dataclass
class Example:
    line: int  # 1-based line of the README where the command is
    command: str  # as written after "$ "
    expected: list[str]  # the output lines shown under it


def examples(text: str) -> list[Example]:
    found, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        if lines[i].startswith("```") and i + 1 < len(lines) and lines[i + 1].startswith("$ seqlab"):
            j = i + 1
            while not lines[j].startswith("```"):
                if lines[j].startswith("$ "):
                    found.append(Example(j + 1, lines[j][2:], []))
                else:
                    found[-1].expected.append(lines[j])
                j += 1
            i = j
        i += 1
    return found


def argv(command: str) -> list[str]:
    """The command's arguments as bash would pass them (quotes, $(...), comments)."""
    script = f"set -- {command}\nprintf '%s\\0' \"$@\""
    out = subprocess.run(["bash", "-c", script], capture_output=True, check=True, cwd=ROOT).stdout
    args = out.decode().split("\0")[:-1]
    assert args and args[0] == "seqlab", command
    return args[1:]


def run(command: str) -> tuple[int, str]:
    """Run one README command in this process; returns (exit code, stdout)."""
    from seqlab.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = {k: os.environ.get(k) for k in ("COLUMNS", "LANG", "LC_ALL", "SEQLAB_LANG")}
    os.environ.update(COLUMNS=str(WIDTH), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    os.environ.pop("SEQLAB_LANG", None)
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv(command))
    finally:
        os.chdir(cwd)
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return code, out.getvalue()


def _numbers_match(a: str, b: str) -> bool:
    """Equal to the precision ``a`` (the README) shows."""
    if a == b:
        return True
    clean = lambda s: s.replace(",", "").rstrip("%")
    try:
        x, y = float(clean(a)), float(clean(b))
    except ValueError:
        return False
    if a.endswith("%") != b.endswith("%") or ("." in a) != ("." in b):
        return False
    mantissa = clean(a).lower().split("e")[0]
    digits = len(mantissa.split(".")[1]) if "." in mantissa else 0
    scale = 10 ** int(clean(a).lower().split("e")[1]) if "e" in clean(a).lower() else 1
    return math.isclose(x, y, abs_tol=1.5 * 10**-digits * scale)


def line_matches(expected: str, real: str) -> bool:
    expected, real = expected.rstrip(), real.rstrip()
    if expected == real:
        return True
    if NUMBER.sub("#", expected) != NUMBER.sub("#", real):
        return False
    return all(_numbers_match(a, b) for a, b in zip(NUMBER.findall(expected), NUMBER.findall(real)))


def lines_match(expected: list[str], real: list[str]) -> str | None:
    """None when they match; else a description of the first difference."""
    while expected and not expected[-1].strip():
        expected = expected[:-1]
    while real and not real[-1].strip():
        real = real[:-1]
    if ELLIPSIS in [e.strip() for e in expected]:
        cut = [e.strip() for e in expected].index(ELLIPSIS)
        head, tail = expected[:cut], expected[cut + 1 :]
        if len(real) < len(head) + len(tail):
            return f"README shows {len(head) + len(tail)} lines around '...', the command printed {len(real)}"
        return lines_match(head, real[: len(head)]) or (lines_match(tail, real[len(real) - len(tail) :])
                                                        if tail else None)
    if len(expected) != len(real):
        return f"README shows {len(expected)} lines, the command printed {len(real)}"
    for k, (e, r) in enumerate(zip(expected, real)):
        if not line_matches(e, r):
            return f"line {k + 1}:\n  README: {e}\n  real:   {r}"
    return None


def json_contains(shown, real, path: str = "") -> str | None:
    """None when every key and value the README shows is in the real JSON."""
    if isinstance(shown, dict):
        if not isinstance(real, dict):
            return f"{path}: README shows an object"
        for k, v in shown.items():
            if k not in real:
                return f"{path}.{k}: missing from the real output"
            problem = json_contains(v, real[k], f"{path}.{k}")
            if problem:
                return problem
        return None
    if isinstance(shown, list):
        if not isinstance(real, list) or len(shown) != len(real):
            return f"{path}: README shows {len(shown)} items"
        for i, (a, b) in enumerate(zip(shown, real)):
            problem = json_contains(a, b, f"{path}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(shown, float) and isinstance(real, (int, float)):
        return None if _numbers_match(repr(shown), repr(float(real))) or math.isclose(shown, real, rel_tol=1e-3) \
            else f"{path}: README {shown}, real {real}"
    return None if shown == real else f"{path}: README {shown!r}, real {real!r}"


def compare(example: Example, code: int, out: str) -> str | None:
    if code != 0:
        return f"exit code {code}"
    if "--json" in example.command.split("#")[0].split():
        shown, real = "".join(e.strip() for e in example.expected), out.strip().split("\n")
        docs = [json.loads(x) for x in real if x.strip()]
        return json_contains(json.loads(shown), docs[0] if len(docs) == 1 else docs)
    return lines_match(example.expected, out.split("\n"))


def update() -> int:
    """Rewrite every example's output with the real one (keeping '...' elisions and wrapped JSON as written)."""
    lines = README.read_text(encoding="utf-8").split("\n")
    for example in reversed(examples("\n".join(lines))):
        code, out = run(example.command)
        if code != 0:
            print(f"README line {example.line}: `{example.command}` exited {code}", file=sys.stderr)
            continue
        if "--json" in example.command.split("#")[0].split() or compare(example, code, out) is None:
            continue
        real = [line.rstrip() for line in out.rstrip("\n").split("\n")]
        stripped = [e.strip() for e in example.expected]
        if ELLIPSIS in stripped:
            cut = stripped.index(ELLIPSIS)
            tail = len(example.expected) - cut - 1
            real = real[:cut] + [ELLIPSIS] + (real[len(real) - tail :] if tail else [])
        start = example.line  # the output starts on the line after the command (0-based: example.line)
        lines[start : start + len(example.expected)] = real
        print(f"README line {example.line}: refreshed `{example.command}`")
    README.write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.readme_examples --update")
    sys.exit(update())
