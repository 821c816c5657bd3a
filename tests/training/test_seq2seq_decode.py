"""Seq2Seq's greedy decoding: :func:`decode`, which decides a whole batch of one source length at each step, against
:func:`decode_one`, the decoder of the lecture written plainly (one text, one step at a time). The models are untrained
(seeded, float64) with their output layer scaled up, so that the logits depend on the input: texts of one length end
at different steps, and the constrained decoder both puts and leaves out spaces (guarded below)."""

import pytest
import torch

from seqlab.ids.vocab import Vocabulary
from seqlab.training.seq2seq import EOS, UNK, decode, decode_one
from seqlab.training.seq2seq_models import MODELS

TEXTS = ["정말재밌게본영화", "배우들의연기가좋았어요", "별로", "최고", "재밌어요ㅋㅋ", "", "정말별로였어요", "좋았어",
         "연기가좋다", "a€b", "최고였어", "별로야", "연기최고", "영화별로"]  # € is in no vocabulary below: copied, not lost


def _vocab():
    chars = sorted({c for t in TEXTS for c in t} - {"€"})
    return Vocabulary.build([[" "], chars])


def _model(attention, cell, vocab, bias=None):
    torch.manual_seed(0)
    model = MODELS[attention](len(vocab), 8, 12, cell).double()
    with torch.no_grad():
        model.out.weight.mul_(4)
        for token, added in (bias or {}).items():  # <eos>: texts end sooner; <unk>: emitted, and drawn as nothing
            model.out.bias[token] += added
    return model


def test_batched_decoding_is_the_one_text_decoder():
    """For both attentions and both cells: constrained; unconstrained, plain, with <eos> likelier, with <unk> likelier.
    The guards at the end check that these cases did what they are here for, somewhere."""
    vocab = _vocab()
    seen = {"spaced": 0, "ended apart": 0, "characters": 0, "silent step": 0}
    for attention in ("monotonic", "additive"):
        for cell in ("lstm", "gru"):
            for constrained, bias in ((True, None), (False, None), (False, {EOS: 1.0}), (False, {UNK: 3.0})):
                model = _model(attention, cell, vocab, bias)
                got = decode(model, vocab, TEXTS, "cpu", constrained=constrained, keep_attention=True)
                want = [decode_one(model, vocab, text, "cpu", constrained) for text in TEXTS]
                for text, (output, alphas), (want_output, want_alphas) in zip(TEXTS, got, want):
                    assert output == want_output, (attention, cell, text, constrained, bias)
                    assert len(alphas) == len(want_alphas)
                    for a, b in zip(alphas, want_alphas):
                        assert a == pytest.approx(b, abs=1e-9)
                outputs = [o for o, _a in want]
                spaces = sum(o.count(" ") for o in outputs)
                seen["spaced"] += constrained and 0 < spaces < sum(max(0, len(t) - 1) for t in TEXTS)
                seen["ended apart"] += len({len(a) for t, (_o, a) in zip(TEXTS, want) if len(t) == 4}) > 1
                seen["characters"] += not constrained and any(o.strip() for o in outputs)
                seen["silent step"] += any(len(a) > len(o) for o, a in ((o, a) for o, a in want))
    assert all(seen.values()), seen


def test_constrained_decoding_keeps_the_characters_and_spaces_only_inside():
    vocab = _vocab()
    outputs = [o for o, _a in decode(_model("monotonic", "lstm", vocab), vocab, TEXTS, "cpu")]
    for text, output in zip(TEXTS, outputs):
        assert output.replace(" ", "") == text  # € included
        assert "  " not in output and output == output.strip()
