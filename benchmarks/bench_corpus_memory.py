"""Peak memory of the corpus embedding job on a 1M-line file: bounded, and flat as the file grows.

    python benchmarks/bench_corpus_memory.py [--lines 1000000] [--precision fp32|bf16] [--model e5-small]

Writes a file of NSMC reviews repeated to ``--lines`` lines, runs
``seqlab embed -f FILE --out DIR`` as a child process, and samples the child's
resident memory (VmRSS) every second, printing the peak at each tenth of the work.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import NSMC, machine


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--precision", default="fp32")
    parser.add_argument("--model", default="e5-small")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="seqlab-mem-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.txt"
    reviews = [line.split("\t")[1] for line in NSMC.read_text(encoding="utf-8").splitlines()[1:]]
    with corpus.open("w", encoding="utf-8") as f:
        for i in range(args.lines):
            f.write(reviews[i % len(reviews)] + "\n")
    out = work / "emb"
    exe = Path(sys.executable).parent / "seqlab"
    cmd = [str(exe), "embed", "-f", str(corpus), "--out", str(out), "--model", args.model,
           "--precision", args.precision, "--json"]
    print(f"{machine()} · {args.lines:,} lines ({corpus.stat().st_size / 1e6:.0f} MB) · {' '.join(cmd[1:])}")
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak, marks, next_mark = 0.0, [], 0.1
    while child.poll() is None:
        peak = max(peak, rss_mb(child.pid))
        try:
            rows = json.loads((out / "manifest.json").read_text())["rows"]
        except (OSError, ValueError, KeyError):
            rows = 0
        while rows >= next_mark * args.lines and next_mark <= 1.0:
            marks.append((next_mark, rows, peak, time.perf_counter() - start))
            print(f"  {next_mark:4.0%} done ({rows:,} rows, {time.perf_counter() - start:,.0f} s): peak RSS {peak:,.0f} MB",
                  flush=True)
            next_mark = round(next_mark + 0.1, 1)
        time.sleep(1.0)
    elapsed = time.perf_counter() - start
    print(f"finished with exit code {child.returncode} in {elapsed:,.0f} s ({args.lines / elapsed:,.0f} lines/s); "
          f"peak RSS {peak:,.0f} MB")
    print(child.stdout.read().decode().strip())


if __name__ == "__main__":
    main()
