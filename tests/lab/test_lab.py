"""The vanishing-gradient and word-order lab: numbers checked against torch autograd."""

import json

import numpy as np
import pytest
import torch

from seqlab.lab.gradflow import gradflow, set_forget_bias
from seqlab.lab.longterm import long_term
from seqlab.lab.order import order_demo
from seqlab.scratch import LSTM


def torch_grad_norms(cell: str, steps: int, hidden: int, seed: int, forget_bias=None) -> list[float]:
    """‖∂L/∂h_k‖ from torch autograd, stepping the torch cell by hand and keeping every h_k."""
    torch.manual_seed(seed)
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](hidden, hidden, batch_first=True)
    module = module.double()
    if forget_bias is not None:
        with torch.no_grad():
            module.bias_ih_l0[hidden : 2 * hidden] = forget_bias
            module.bias_hh_l0[hidden : 2 * hidden] = 0.0
    x = torch.from_numpy(np.random.default_rng(seed).normal(size=(1, steps, hidden)))
    state = None
    hs = []
    for t in range(steps):
        _, state = module(x[:, t : t + 1], state)
        h = (state[0] if cell == "lstm" else state)[0]  # (1, H): h_t, which the next step reads
        h.retain_grad()
        hs.append(h)
        state = (h[None], state[1]) if cell == "lstm" else h[None]
    (hs[-1] ** 2).sum().backward()
    return [float(h.grad.norm()) for h in hs]


@pytest.mark.parametrize("cell,forget_bias", [("rnn", None), ("gru", None), ("lstm", None), ("lstm", 1.0),
                                              ("lstm", 3.0)])
def test_grad_norms_equal_torch_autograd(cell, forget_bias):
    ours = gradflow([cell], steps=30, hidden=16, forget_bias=forget_bias, seed=2).cells[cell].grad_norms
    theirs = torch_grad_norms(cell, 30, 16, 2, forget_bias)
    np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-300)


def test_reference_behaviour_at_T100_H64():
    report = gradflow(steps=100, hidden=64, seed=0)
    g = {c: f.grad_norms[0] for c, f in report.cells.items()}
    assert g["rnn"] < 1e-25 and g["gru"] < 1e-15 and g["lstm"] < 1e-15  # all vanish at default init
    lstm3 = gradflow(["lstm"], steps=100, hidden=64, forget_bias=3.0, seed=0).cells["lstm"]
    lstm1 = gradflow(["lstm"], steps=100, hidden=64, forget_bias=1.0, seed=0).cells["lstm"]
    assert lstm3.grad_norms[0] > 1e-3 > lstm1.grad_norms[0] > g["lstm"]  # the forget bias keeps it alive
    assert np.mean(lstm3.forget_mean) > 0.9 and abs(np.mean(report.cells["lstm"].forget_mean) - 0.5) < 0.02
    assert report.cells["rnn"].spectral_radius < 1


def test_forget_bias_sets_the_total():
    layer = LSTM(4, 3, seed=0)
    set_forget_bias(layer, 2.0)
    total = layer.params["bias_ih_l0"] + layer.params["bias_hh_l0"]
    assert np.allclose(total[3:6], 2.0)


def test_gradflow_json_contract_and_plots(tmp_path, cli):
    code, out, _ = cli("gradflow", "--steps", "20", "--hidden", "8", "--json", "--plot", str(tmp_path / "g.png"))
    obj = json.loads(out)
    assert code == 0 and obj["steps"] == 20 and set(obj["cells"]) == {"rnn", "lstm", "gru"}
    assert all(len(c["grad_norms"]) == 20 for c in obj["cells"].values())
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    code, out, _ = cli("gradflow", "--cells", "lstm", "--steps", "10", "--forget-bias", "3",
                       "--plot", str(tmp_path / "g.html"))
    assert code == 0 and "forget bias 3" in out and "<svg" in (tmp_path / "g.html").read_text()
    assert cli("gradflow", "--cells", "transformer")[0] == 2  # an option's value out of its choices: usage


def test_order_demo_mlp_is_blind_and_rnn_is_not():
    report = order_demo(cell="lstm", hidden=6)
    for pair in report.pairs:
        assert sorted(pair.tokens_a) == sorted(pair.tokens_b) and pair.tokens_a != pair.tokens_b
        assert pair.mlp_bit_identical and pair.mlp_a.tobytes() == pair.mlp_b.tobytes()
        assert pair.rnn_max_difference > 1e-4
    assert report.weight_sharing["max_abs_difference_sum_vs_dW_hh"] < 1e-12
    assert len(report.lengths["tokens_3"]["h_T"]) == len(report.lengths["tokens_30"]["h_T"]) == 6


def test_order_demo_cli(tmp_path, cli):
    code, out, _ = cli("order-demo", "--json", "--plot", str(tmp_path / "w.png"))
    obj = json.loads(out)
    assert code == 0 and all(p["mlp_bit_identical"] for p in obj["pairs"]) and (tmp_path / "w.png").exists()


def test_long_term_fast_variant():
    report = long_term(lengths=(5,), cells=("rnn", "lstm", "gru"), forget_biases=(3.0,), steps=250, eval_size=300)
    acc = {r.cell: r.accuracy for r in report.runs}
    assert set(acc) == {"rnn", "lstm", "gru", "lstm+fb3"}
    assert max(acc.values()) > 0.9  # at length 5 the task is learnable within the budget
    run_ = report.runs[1]
    assert len(run_.grad_norms_before) == len(run_.grad_norms_after) == 5 and run_.forget_mean_after is not None


@pytest.mark.slow
def test_long_term_full_lengths():
    report = long_term()
    acc = {(r.cell, r.length): r.accuracy for r in report.runs}
    assert acc[("lstm+fb3", 50)] > 0.9 and acc[("rnn", 50)] < 0.5
