"""The LSTM's fast path (seqlab.scratch.fast) computes the reference path's numbers, and keeps its buffers honest."""

import itertools

import numpy as np
import pytest

from seqlab.scratch import LSTM


def _configs():
    rng = np.random.default_rng(7)
    for layers, bidirectional, bias in itertools.product((1, 2, 3), (False, True), (True, False)):
        for _ in range(2):
            yield (int(rng.integers(1, 7)), int(rng.integers(1, 9)), layers, bidirectional, bias,
                   int(rng.integers(1, 8)), int(rng.integers(1, 5)))


@pytest.mark.parametrize("I,H,layers,bidirectional,bias,T,B", list(_configs()))
def test_fast_equals_reference_to_1e_12(I, H, layers, bidirectional, bias, T, B):
    rng = np.random.default_rng(I * 100 + H * 10 + T)
    layer = LSTM(I, H, num_layers=layers, bidirectional=bidirectional, bias=bias, seed=T + B)
    D = 2 if bidirectional else 1
    x = rng.normal(size=(B, T, I))
    h0, c0 = rng.normal(size=(2, layers * D, B, H))
    d_out, dh_n, dc_n = rng.normal(size=(B, T, D * H)), rng.normal(size=(layers * D, B, H)), \
        rng.normal(size=(layers * D, B, H))

    ref_out, (ref_h, ref_c) = layer.forward(x, (h0, c0))
    ref_dx, ref_grads = layer.backward(d_out, (dh_n, dc_n))
    ref_dh0, ref_dc0 = (a.copy() for a in layer.d_initial)
    fast_out, (fast_h, fast_c) = layer.forward(x, (h0, c0), trace=False)
    fast_dx, fast_grads = layer.backward(d_out, (dh_n, dc_n))

    for ours, theirs in ((fast_out, ref_out), (fast_h, ref_h), (fast_c, ref_c), (fast_dx, ref_dx),
                         (layer.d_initial[0], ref_dh0), (layer.d_initial[1], ref_dc0)):
        np.testing.assert_allclose(ours, theirs, atol=1e-12, rtol=0)
    assert set(fast_grads) == set(ref_grads)
    for name in ref_grads:
        np.testing.assert_allclose(fast_grads[name], ref_grads[name], atol=1e-12, rtol=0, err_msg=name)


def test_buffers_are_reused_but_nothing_returned_is_overwritten():
    layer = LSTM(3, 4, num_layers=2, bidirectional=True, seed=3)
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 3))
    traced_out, _ = layer.forward(x1)
    kept = layer.steps(0, 0)
    traced_h = [s.h.copy() for s in kept]
    out1, _ = layer.forward(x1, trace=False)
    d_out = rng.normal(size=out1.shape)
    d_x1, _ = layer.backward(d_out)
    out1_copy, d_x1_copy = out1.copy(), d_x1.copy()
    buffers = {key: id(a) for key, a in layer._fast._buffers.items()}
    out2, _ = layer.forward(x2, trace=False)  # same shapes: the same buffers, new numbers
    layer.backward(d_out)
    assert {key: id(a) for key, a in layer._fast._buffers.items()} == buffers
    np.testing.assert_array_equal(out1, out1_copy)  # what was returned is the caller's
    np.testing.assert_array_equal(d_x1, d_x1_copy)
    assert not np.allclose(out1, out2)
    np.testing.assert_allclose(out1, traced_out, atol=1e-12)
    for s, h in zip(kept, traced_h):  # traced records are never written by a later forward
        np.testing.assert_array_equal(s.h, h)


def test_one_row_batch_output_is_a_copy():
    """With B = 1 a transposed buffer is already contiguous: the output must still be a copy."""
    layer = LSTM(2, 3, seed=0)
    x = np.random.default_rng(1).normal(size=(1, 4, 2))
    out1, _ = layer.forward(x, trace=False)
    kept = out1.copy()
    layer.backward(np.ones_like(out1))
    layer.forward(x * 2, trace=False)
    np.testing.assert_array_equal(out1, kept)


def test_a_second_backward_needs_a_new_forward():
    layer = LSTM(3, 4, seed=0)
    x = np.random.default_rng(2).normal(size=(2, 5, 3))
    out, _ = layer.forward(x, trace=False)
    layer.backward(np.ones_like(out))
    with pytest.raises(RuntimeError, match="call forward\\(\\) again before backward"):
        layer.backward(np.ones_like(out))
    with pytest.raises(RuntimeError, match="keeps no step records"):
        layer.steps()
    layer.forward(x, trace=False)
    with pytest.raises(RuntimeError, match="keep_steps needs"):
        layer.backward(np.ones_like(out), keep_steps=True)
