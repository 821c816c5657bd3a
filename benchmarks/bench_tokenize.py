"""Batch tokenization: seqlab against calling Hugging Face directly, on the same NSMC reviews.

    python benchmarks/bench_tokenize.py [--n 50000] [--repeat 3]

For each model, in one run: the transformers tokenizer call a user would write
(``tok(texts, padding=True, truncation=True, max_length=128, return_tensors="np")``),
the raw Rust backend (``tokenizers.Tokenizer.encode_batch``), and seqlab's
``Tokenizer.batch`` with the same settings; plus Kiwi over the corpus.
"""

from __future__ import annotations

import argparse

from common import best_of, machine, nsmc_texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from tokenizers import Tokenizer as Backend

    from seqlab.pretrained.loading import load_tokenizer
    from seqlab.tokens.kiwi import kiwi_instance

    texts = nsmc_texts(args.n)
    print(f"{len(texts):,} NSMC reviews · {machine()} · best of {args.repeat}")
    print(f"{'model':10} {'path':34} {'texts/s':>10} {'ratio':>7}")
    from transformers import AutoTokenizer

    from seqlab.pretrained.install import hf_directory
    from seqlab.pretrained.registry import resolve

    for name in ("e5-small", "minilm"):
        seq = load_tokenizer(name)
        hf = AutoTokenizer.from_pretrained(hf_directory(resolve(name)))  # what a user of transformers calls
        raw = Backend.from_str(hf.backend_tokenizer.to_str())
        raw.enable_truncation(128)
        raw.enable_padding(pad_id=hf.pad_token_id, pad_token=hf.pad_token)
        seq.batch(texts[:100], max_length=128)  # warm the configured backend
        t_hf = best_of(lambda: hf(texts, padding=True, truncation=True, max_length=128, return_tensors="np"),
                       args.repeat)
        t_raw = best_of(lambda: raw.encode_batch(texts), args.repeat)
        t_seq = best_of(lambda: seq.batch(texts, padding="longest", max_length=128), args.repeat)
        for label, t in (("transformers tok(texts, ...)", t_hf), ("tokenizers encode_batch (raw)", t_raw),
                         ("seqlab Tokenizer.batch", t_seq)):
            print(f"{name:10} {label:34} {len(texts) / t:10,.0f} {t_hf / t:7.2f}x")
        print(f"{name:10} seqlab / transformers = {t_hf / t_seq:.2f}x, seqlab / raw backend = {t_raw / t_seq:.2f}x")

    kiwi = kiwi_instance()
    seq_kiwi = load_tokenizer("kiwi")
    sub = texts[: min(len(texts), 20_000)]
    t_raw = best_of(lambda: list(kiwi.tokenize(sub)), 1)
    t_seq = best_of(lambda: seq_kiwi.batch(sub), 1)
    print(f"{'kiwi':10} {'kiwipiepy Kiwi.tokenize(list)':34} {len(sub) / t_raw:10,.0f} {1:7.2f}x")
    print(f"{'kiwi':10} {'seqlab Tokenizer.batch (+vocab ids)':34} {len(sub) / t_seq:10,.0f} {t_raw / t_seq:7.2f}x")


if __name__ == "__main__":
    main()
