"""e5-small's token-level forward (what /api/embed, /api/similarity and `seqlab embed` run): torch against
ONNX Runtime for the encoder layers, on the same NSMC reviews, in one run.

    python benchmarks/bench_onnx.py [--n 200] [--threads 1] [--batch 8]

Both rows are :meth:`seqlab.vectors.encoder.Encoder.embed_records` on the same records
(``query: `` + review, as the web app sends them): once with the HF model in torch,
once after ``use_onnx()`` (the embeddings in torch, the 12 layers in ONNX Runtime). Prints
the median and p95 milliseconds per request of one text, the time per text in batches of
``--batch`` (sorted by length, as the web app's batcher runs them), the ratio, and the
largest difference between the two engines' hidden states. ``--threads`` is torch's and
ONNX Runtime's threads per forward (the web server uses 1). The export itself (first use)
is timed apart.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import machine, nsmc_texts


def per_text(encoder, records) -> np.ndarray:
    times = []
    for record in records:
        t0 = time.perf_counter()
        encoder.embed_records([record], pooling="mean", normalize=True)
        times.append(time.perf_counter() - t0)
    return np.array(times) * 1000


def batched(encoder, records, size: int) -> float:
    ordered = sorted(records, key=lambda r: len(r.input_ids))
    t0 = time.perf_counter()
    out = []
    for start in range(0, len(ordered), size):
        out += encoder.embed_records(ordered[start:start + size], pooling="mean", normalize=True)
    return (time.perf_counter() - t0) * 1000 / len(records)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=8)
    args = parser.parse_args()
    import torch

    from seqlab.vectors.encoder import Encoder, window_records

    torch.set_num_threads(args.threads)
    records = window_records("e5-small", nsmc_texts(args.n), prefix="query: ")
    lengths = [len(r.input_ids) for r in records]
    encoder = Encoder("e5-small")
    per_text(encoder, records[:10])  # warm-up
    torch_times = per_text(encoder, records)
    torch_batched = batched(encoder, records, args.batch)
    want = encoder.embed_records(records)
    t0 = time.perf_counter()
    encoder.use_onnx()
    ready = time.perf_counter() - t0
    per_text(encoder, records[:10])
    onnx_times = per_text(encoder, records)
    onnx_batched = batched(encoder, records, args.batch)
    got = encoder.embed_records(records)
    diff = max(float(np.abs(a.hidden - b.hidden).max()) for a, b in zip(want, got))

    print(f"{machine()} · {args.threads} thread(s) per forward · torch {torch.__version__} "
          f"({torch.backends.cpu.get_cpu_capability()}), onnxruntime {__import__('onnxruntime').__version__}")
    print(f"{args.n} NSMC reviews as queries: median {int(np.median(lengths))} tokens, p95 "
          f"{int(np.percentile(lengths, 95))}; use_onnx() took {ready:.1f} s (an export, or the cached file)")
    print(f"{'':22}{'p50 ms':>9}{'p95 ms':>9}{f'batch {args.batch}, ms/text':>22}")
    for name, times, batch in (("torch (HF model)", torch_times, torch_batched),
                               ("ONNX Runtime layers", onnx_times, onnx_batched)):
        print(f"{name:22}{np.median(times):9.1f}{np.percentile(times, 95):9.1f}{batch:22.1f}")
    print(f"ratio torch / ONNX Runtime: {np.median(torch_times) / np.median(onnx_times):.2f}x one text (p50), "
          f"{torch_batched / onnx_batched:.2f}x batched; largest |difference| of the hidden states {diff:.1e}")


if __name__ == "__main__":
    main()
