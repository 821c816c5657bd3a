"""Seq2Seq greedy decoding: the batched decoder against the one-text decoder, in the same run.

    python benchmarks/bench_seq2seq_decode.py [--texts 512]

``decode`` (each step decides for a batch of one source length at once) against ``decode_one`` called for each text
(the lecture's decoder, step by step), on NSMC reviews with their spaces removed (at most 60 characters, as the
spacing model is trained on), with an untrained model of the default size (the decoding work does not depend on the
weights; the outputs of both are checked equal). One PyTorch thread, as seqlab trains it. Best of 3.
"""

from __future__ import annotations

import argparse

import torch
from common import best_of, machine, nsmc_texts

from seqlab.training.seq2seq import Seq2SeqConfig, build_model, char_vocab, decode, decode_one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=512)
    args = parser.parse_args()
    if args.texts < 1:
        parser.error(f"--texts must be at least 1, got {args.texts}")
    torch.set_num_threads(1)
    reviews = [t.replace(" ", "")[:60] for t in nsmc_texts(args.texts * 2)]
    sources = [s for s in reviews if s][: args.texts]
    vocab = char_vocab(reviews)
    torch.manual_seed(0)
    cfg = Seq2SeqConfig()
    model = build_model(cfg, len(vocab))
    batched = decode(model, vocab, sources, "cpu")
    one = [decode_one(model, vocab, s, "cpu") for s in sources]
    assert [o for o, _a in batched] == [o for o, _a in one], "the two decoders disagree"
    lengths = len({len(s) for s in sources})
    t_batched = best_of(lambda: decode(model, vocab, sources, "cpu"))
    t_one = best_of(lambda: [decode_one(model, vocab, s, "cpu") for s in sources])
    print(f"{machine()} · torch {torch.__version__}, 1 thread · {len(sources)} NSMC reviews without spaces, "
          f"{lengths} lengths · {cfg.cell} encoder-decoder, {cfg.attention} attention, hidden {cfg.hidden}")
    print(f"  decode (a batch per length)   {t_batched:7.2f} s  {len(sources) / t_batched:7.1f} texts/s")
    print(f"  decode_one for each text      {t_one:7.2f} s  {len(sources) / t_one:7.1f} texts/s")
    print(f"  batched / one by one: {t_one / t_batched:.1f}x faster")


if __name__ == "__main__":
    main()
