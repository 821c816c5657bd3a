"""The scratch layers refuse what they cannot run, by name, before any NumPy error: sizes, d_out, step positions."""

import inspect

import numpy as np
import pytest

from seqlab.scratch import GRU, LSTM, RNN


@pytest.mark.parametrize("args", [(3, -1), (0, 4), (3, 2.5), (3, 4, 0), (3, True)])
def test_sizes_must_be_whole_numbers_of_at_least_one(args):
    with pytest.raises(ValueError, match="must be a whole number of at least 1"):
        LSTM(*args)


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_backward_checks_d_out_and_steps_check_positions(cls):
    layer = cls(3, 4)
    layer.forward(np.ones((1, 5, 3)))
    with pytest.raises(ValueError, match=r"expected d_out of shape \(1, 5, 4\)"):
        layer.backward(np.ones((1, 5, 3)))  # was "operands could not be broadcast"
    with pytest.raises(IndexError, match="layer 5 does not exist"):
        layer.steps(5)  # was KeyError: (5, 0)
    with pytest.raises(IndexError, match="direction 1 does not exist"):
        layer.steps(0, 1)
    assert len(layer.steps(0, 0)) == 5


def test_an_untraced_lstm_backward_checks_d_out_too():
    layer = LSTM(3, 4)
    layer.forward(np.ones((2, 5, 3)), trace=False)
    with pytest.raises(ValueError, match="expected d_out"):
        layer.backward(np.ones((2, 4, 4)))


def test_help_shows_the_constructors_parameters():
    for cls in (LSTM, GRU):  # was LSTM(*args, **kwargs)
        assert list(inspect.signature(cls).parameters)[:4] == ["input_size", "hidden_size", "num_layers",
                                                               "bidirectional"]


def test_the_three_layers_take_their_seed_by_name_and_no_unknown_keyword():
    """LSTM and GRU swallowed any keyword (hiden_size=8 was ignored), and a seventh positional argument was the seed
    for them but the nonlinearity for RNN."""
    for cls in (RNN, LSTM, GRU):
        with pytest.raises(TypeError):
            cls(3, 4, hiden_size=8)
        with pytest.raises(TypeError):
            cls(3, 4, 1, False, True, np.float64, "tanh", 0)  # the seed is keyword-only in all three
        assert cls(3, 4, seed=0).parameter_count() > 0


def test_a_layers_dtype_and_params_are_checked_with_a_value_error():
    """An int dtype made every x_t and h_t 0 without a word; params={} ended in a KeyError, and a wrong shape in an
    AssertionError (which python -O skips)."""
    with pytest.raises(ValueError, match="dtype must be float64 or float32"):
        LSTM(3, 4, dtype=int)
    with pytest.raises(ValueError, match="params lacks weight_ih_l0, weight_hh_l0"):
        LSTM(3, 4, params={})
    good = LSTM(3, 4, seed=0).params
    with pytest.raises(ValueError, match=r"params\['weight_hh_l0'\] has shape \(16, 3\), expected \(16, 4\)"):
        LSTM(3, 4, params={**good, "weight_hh_l0": np.zeros((16, 3))})


def test_run_trace_refuses_a_dtype_the_cells_do_not_compute_in():
    from seqlab.errors import UsageError
    from seqlab.pipeline.tracing import run_trace

    with pytest.raises(UsageError, match="dtype must be float64 or float32"):
        run_trace("lstm", "안녕하세요", model="char", dtype=int)
    assert run_trace("lstm", "안녕", model="e5-small", hidden=2, input_dim=2, dtype="float32").steps[-1].h.dtype == \
        np.float32
