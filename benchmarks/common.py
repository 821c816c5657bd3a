"""Shared helpers for the benchmark scripts: data loading and timing (best of N runs)."""

from __future__ import annotations

import csv
import os
import platform
import time
from pathlib import Path

NSMC = Path(os.environ.get("SEQLAB_NSMC", Path(__file__).resolve().parents[2] / "shared/data/nsmc/train.tsv"))


def nsmc_texts(n: int) -> list[str]:
    with open(NSMC, encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        return [r[1] for _, r in zip(range(n), rows)]


def best_of(fn, repeat: int = 3) -> float:
    """Best wall-clock seconds over ``repeat`` runs (less noise from the shared machine)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
