"""Seq2Seq's greedy decoding (seqlab.training.seq2seq.decode), which decides a whole batch of one source length at
each step, against the decoder of the lecture written plainly: one text at a time, one step at a time. The models
are untrained (seeded, float64); a raised space logit makes both choices of the constrained decoder happen."""

import pytest
import torch

from seqlab.ids.vocab import Vocabulary
from seqlab.training.seq2seq import BOS, EOS, PAD, UNK, decode
from seqlab.training.seq2seq_models import MODELS

TEXTS = ["정말재밌게본영화", "배우들의연기가좋았어요", "별로", "최고", "재밌어요ㅋㅋ", "", "정말별로였어요", "좋았어",
         "연기가좋다", "a€b"]  # € is in no vocabulary below: it is copied, not lost


def _vocab():
    chars = sorted({c for t in TEXTS for c in t} - {"€"})
    return Vocabulary.build([[" "], chars])


def _model(attention, cell, vocab):
    torch.manual_seed(3)
    model = MODELS[attention](len(vocab), 8, 12, cell).double()
    with torch.no_grad():
        model.out.bias[vocab.stoi[" "]] += 1.5
    return model


@torch.no_grad()
def _one_by_one(model, vocab, text, constrained):
    """Greedy decoding of one text: at step j, feed y_(j-1) and p_j, take the best allowed next output."""
    if not text:
        return "", []
    space, S = vocab.stoi[" "], len(text)
    src = torch.tensor([vocab.encode(list(text))])
    memory = model.encode(src)
    state, prev, p, out, attention = memory["state"], BOS, 0, [], []
    for _j in range(2 * S + 2):
        logits, state, alpha = model.step(torch.tensor([prev]), torch.tensor([min(p, S - 1)]), state, memory)
        logits = logits[0]
        if constrained:
            nxt = int(src[0, p]) if p < S else EOS
            pick = space if 0 < p < S and prev != space and logits[space] > logits[nxt] else nxt
        else:
            pick = int(logits.argmax())
        if pick == EOS:
            break
        if pick == space:
            out.append(" ")
        else:  # the source's character, or the vocabulary's (nothing for <pad>, <unk> and <bos>)
            out.append(text[p] if constrained else "" if pick in (PAD, UNK, BOS) else vocab.tokens[pick])
        attention.append(alpha[0].numpy())
        p += pick != space
        prev = pick
    return "".join(out), attention


@pytest.mark.parametrize("attention", ["monotonic", "additive"])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_batched_decoding_is_the_one_text_decoder(attention, cell):
    vocab = _vocab()
    model = _model(attention, cell, vocab)
    batch = TEXTS + ["최고였어", "별로야"]  # lengths shared by several texts: a batch of more than one
    for constrained in (True, False):
        got = decode(model, vocab, batch, "cpu", constrained=constrained, keep_attention=True)
        for text, (output, alphas) in zip(batch, got):
            want, want_alphas = _one_by_one(model, vocab, text, constrained)
            assert output == want, (text, constrained)
            assert len(alphas) == len(want_alphas)
            for a, b in zip(alphas, want_alphas):
                assert a == pytest.approx(b, abs=1e-9)


def test_constrained_decoding_keeps_the_characters_and_spaces_only_inside():
    vocab = _vocab()
    outputs = [o for o, _a in decode(_model("monotonic", "lstm", vocab), vocab, TEXTS, "cpu")]
    assert sum(o.count(" ") for o in outputs) > 0  # the test sees spaces put in
    for text, output in zip(TEXTS, outputs):
        assert output.replace(" ", "") == text  # € included
        assert "  " not in output and output == output.strip()
