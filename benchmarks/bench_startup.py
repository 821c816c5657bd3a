"""Start-up time of seqlab commands, whole process, against `python -c 'import transformers'` as the yardstick.

    python benchmarks/bench_startup.py [--runs 7]

Each command runs ``--runs`` times in a fresh process after one warm-up run (the
model conversion and default vocabularies are cached, as on a user's second
run); the median wall time is reported. ``import transformers`` alone is what
any tool built on the Hugging Face stack pays before it does anything.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import machine

TEXT = "안녕하세요, 오늘 날씨가 정말 좋네요"


def wall(cmd: list[str], runs: int) -> list[float]:
    env = {**os.environ, "SEQLAB_LANG": "en"}
    subprocess.run(cmd, capture_output=True, check=True, env=env)  # warm-up: caches, page cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    seqlab = str(Path(sys.executable).parent / "seqlab")
    commands = {
        "python -c 'import transformers'": [sys.executable, "-c", "import transformers"],
        "python -c 'import torch'": [sys.executable, "-c", "import torch"],
        "seqlab --help": [seqlab, "--help"],
        "seqlab tokenize 안녕 (e5-small)": [seqlab, "tokenize", "안녕"],
        "seqlab tokenize 안녕 --model char": [seqlab, "tokenize", "안녕", "--model", "char"],
        f"seqlab explain '{TEXT}'": [seqlab, "explain", TEXT],
    }
    print(f"{machine()} · median of {args.runs} runs after one warm-up, whole process")
    base = None
    for label, cmd in commands.items():
        times = wall(cmd, args.runs)
        median = statistics.median(times)
        base = base or median
        print(f"  {label:48} {median:6.2f} s   (min {min(times):.2f}, max {max(times):.2f})   "
              f"{median / base:5.2f}x import transformers")


if __name__ == "__main__":
    main()
