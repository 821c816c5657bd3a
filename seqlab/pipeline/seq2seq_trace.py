"""A Seq2Seq decoding, step by step: what each output token read, where it looked, its decoder state.

Two sources give the same record: the from-scratch :class:`~seqlab.scratch.seq2seq.Seq2Seq` (greedy
decoding, every decoder step kept) and a trained checkpoint (``seqlab train --task seq2seq``).
The attention rows are the α_t the decoder used, not recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from seqlab.display import Displayable


@dataclass(repr=False)  # Displayable's short repr
class Seq2SeqTrace(Displayable):
    """Greedy decoding of one source sequence.

    >>> import numpy as np
    >>> from seqlab.scratch.seq2seq import Seq2Seq
    >>> m = Seq2Seq(src_vocab=6, tgt_vocab=6, embed=4, hidden=4, attention=True, seed=0)
    >>> tr = decode_trace(m, [3, 4], ["가", "나"], [str(i) for i in range(6)], bos_id=1, eos_id=2, max_len=3)
    >>> tr.attention.shape[1], len(tr.output) <= 3
    (2, True)
    """

    source: list[str]  # the source tokens (one row of attention per output token, one column per source token)
    output: list[str]  # the tokens decoded, in order
    attention: np.ndarray | None  # (T_out, S): α_t over the source; None without attention
    cell: str = "gru"
    inputs: list[str] = field(default_factory=list)  # the token each decoder step read (y_{t-1}; <bos> first)
    probability: list[float] = field(default_factory=list)  # softmax probability of each chosen token
    states: np.ndarray | None = None  # (T_out, H): decoder state s_t
    model: str = "scratch Seq2Seq"

    def to_dict(self) -> dict:
        return {"model": self.model, "cell": self.cell, "source": self.source, "output": self.output,
                "inputs": self.inputs, "probability": self.probability,
                "attention": None if self.attention is None else self.attention.tolist(),
                "states": None if self.states is None else self.states.tolist()}


def decode_trace(model, source_ids, source: list[str], vocabulary: list[str], bos_id: int, eos_id: int,
                 max_len: int = 20) -> Seq2SeqTrace:
    """Greedy-decode one source with a scratch :class:`~seqlab.scratch.seq2seq.Seq2Seq`, every step kept.

    Args:
        model: the scratch Seq2Seq.
        source_ids: the source ids (S,).
        source: the source tokens, for the columns.
        vocabulary: target id → token.
        bos_id, eos_id: the target's start and end ids.
        max_len: decoding stops here when no end token came.
    """
    ids, steps = model.greedy_decode(np.asarray([source_ids]), bos_id, eos_id, max_len)
    out = [vocabulary[int(i)] for i in ids[0]]
    read = [vocabulary[bos_id]] + out[:-1]
    probs = [float(s.probs[0, int(i)]) for s, i in zip(steps, ids[0])]
    attention = None if steps[0].attention is None else np.stack([s.attention[0] for s in steps])
    return Seq2SeqTrace(list(source), out, attention, model.cell_kind, read, probs,
                        np.stack([s.state[0] for s in steps]))


def checkpoint_trace(checkpoint, text: str) -> Seq2SeqTrace:
    """A trained Seq2Seq's decoding of ``text`` (``seqlab trace seq2seq --checkpoint DIR``) as a record."""
    from seqlab.training.predictors import seq2seq_attention

    report = seq2seq_attention(checkpoint, text)
    source, output = list(report["source"]), list(report["output"])
    attention = np.asarray(report["attention"], dtype=np.float64) if report.get("attention") else None
    if attention is not None:  # a row per decoded step, a column per source position (the end marker included)
        T, S = attention.shape
        source = source[:S] + ["</s>"] * (S - len(source))
        output = output[:T] + ["</s>"] * (T - len(output))
    return Seq2SeqTrace(source, output, attention, "seq2seq", model=f"checkpoint {checkpoint} "
                        f"({report.get('attention_kind', '')} attention)")
