"""Scratch RNN/LSTM/GRU against torch.nn in float64: outputs and every gradient to 1e-9."""

import itertools

import numpy as np
import pytest
import torch

from seqlab.scratch import GRU, LSTM, RNN, gradcheck
from seqlab.scratch.cells import GRUCell, LSTMCell, RNNCell

TORCH = {RNN: torch.nn.RNN, LSTM: torch.nn.LSTM, GRU: torch.nn.GRU}


def _configs():
    rng = np.random.default_rng(42)
    for cls in (RNN, LSTM, GRU):
        for layers, bidirectional, bias in itertools.product((1, 2, 3), (False, True), (True, False)):
            yield cls, {"input_size": int(rng.integers(1, 6)), "hidden_size": int(rng.integers(1, 7)),
                            "num_layers": layers, "bidirectional": bidirectional, "bias": bias}, int(rng.integers(1, 6)), \
                int(rng.integers(1, 4))
        yield cls, {"input_size": 3, "hidden_size": 4, "num_layers": 1, "bidirectional": False, "bias": True}, 1, 1  # T = 1
    yield RNN, {"input_size": 3, "hidden_size": 4, "num_layers": 2, "bidirectional": True, "bias": True,
                    "nonlinearity": "relu"}, 4, 2


@pytest.mark.parametrize("trace", [True, False], ids=["traced", "untraced"])
@pytest.mark.parametrize("cls,options,T,B", list(_configs()))
def test_forward_and_every_gradient_equal_torch(cls, options, T, B, trace):
    """Both paths: the reference (the cells' equations, every number kept) and trace=False (for the LSTM the
    fast path of seqlab.scratch.fast: folded bias, reused buffers; RNN and GRU run the reference)."""
    torch.manual_seed(T * 7 + B)
    module = TORCH[cls](batch_first=True, **options).double()
    layer = cls.from_torch(module)
    D = 2 if options["bidirectional"] else 1
    x = torch.randn(B, T, options["input_size"], dtype=torch.float64, requires_grad=True)
    shape = (options["num_layers"] * D, B, options["hidden_size"])
    h0 = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    if cls is LSTM:
        c0 = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
        out, (h_n, c_n) = module(x, (h0, c0))
        ours, (o_h, o_c) = layer.forward(x.detach().numpy(), (h0.detach().numpy(), c0.detach().numpy()), trace=trace)
        np.testing.assert_allclose(o_c, c_n.detach().numpy(), atol=1e-9, rtol=0)
    else:
        out, h_n = module(x, h0)
        ours, o_h = layer.forward(x.detach().numpy(), h0.detach().numpy(), trace=trace)
    assert ours.shape == (B, T, D * options["hidden_size"])
    np.testing.assert_allclose(ours, out.detach().numpy(), atol=1e-9, rtol=0)
    np.testing.assert_allclose(o_h, h_n.detach().numpy(), atol=1e-9, rtol=0)

    g_out, g_h = torch.randn_like(out), torch.randn_like(h_n)
    loss = (out * g_out).sum() + (h_n * g_h).sum()
    if cls is LSTM:
        g_c = torch.randn_like(c_n)
        loss = loss + (c_n * g_c).sum()
        d_x, grads = layer.backward(g_out.numpy(), (g_h.numpy(), g_c.numpy()))
    else:
        d_x, grads = layer.backward(g_out.numpy(), g_h.numpy())
    loss.backward()
    np.testing.assert_allclose(d_x, x.grad.numpy(), atol=1e-9, rtol=0)
    assert set(grads) == {name for name, _ in module.named_parameters()}
    for name, p in module.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), atol=1e-9, rtol=0, err_msg=name)
    d_h0 = layer.d_initial[0] if cls is LSTM else layer.d_initial
    np.testing.assert_allclose(d_h0, h0.grad.numpy(), atol=1e-9, rtol=0)
    if cls is LSTM:
        np.testing.assert_allclose(layer.d_initial[1], c0.grad.numpy(), atol=1e-9, rtol=0)


@pytest.mark.parametrize("trace", [True, False])
@pytest.mark.parametrize("shape", [(2, 0, 3), (0, 4, 3)])
def test_empty_input_gets_a_clear_message(shape, trace):
    with pytest.raises(ValueError, match="at least one sequence and one step"):
        LSTM(3, 4, seed=0).forward(np.zeros(shape), trace=trace)


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_to_torch_round_trip_and_float32(cls):
    layer = cls(3, 5, num_layers=2, bidirectional=True, seed=1)
    module = layer.to_torch()
    x = np.random.default_rng(0).normal(size=(2, 4, 3))
    ours, _ = layer.forward(x)
    theirs, _ = module(torch.from_numpy(x))
    np.testing.assert_allclose(ours, theirs.detach().numpy(), atol=1e-12)
    f32 = cls.from_torch(module.float(), dtype=np.float32)
    out32, _ = f32.forward(x.astype(np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, ours, atol=1e-5)


def test_from_torch_refuses_wrong_modules():
    with pytest.raises(ValueError, match="batch_first"):
        LSTM.from_torch(torch.nn.LSTM(3, 4))
    with pytest.raises(TypeError):
        LSTM.from_torch(torch.nn.GRU(3, 4, batch_first=True))


@pytest.mark.parametrize("trace", [True, False], ids=["traced", "untraced"])
@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_finite_difference_gradcheck(cls, trace):
    layer = cls(3, 4, num_layers=2, bidirectional=True, seed=3)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 5, 3))
    w = rng.normal(size=(2, 5, 8))

    def loss():
        out, _ = layer.forward(x, trace=trace)
        return float((out * w).sum())

    loss()
    _, grads = layer.backward(w)
    results = gradcheck(loss, layer.params, grads, samples=None)
    assert all(r.ok for r in results), [r for r in results if not r.ok]


def test_weight_sharing_dW_hh_is_the_sum_of_steps():
    layer = LSTM(3, 4, seed=0)
    x = np.random.default_rng(2).normal(size=(1, 6, 3))
    out, _ = layer.forward(x)
    d_out = np.zeros_like(out)
    d_out[:, -1] = 1.0
    _, grads = layer.backward(d_out, keep_steps=True)
    contributions = [s.dW_hh for s in layer.backward_steps[(0, 0)]]
    assert len(contributions) == 6
    np.testing.assert_allclose(sum(contributions), grads["weight_hh_l0"], atol=1e-12)
    assert layer.parameter_count() == 4 * 4 * (3 + 4) + 2 * 4 * 4


def test_cells_read_like_the_equations():
    rng = np.random.default_rng(5)
    W_ih, W_hh, b_ih, b_hh = rng.normal(size=(4, 3)), rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=4)
    x, h = rng.normal(size=(1, 3)), rng.normal(size=(1, 4))
    new_h, step = RNNCell(W_ih, W_hh, b_ih, b_hh).forward(x, h)
    np.testing.assert_allclose(new_h, np.tanh(W_ih @ x[0] + b_ih + W_hh @ h[0] + b_hh)[None])
    np.testing.assert_allclose(step.pre, step.x_proj + step.h_proj + step.bias)
    lstm = LSTMCell(rng.normal(size=(8, 3)), rng.normal(size=(8, 2)), np.zeros(8), np.zeros(8))
    (h2, c2), s = lstm.forward(x, (np.zeros((1, 2)), np.ones((1, 2))))
    np.testing.assert_allclose(c2, s.f * s.c_prev + s.i * s.g)
    np.testing.assert_allclose(h2, s.o * np.tanh(c2))
    gru = GRUCell(rng.normal(size=(6, 3)), rng.normal(size=(6, 2)), rng.normal(size=6), rng.normal(size=6))
    hg, sg = gru.forward(x, np.ones((1, 2)))
    np.testing.assert_allclose(hg, (1 - sg.z) * sg.n + sg.z * sg.h_prev)


@pytest.mark.parametrize("trace", [True, False], ids=["traced", "untraced"])
@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_a_state_of_the_wrong_shape_is_refused_as_torch_refuses_it(cls, trace):
    """A (B, H) initial state was broadcast: every sequence started from the first one's state, with no word (a
    practitioner's review). torch refuses it; so does seqlab, naming the shape it expects."""
    rng = np.random.default_rng(2)
    layer, module = cls(3, 4, dtype=np.float64), TORCH[cls](3, 4, batch_first=True)
    x = rng.standard_normal((2, 5, 3))
    flat, right = rng.standard_normal((2, 4)), rng.standard_normal((1, 2, 4))
    states = {"flat": (flat, flat) if cls is LSTM else flat, "other batch": (right[:, :1],) * 2 if cls is LSTM
              else right[:, :1], "numbers": (0.5, 0.5)}
    for h0 in states.values():
        with pytest.raises((RuntimeError, ValueError, TypeError, AttributeError)):  # torch: some error
            module(torch.tensor(x, dtype=torch.float32), tuple(torch.tensor(np.asarray(s), dtype=torch.float32)
                                                           for s in h0) if isinstance(h0, tuple) else
                   torch.tensor(h0, dtype=torch.float32))
        with pytest.raises((ValueError, TypeError), match=r"\(1, 2, 4\)"):
            layer.forward(x, h0, trace=trace)
    h0 = (right, right) if cls is LSTM else right
    out, _state = layer.forward(x, h0, trace=trace)
    with pytest.raises(ValueError, match=r"\(1, 2, 4\)"):  # dL/dh_n is checked the same way
        layer.backward(np.ones_like(out), (flat, flat) if cls is LSTM else flat)
    if cls is not LSTM:
        with pytest.raises(TypeError, match="one state"):
            layer.forward(x, (right, right), trace=trace)
