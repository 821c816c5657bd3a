"""``seqlab trace seq2seq TEXT --checkpoint DIR``: a trained Seq2Seq's decoding with its attention weights."""

from __future__ import annotations

from pathlib import Path

from seqlab.training.seq2seq import Seq2SeqPredictor


def run_seq2seq_trace(checkpoint: str | Path, text: str) -> dict:
    (result,) = Seq2SeqPredictor(Path(checkpoint)).predict([text], keep_attention=True)
    return result
