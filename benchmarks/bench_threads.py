"""Torch threads on a busy machine: the default BiLSTM classifier's training steps per second with 1 and 2 threads,
on the idle machine and beside busy processes (``while True: pass``, one per core).

    python benchmarks/bench_threads.py [--steps 25] [--hogs 2]

With every core busy, torch's threads wait for each other at each operation, and two threads train slower than
one: what ``seqlab train --threads`` is for (and why train says so when the load average is high).
Batch 128 of 40 synthetic token ids, vocabulary 30,000, the classifier's default settings.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import torch

from seqlab.training.networks import RecurrentClassifier, RecurrentConfig


def steps_per_second(threads: int, steps: int) -> float:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = RecurrentClassifier(RecurrentConfig(vocab_size=30_000))
    optimizer = torch.optim.AdamW(model.parameters(), 1e-3)
    ids, lengths = torch.randint(1, 30_000, (128, 40)), torch.randint(5, 41, (128,))
    labels = torch.randint(0, 2, (128,))
    for k in range(steps + 3):  # three warm-up steps
        if k == 3:
            start = time.perf_counter()
        loss = torch.nn.functional.cross_entropy(model(ids, lengths), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--hogs", type=int, default=os.cpu_count() or 2, help="busy processes (default: one per core)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, torch {torch.__version__}, load before: {os.getloadavg()[0]:.2f}")
    for label, hogs in (("idle", 0), (f"beside {args.hogs} busy processes", args.hogs)):
        procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(hogs)]
        try:
            time.sleep(0.5)
            rates = {threads: steps_per_second(threads, args.steps) for threads in (1, 2)}
        finally:
            for p in procs:
                p.kill()
        print(f"{label:32s} 1 thread {rates[1]:5.2f} steps/s · 2 threads {rates[2]:5.2f} steps/s "
              f"· ratio 1/2 {rates[1] / rates[2]:.2f}")


if __name__ == "__main__":
    main()
