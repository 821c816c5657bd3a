"""The scratch Seq2Seq and gradcheck refuse what they cannot compute, in words (a library user's review): ids out of
range were an IndexError deep in the embedding, -1 read the last row in silence, backward() before forward() an
AttributeError, and gradcheck of nothing passed."""

import numpy as np
import pytest

from seqlab.scratch import GRU, LSTM, RNN, Seq2Seq, gradcheck


def test_seq2seq_checks_its_ids_sizes_and_order():
    m = Seq2Seq(8, 8, 4, 5, seed=0)
    assert repr(m) == "Seq2Seq(8, 8, embed=4, hidden=5, cell='gru', attention=True)"
    with pytest.raises(RuntimeError, match=r"backward\(\) needs a forward\(\) first"):
        Seq2Seq(8, 8, 4, 5).backward()
    for bad in (99, -1):
        with pytest.raises(ValueError, match=f"src holds the id {bad}, outside 0 to 7"):
            m.forward(np.array([[3, bad]]), np.array([[1, 3]]), np.array([[3, 2]]))
    with pytest.raises(ValueError, match="tgt_in .* and tgt_out .* must have one shape"):
        m.forward(np.array([[3, 4]]), np.array([[1, 3, 4]]), np.array([[3, 2]]))
    with pytest.raises(ValueError, match="max_len must be a whole number of at least 1, got 0"):
        m.greedy_decode(np.array([[3, 4]]), 1, 2, max_len=0)
    for args, name in (((8, 8, -1, 5), "embed"), ((8, 8, 4, 0), "hidden")):
        with pytest.raises(ValueError, match=f"^{name} must be a whole number"):
            Seq2Seq(*args)
    assert np.isfinite(m.forward(np.array([[3, 4]]), np.array([[1, 3]]), np.array([[3, 2]])))
    with pytest.raises(TypeError, match="attention must be True or False, got 'no'"):
        Seq2Seq(8, 8, 4, 5, attention="no")
    for bad in (1.5, None, 8):
        with pytest.raises(ValueError, match="bos_id must be a whole number from 0 to 7"):
            m.greedy_decode(np.array([[3, 4]]), bad, 2)
    with pytest.raises(ValueError, match=r"src_mask must have src's shape \(1, 2\)"):
        m.greedy_decode(np.array([[3, 4]]), 1, 2, src_mask=np.ones((1, 3)))
    # a step's repr leaves out what its dataclass leaves out (its cache of every intermediate array)
    _ids, steps = Seq2Seq(8, 6, 4, 64, cell="lstm").greedy_decode(np.array([[3, 4]]), 1, 2, max_len=2)
    assert "cache" not in repr(steps[0]) and len(repr(steps[0])) < 1000, repr(steps[0])[:300]


def test_gradcheck_refuses_nothing_to_check_and_missing_gradients():
    layer = RNN(3, 4, seed=0)
    x = np.ones((1, 2, 3))
    with pytest.raises(ValueError, match="params is empty"):
        gradcheck(lambda: 0.0, {}, {})
    with pytest.raises(ValueError, match="grads lacks weight_ih_l0"):
        gradcheck(lambda: float(layer.forward(x)[0].sum()), layer.params, {})


@pytest.mark.parametrize("Layer", [RNN, LSTM, GRU])
def test_a_layers_flags_are_true_or_false(Layer):
    with pytest.raises(TypeError, match="bidirectional must be True or False, got 'no'"):
        Layer(3, 4, bidirectional="no")
    with pytest.raises(TypeError, match="bias must be True or False, got 'False'"):
        Layer(3, 4, bias="False")


def test_seq2seq_refuses_what_leaves_nothing_to_attend_to_or_to_score():
    """A fully masked source row gave NaN in the loss and every gradient (a NumPy warning only); targets of pad ids
    only, or of no step, a silent loss of 0; an empty src was named by its embedded shape (1, 0, 6)."""
    m = Seq2Seq(10, 12, 6, 8, seed=0)
    src, tgt = np.ones((2, 3), int), np.ones((2, 2), int)
    with pytest.raises(ValueError, match="src_mask row 1 masks every position: keep at least one"):
        m.forward(src, tgt, 3 * tgt, src_mask=np.array([[True] * 3, [False] * 3]))
    with pytest.raises(ValueError, match="src_mask row 0 masks every position"):
        m.greedy_decode(np.ones((1, 3), int), 1, 2, src_mask=np.zeros((1, 3), bool))
    with pytest.raises(ValueError, match=r"tgt_out holds only pad_id \(0\): no target token is left to score"):
        m.forward(np.ones((1, 3), int), np.zeros((1, 2), int), np.zeros((1, 2), int))
    with pytest.raises(ValueError, match=r"tgt_in must hold at least one sequence of at least one id, got shape \(1, 0\)"):
        m.forward(np.ones((1, 3), int), np.ones((1, 0), int), np.ones((1, 0), int))
    with pytest.raises(ValueError, match=r"src must hold at least one sequence of at least one id, got shape \(1, 0\)"):
        m.forward(np.zeros((1, 0), int), np.ones((1, 2), int), np.ones((1, 2), int))
    loss = m.forward(src, tgt, 3 * tgt, src_mask=np.array([[True] * 3, [True, False, False]]))
    assert np.isfinite(loss) and all(np.isfinite(g).all() for g in m.backward().values())


def test_a_layers_step_records_are_asked_for_by_whole_numbers():
    layer = LSTM(3, 4)
    layer.forward(np.zeros((1, 2, 3)))
    assert len(layer.steps(0, 0)) == 2
    for bad in ((0.0, 0), (0, 0.0), (True, 0)):
        with pytest.raises(TypeError, match="must be a whole number"):
            layer.steps(*bad)
