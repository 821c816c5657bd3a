"""Scratch Seq2Seq (teacher forcing, attention) against the same model written with torch autograd."""

import numpy as np
import pytest
import torch

from seqlab.scratch import Seq2Seq, gradcheck


def torch_loss(m: Seq2Seq, src, tgt_in, tgt_out, src_mask):
    """The same computation with torch modules sharing m's weights; returns (loss, name -> tensor)."""
    p = {k: torch.tensor(v, requires_grad=True) for k, v in m.params.items()}
    H = m.hidden
    enc_cls = torch.nn.GRU if m.cell_kind == "gru" else torch.nn.LSTM
    E = p["encoder.embedding.weight"].shape[1]
    enc = enc_cls(E, H, batch_first=True).double()
    for name, param in enc.named_parameters():
        param.data = p[f"encoder.rnn.{name}"]
    x = p["encoder.embedding.weight"][torch.from_numpy(src)]
    # functional call keeps autograd to our leaf tensors
    out, state = torch.func.functional_call(enc, {n: p[f"encoder.rnn.{n}"] for n, _ in enc.named_parameters()}, (x,))
    cell_cls = torch.nn.GRUCell if m.cell_kind == "gru" else torch.nn.LSTMCell
    dec_in = p["decoder.cell.weight_ih"].shape[1]
    cell = cell_cls(dec_in, H).double()
    cell_params = {"weight_ih": p["decoder.cell.weight_ih"], "weight_hh": p["decoder.cell.weight_hh"],
                   "bias_ih": p["decoder.cell.bias_ih"], "bias_hh": p["decoder.cell.bias_hh"]}
    s = (state[0][0], state[1][0]) if m.cell_kind == "lstm" else state[0]
    mask = torch.from_numpy(src_mask)
    losses, count = [], 0
    for t in range(tgt_in.shape[1]):
        h_prev = s[0] if m.cell_kind == "lstm" else s
        emb = p["decoder.embedding.weight"][torch.from_numpy(tgt_in[:, t])]
        if m.attention:
            e = torch.tanh((h_prev @ p["decoder.attention.W_q"].T)[:, None, :] + out @ p["decoder.attention.W_k"].T)
            scores = (e @ p["decoder.attention.v"]).masked_fill(~mask, float("-inf"))
            alpha = torch.softmax(scores, dim=1)
            ctx = (alpha[:, :, None] * out).sum(1)
            inp = torch.cat([emb, ctx], 1)
        else:
            inp = emb
        s = torch.func.functional_call(cell, cell_params, (inp, s))
        h = s[0] if m.cell_kind == "lstm" else s
        feats = torch.cat([h, ctx], 1) if m.attention else h
        logits = feats @ p["decoder.out.weight"].T + p["decoder.out.bias"]
        target = torch.from_numpy(tgt_out[:, t])
        keep = target != m.pad_id
        losses.append(torch.nn.functional.cross_entropy(logits, target, reduction="none")[keep].sum())
        count += int(keep.sum())
    return sum(losses) / count, p


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("attention", [True, False])
def test_loss_and_gradients_equal_torch(cell, attention):
    m = Seq2Seq(src_vocab=11, tgt_vocab=9, embed=5, hidden=6, cell=cell, attention=attention, seed=4)
    rng = np.random.default_rng(7)
    src = rng.integers(1, 11, size=(3, 5))
    src_mask = np.ones_like(src, dtype=bool)
    src_mask[2, 3:] = False  # attention ignores these positions
    tgt_in = rng.integers(1, 9, size=(3, 4))
    tgt_out = rng.integers(1, 9, size=(3, 4))
    tgt_out[1, 2:] = 0  # padded targets do not count
    ours = m.forward(src, tgt_in, tgt_out, src_mask)
    grads = m.backward()
    loss, p = torch_loss(m, src, tgt_in, tgt_out, src_mask)
    loss.backward()
    assert abs(ours - loss.item()) <= 1e-9
    for name, tensor in p.items():
        np.testing.assert_allclose(grads[name], tensor.grad.numpy(), atol=1e-9, rtol=0, err_msg=name)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_seq2seq_gradcheck(cell):
    m = Seq2Seq(src_vocab=7, tgt_vocab=6, embed=3, hidden=4, cell=cell, attention=True, seed=2)
    src, tgt_in, tgt_out = np.array([[1, 2, 3]]), np.array([[1, 4, 5]]), np.array([[4, 5, 2]])
    m.forward(src, tgt_in, tgt_out)
    grads = m.backward()
    results = gradcheck(lambda: m.forward(src, tgt_in, tgt_out), m.params, grads, samples=12)
    assert all(r.ok for r in results), [r for r in results if not r.ok]


def test_training_learns_to_copy_and_greedy_decoding_with_attention():
    m = Seq2Seq(src_vocab=8, tgt_vocab=8, embed=8, hidden=16, cell="gru", attention=True, seed=0)
    rng = np.random.default_rng(0)
    bos, eos = 1, 2
    lr = 0.5
    for _ in range(300):
        src = rng.integers(3, 8, size=(16, 4))
        tgt_in = np.concatenate([np.full((16, 1), bos), src], axis=1)
        tgt_out = np.concatenate([src, np.full((16, 1), eos)], axis=1)
        m.forward(src, tgt_in, tgt_out)
        for name, g in m.backward().items():
            m.params[name] -= lr * g
    test = np.array([[5, 3, 7, 4]])
    ids, steps = m.greedy_decode(test, bos, eos, max_len=6)
    assert ids[0, :5].tolist() == [5, 3, 7, 4, eos]
    assert np.allclose([s.attention.sum() for s in steps], 1.0) and steps[0].attention.shape == (1, 4)


def test_the_loss_stays_finite_when_a_probability_underflows():
    """The loss took log(softmax): a gold token whose probability rounds to 0 gave inf, where torch's
    cross-entropy (a log-softmax) gives a large finite number."""
    model = Seq2Seq(src_vocab=5, tgt_vocab=5, embed=3, hidden=3, cell="gru", attention=True, seed=0)
    model.params["decoder.out.bias"][:] = [0, 0, 0, 0, -800.0]  # token 4: exp(-800) is 0 in float64
    loss = model.forward(np.array([[1, 2]]), np.array([[1]]), np.array([[4]]))
    assert model.steps[0].probs[0, 4] == 0.0 and np.isfinite(loss) and loss > 700


def test_gradcheck_refuses_an_array_it_could_not_nudge():
    """A non-contiguous array (a transposed view) was copied by reshape, so the check compared against nothing."""
    w = np.arange(6.0).reshape(2, 3).T
    with pytest.raises(ValueError, match="not a C-contiguous array"):
        gradcheck(lambda: float((w ** 2).sum()), {"w": w}, {"w": 2 * w})
