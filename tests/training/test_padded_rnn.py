"""run_padded gives the numbers of torch's packed sequences (values and gradients, float64)."""

import pytest
import torch
from numpy.testing import assert_allclose
from torch import nn

from seqlab.training.networks import RecurrentClassifier, RecurrentConfig
from seqlab.training.padded_rnn import last_states, reverse_within_length, run_padded

LENGTHS = torch.tensor([9, 3, 7, 1, 9, 4])


def packed_reference(rnn, x, lengths):
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, state = rnn(packed)
    out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return out, (state[0] if isinstance(state, tuple) else state)


@pytest.mark.parametrize("make", [
    lambda **kw: nn.LSTM(**kw), lambda **kw: nn.GRU(**kw), lambda **kw: nn.RNN(**kw),
    lambda **kw: nn.RNN(nonlinearity="relu", **kw), lambda **kw: nn.LSTM(bias=False, **kw),
], ids=["lstm", "gru", "rnn-tanh", "rnn-relu", "lstm-no-bias"])
@pytest.mark.parametrize("layers,bidirectional", [(1, True), (2, True), (2, False)])
def test_equal_to_packed_sequences(make, layers, bidirectional):
    torch.manual_seed(0)
    rnn = make(input_size=5, hidden_size=4, num_layers=layers, batch_first=True, bidirectional=bidirectional).double()
    x = torch.randn(len(LENGTHS), 9, 5, dtype=torch.float64, requires_grad=True)
    weights = torch.randn(len(LENGTHS), 9, 4 * (2 if bidirectional else 1), dtype=torch.float64)
    ref, h_n = packed_reference(rnn, x, LENGTHS)
    ref_grads = torch.autograd.grad((ref * weights).sum(), [x, *rnn.parameters()])
    out = run_padded(rnn, x, LENGTHS)
    grads = torch.autograd.grad((out * weights).sum(), [x, *rnn.parameters()])
    assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-13)
    for got, want in zip(grads, ref_grads):
        assert_allclose(got.numpy(), want.numpy(), rtol=1e-11, atol=1e-12)
    D = 2 if bidirectional else 1
    top = torch.cat([h_n[-D + d] for d in range(D)], dim=1)  # torch's final states of the top layer
    assert_allclose(last_states(out, LENGTHS, D).detach().numpy(), top.detach().numpy(), rtol=1e-12, atol=1e-13)


def test_reverse_within_length_is_its_own_inverse():
    index = reverse_within_length(LENGTHS, 9)
    assert index[1].tolist() == [2, 1, 0, 3, 4, 5, 6, 7, 8]
    assert torch.equal(index.gather(1, index), torch.arange(9).expand(len(LENGTHS), -1))


def test_dropout_between_layers_only_while_training(monkeypatch):
    """Dropout goes between stacked layers, at the module's rate, only in training mode, not after the top layer."""
    torch.manual_seed(1)
    rnn = nn.LSTM(5, 4, num_layers=2, batch_first=True, bidirectional=True, dropout=0.5).double()
    x = torch.randn(len(LENGTHS), 9, 5, dtype=torch.float64)
    rnn.eval()
    assert_allclose(run_padded(rnn, x, LENGTHS).detach().numpy(),
                    packed_reference(rnn, x, LENGTHS)[0].detach().numpy(), rtol=1e-12, atol=1e-13)
    # a dropout that keeps every other hidden unit: the reference runs the two layers one by one, with it between
    calls = []

    def every_other_unit(t, p, training):
        calls.append((p, training))
        return t * (torch.arange(t.shape[-1]) % 2 == 0) / (1 - p)

    monkeypatch.setattr(nn.functional, "dropout", every_other_unit)
    layers = [nn.LSTM(5 if k == 0 else 8, 4, batch_first=True, bidirectional=True).double() for k in range(2)]
    for k, layer in enumerate(layers):
        for d in ("", "_reverse"):
            for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(layer, f"{w}_l0{d}").data.copy_(getattr(rnn, f"{w}_l{k}{d}"))
    hidden = every_other_unit(packed_reference(layers[0], x, LENGTHS)[0], 0.5, True)
    want = packed_reference(layers[1], hidden, LENGTHS)[0]
    calls.clear()
    rnn.train()
    got = run_padded(rnn, x, LENGTHS)
    assert calls == [(0.5, True)]  # once: between the two layers
    assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-13)


def test_lengths_out_of_range_are_refused():
    rnn = nn.GRU(5, 4, batch_first=True)
    x = torch.randn(2, 4, 5)
    for lengths in ([0, 3], [5, 3]):
        with pytest.raises(ValueError, match="every length must be 1 to 4"):
            run_padded(rnn, x, torch.tensor(lengths))
    assert run_padded(rnn, x, torch.tensor([4, 2], dtype=torch.int32)).shape == (2, 4, 4)


@pytest.mark.parametrize("pooling", ["max+mean", "last"])
def test_classifier_on_the_cpu_equals_the_packed_path(pooling):
    """The classifier's CPU path against the same model run through packed sequences (its other devices' path)."""
    torch.manual_seed(2)
    model = RecurrentClassifier(RecurrentConfig(vocab_size=30, embed_dim=6, hidden=4, pooling=pooling)).double().eval()
    ids = torch.randint(1, 30, (len(LENGTHS), 9))
    ids[torch.arange(9)[None, :] >= LENGTHS[:, None]] = 0
    logits = model(ids, LENGTHS)
    out, h_n = packed_reference(model.rnn, model.embedding(ids), LENGTHS)
    mask = (torch.arange(9)[None, :] < LENGTHS[:, None])[..., None]
    if pooling == "last":
        pooled = torch.cat([h_n[-2], h_n[-1]], dim=1)
    else:
        pooled = torch.cat([out.masked_fill(~mask, float("-inf")).max(1).values,
                            (out * mask).sum(1) / LENGTHS[:, None].double()], dim=1)
    assert_allclose(logits.detach().numpy(), model.classifier(pooled).detach().numpy(), rtol=1e-12, atol=1e-13)


def test_columns_of_padding_only_are_zero():
    torch.manual_seed(3)
    rnn = nn.GRU(5, 4, batch_first=True, bidirectional=True).double()
    x = torch.randn(len(LENGTHS), 12, 5, dtype=torch.float64)  # three columns past the longest review (9)
    out = run_padded(rnn, x, LENGTHS)
    assert out.shape == (len(LENGTHS), 12, 8) and not out[:, 9:].any()
    assert_allclose(out.detach().numpy(), packed_reference(rnn, x, LENGTHS)[0].detach().numpy(), rtol=1e-12,
                    atol=1e-13)
