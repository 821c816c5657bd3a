"""The vanishing-gradient and word-order lab: numbers checked against torch autograd."""

import json

import numpy as np
import pytest
import torch

from seqlab.lab.gradflow import SURVIVES, gradflow, set_forget_bias
from seqlab.lab.longterm import Recipe, _model, grad_norms, long_term
from seqlab.lab.order import order_demo
from seqlab.lab.tasks import AddingProblem, get_task
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


def test_the_lstm_verdict_follows_the_measured_gradient_not_the_mean_gate():
    """With --forget-bias 3 the cell state kept 0.53 of its gradient, yet f̄^99 = 3.4e-3 made the verdict "vanishes:
    a bias of 1 to 3 keeps it alive, e.g. --forget-bias 3", the bias in use; with bias 1 it advised 1 to 3 again."""
    from seqlab.render.lab import gradflow_verdicts

    lstm3 = gradflow(["lstm"], steps=100, hidden=64, forget_bias=3.0, seed=0)
    flow = lstm3.cells["lstm"]
    assert flow.forget_decay < 1e-2 < flow.cell_kept == flow.cell_grad_norms[0] / flow.cell_grad_norms[-1]
    assert flow.to_dict()["cell_kept"] == flow.cell_kept
    said = " ".join(gradflow_verdicts(lstm3))
    assert "survives the whole sequence" in said and "vanishes" not in said
    assert flow.to_dict()["cell_survives"] is True and "suggested_forget_bias" not in flow.to_dict()
    lstm1 = gradflow(["lstm"], steps=100, hidden=64, forget_bias=1.0, seed=0)
    said = " ".join(gradflow_verdicts(lstm1))
    assert "vanishes" in said and "forget-gate bias of about 3.5" in said and "bias of 1 to 3" not in said
    assert lstm1.cells["lstm"].to_dict()["suggested_forget_bias"] == 3.5  # the verdict is the record's, in --json


def test_every_cells_verdict_is_a_record_field():
    """The GRU's verdict (its gradient survived or vanished) was decided in the renderer, so --json lacked it."""
    from seqlab.render.lab import gradflow_verdicts

    report = gradflow(["rnn", "gru"], steps=60, hidden=16, seed=0)
    for name, flow in report.cells.items():
        assert flow.to_dict()["survives"] is (flow.kept >= SURVIVES) is flow.survives, name
    lines = dict(line.split(":", 1) for line in gradflow_verdicts(report))
    for name, flow in report.cells.items():  # each cell judged by the one rule, and none "too" another
        assert ("it vanishes (less than 1%" in lines[name]) is (not flow.survives) and "too" not in lines[name], name


def test_forget_bias_sets_the_total():
    layer = LSTM(4, 3, seed=0)
    set_forget_bias(layer, 2.0)
    total = layer.params["bias_ih_l0"] + layer.params["bias_hh_l0"]
    assert np.allclose(total[3:6], 2.0)


@pytest.mark.parametrize("seed", range(4))
def test_decay_figures_use_the_factors_on_the_chain_only(seed):
    """factor_decay and forget_decay averaged step 0's factor too, which reaches back to the initial state and is not
    between ‖∂L/∂h_0‖ and ‖∂L/∂h_{T-1}‖. At T = 2 the chain is one factor: the RNN's is a bound on what is kept."""
    report = gradflow(("rnn", "lstm"), steps=2, hidden=16, seed=seed)
    rnn, lstm = report.cells["rnn"], report.cells["lstm"]
    assert rnn.factor_decay == pytest.approx(rnn.factor_norms[1]) and rnn.kept <= rnn.factor_decay * (1 + 1e-12)
    assert lstm.forget_decay == pytest.approx(lstm.forget_mean[1])
    longer = gradflow(("rnn", "lstm"), steps=6, hidden=16, seed=seed).cells
    assert longer["rnn"].factor_mean == pytest.approx(np.mean(longer["rnn"].factor_norms[1:]))
    assert longer["lstm"].forget_decay == pytest.approx(np.mean(longer["lstm"].forget_mean[1:]) ** 5)


def test_gradflow_json_contract_and_plots(tmp_path, cli):
    code, out, _ = cli("gradflow", "--steps", "20", "--hidden", "8", "--json", "--plot", str(tmp_path / "g.png"))
    obj = json.loads(out)
    assert code == 0 and obj["steps"] == 20 and set(obj["cells"]) == {"rnn", "lstm", "gru"}
    assert all(len(c["grad_norms"]) == 20 for c in obj["cells"].values())
    # how its inputs and weights are made, as torch_grad_norms above makes them again (a teacher read the source)
    assert "numpy.random.default_rng(seed).normal(size=(1, steps, input_size))" in obj["inputs"]
    assert "torch.manual_seed(seed)" in obj["weights"] and "batch_first=True" in obj["weights"]
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
    assert report.weight_sharing.max_abs_difference < 1e-12
    assert len(report.lengths.h_T_3) == len(report.lengths.h_T_30) == 6
    shown = report.to_dict()  # the JSON keys stay as they were
    assert shown["weight_sharing"]["max_abs_difference_sum_vs_dW_hh"] == report.weight_sharing.max_abs_difference
    assert shown["weight_sharing"]["steps"] == 30 and shown["lengths"]["mlp_concat_input_size"]["30 tokens"] > 0


def test_order_demo_cli(tmp_path, cli):
    code, out, _ = cli("order-demo", "--json", "--plot", str(tmp_path / "w.png"))
    obj = json.loads(out)
    assert code == 0 and all(p["mlp_bit_identical"] for p in obj["pairs"]) and (tmp_path / "w.png").exists()


def test_adding_problem_data_and_baseline():
    task = AddingProblem()
    x, y = task.batch(np.random.default_rng(0), 20_000, 50)
    assert x.shape == (20_000, 50, 2) and y.shape == (20_000,)
    markers = x[:, :, 1]
    assert (markers.sum(axis=1) == 2).all()
    assert (markers[:, :25].sum(axis=1) == 1).all() and (markers[:, 25:].sum(axis=1) == 1).all()
    np.testing.assert_allclose((x[:, :, 0] * markers).sum(axis=1), y, rtol=1e-6)
    assert abs(task.baseline(y) - 1 / 6) < 0.005  # Var(U1 + U2) = 2/12


@pytest.mark.parametrize("task_name", ["adding", "first-token"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_long_term_grad_norms_equal_torch_autograd(task_name, cell):
    """The before/after gradient norms come from seqlab's BPTT; torch autograd gives the same numbers."""
    task = get_task(task_name)
    torch.manual_seed(3)
    net = _model(task, cell, 8, 1.0 if cell == "lstm" else None).double()
    x, y = task.batch(np.random.default_rng(1), 16, 12)
    ours = grad_norms(net, task, x, y)
    inputs = net.embedding(torch.from_numpy(x)) if net.embedding is not None else torch.from_numpy(x).double()
    hs, state = [], None
    for t in range(x.shape[1]):  # step by hand so that every h_t is a leaf of the graph we can ask about
        _, state = net.rnn(inputs[:, t : t + 1], state)
        h = (state[0] if cell == "lstm" else state)[0]
        h.retain_grad()
        hs.append(h)
        state = (h[None], state[1]) if cell == "lstm" else h[None]
    target = torch.from_numpy(y) if task_name == "first-token" else torch.from_numpy(y).double()
    task.loss(net.out(hs[-1]), target).backward()
    np.testing.assert_allclose(ours["h"], [float(h.grad.norm()) for h in hs], rtol=1e-7)
    if cell == "lstm":  # f̄ over t = 1..T-1, the gates on the chain ∂c_{T-1}/∂c_0 (f_0 multiplies the initial c)
        H, r = 8, net.rnn
        with torch.no_grad():
            gates = [torch.sigmoid(inputs[:, t] @ r.weight_ih_l0[H:2 * H].T + r.bias_ih_l0[H:2 * H]
                                   + hs[t - 1] @ r.weight_hh_l0[H:2 * H].T + r.bias_hh_l0[H:2 * H])
                     for t in range(1, x.shape[1])]
        assert ours["f"] == pytest.approx(float(torch.stack(gates).mean()), rel=1e-9)


def test_long_term_adding_tiny():
    recipe = Recipe(lengths=(6,), steps=400, batch=32, lr=0.02, hidden=8, eval_every=50, eval_size=200)
    report = long_term("adding", cells=("rnn", "lstm", "gru"), recipe=recipe)
    by = {r.cell: r for r in report.runs}
    assert set(by) == {"rnn", "lstm", "gru"} and report.forget_biases == [1.0]
    assert all(r.baseline > 0.1 for r in report.runs)
    assert min(r.score for r in report.runs) < 0.05  # at length 6 some cell learns the sum within the budget
    lstm = by["lstm"]
    assert lstm.forget_bias == 1.0 and abs(lstm.forget_mean_before - 0.73) < 0.05  # σ(1) = 0.731
    assert len(lstm.grad_norms_before) == len(lstm.cell_grad_norms_after) == 6
    assert lstm.curve[0]["step"] == 0 and lstm.steps == lstm.curve[-1]["step"]
    assert all(r.steps < 400 for r in report.runs if r.reached)  # reaching the target stops the run
    # the reported score is the test set's, which the early stop never read (it read the validation set)
    for r in report.runs:
        assert r.validation_score == r.curve[-1]["mse"] and r.to_dict()["validation_mse"] == r.validation_score
        assert r.score != r.validation_score and r.to_dict()["mse"] == r.score
        # "reached" is why the run stopped: the validation set's score (a test score of 0.0105 read as "not reached"
        # for a run that stopped at the target)
        assert r.reached == (r.validation_score <= 0.01) and (r.reached or r.steps == 400)
    from seqlab.lab.tasks import get_task

    task = get_task("adding")
    test = task.batch(np.random.default_rng(0 + 2000 + 6), 200, 6)  # seed 0, length 6: the test set
    assert by["rnn"].baseline == task.baseline(test[1])
    validation = task.batch(np.random.default_rng(0 + 1000 + 6), 200, 6)  # the curves' set, and its trivial answer
    assert by["rnn"].validation_baseline == task.baseline(validation[1]) != by["rnn"].baseline
    assert by["rnn"].to_dict()["validation_baseline_mse"] == by["rnn"].validation_baseline
    # the verdict the terminal prints is the record's, in --json too (it was decided in the renderer alone)
    for r in report.runs:
        d = r.to_dict()
        assert d["outcome"] == r.outcome and (r.outcome == "reached") == r.reached
        assert d["kept_before"] == r.kept(r.grad_norms_before) and d["vanished_before"] == (d["kept_before"] < SURVIVES)
        assert d["vanished_after"] == (d["kept_after"] < SURVIVES)
    # a signal that vanished after training is said so, as one that vanished at the start is (3.0e-09 was not)
    import dataclasses

    from seqlab.render.lab import longterm_verdicts

    gone = dataclasses.replace(by["rnn"], grad_norms_after=[3e-9 * by["rnn"].grad_norms_after[-1],
                                                            *by["rnn"].grad_norms_after[1:]])
    said = longterm_verdicts(dataclasses.replace(report, runs=[gone]))[0]
    assert "after training 3.0e-09: vanished" in said, said
    # and one that survives says so too (a GRU's 4.5e-02 was left without a verdict); a score past the trivial
    # answer's, the wrong way, is "worse", not "not clearly better" (a teacher's review: 0.1862 against 0.1635)
    kept = dataclasses.replace(by["rnn"], grad_norms_after=[0.045 * by["rnn"].grad_norms_after[-1],
                                                            *by["rnn"].grad_norms_after[1:]])
    assert "after training 4.5e-02: it reaches step 0" in longterm_verdicts(dataclasses.replace(report, runs=[kept]))[0]
    tie = dataclasses.replace(by["rnn"], score=by["rnn"].baseline * 1.0001, reached=False)
    assert tie.outcome == "not better"  # a tie at the shown precision is no "worse"
    worse = dataclasses.replace(by["rnn"], score=by["rnn"].baseline * 1.2, reached=False)
    said = longterm_verdicts(dataclasses.replace(report, runs=[worse]))[0]
    assert worse.outcome == "worse" and worse.to_dict()["outcome"] == "worse"
    assert f"worse than the baseline after {worse.steps:,} steps ({worse.score:.4f} against its " \
           f"{worse.baseline:.4f})" in said, said


def test_long_term_cli_json_contract(cli, tmp_path):
    code, out, err = cli("long-term", "--task", "adding", "--lengths", "8,9", "--steps", "30", "--json",
                         "--plot", str(tmp_path / "lt.png"))
    assert code == 0, err
    obj = json.loads(out)
    assert obj["task"] == "adding" and obj["lengths"] == [8, 9] and obj["forget_biases"] == [1.0]
    assert len(obj["runs"]) == 6
    for run in obj["runs"]:
        assert {"cell", "length", "mse", "baseline_mse", "steps", "seconds"} <= set(run)
        assert run["steps"] <= 30 and run["seconds"] > 0 and 0.1 < run["baseline_mse"] < 0.25
    assert {r["cell"] for r in obj["runs"]} == {"rnn", "lstm", "gru"}
    assert (tmp_path / "lt.png").stat().st_size > 10_000
    # progress per run also when stderr is not a terminal (a log, a script): whole lines, not a cut-off bar
    lines = err.splitlines()
    for cell in ("rnn", "lstm", "gru"):
        for length in (8, 9):
            assert any(line.startswith(f"{cell} T={length}: training · ") and "/" in line for line in lines), (cell, err)
    assert "glyph" not in err  # the log axis's labels have no math-text minus sign NanumGothic lacks


def test_long_term_cli_terminal_explains_from_the_run(cli):
    code, out, err = cli("long-term", "--lengths", "8", "--steps", "20", "--cells", "lstm", "--forget-bias", "3,torch")
    assert code == 0, err
    assert "lstm+fb3" in out and "lstm+torch" in out
    assert "f̄ = 0.95" in " ".join(out.split())  # σ(3) = 0.953, from this run's gates, not a canned sentence
    # each progress line says what it is doing ("rnn T=10 · 0.0 s" said nothing; a lecturer's review)
    assert "lstm+fb3 T=8: gradient norms at the start" in err and "lstm+fb3 T=8: training" in err, err


def test_first_token_task_still_runs():
    recipe = Recipe(lengths=(5,), steps=250, batch=64, lr=0.01, hidden=32, eval_every=50, eval_size=300)
    report = long_term("first-token", cells=("gru",), recipe=recipe)
    run_ = report.runs[0]
    assert run_.metric == "accuracy" and run_.baseline == 0.25 and run_.score > 0.9
    assert "accuracy" in run_.to_dict() and "baseline_accuracy" in run_.to_dict()


@pytest.mark.slow
def test_long_term_adding_default_recipe():
    """The issue's targets with the default command: LSTM and GRU ≤ 0.01 at T=100, LSTM at T=200, RNN ≥ 0.1."""
    report = long_term("adding")
    mse = {(r.cell, r.length): r.score for r in report.runs}
    assert mse[("lstm", 100)] <= 0.01 and mse[("gru", 100)] <= 0.01 and mse[("lstm", 200)] <= 0.01
    assert mse[("rnn", 100)] >= 0.1 and mse[("rnn", 200)] >= 0.1


def test_gradflow_reads_a_cell_name_and_ignores_no_option():
    """gradflow("lstm") said "unknown cells l, s, t, m"; gradflow(["rnn"], forget_bias=3) ignored the bias."""
    from seqlab.errors import InputError
    from seqlab.lab.gradflow import gradflow

    assert list(gradflow("lstm", steps=5, hidden=3).cells) == ["lstm"]
    with pytest.raises(InputError, match="have no LSTM"):
        gradflow(["rnn"], steps=5, hidden=3, forget_bias=3)
    with pytest.raises(InputError, match="unknown cells transformer"):
        gradflow(["transformer"])


def test_the_rnn_line_gives_the_measured_rate_and_none_from_an_underflow():
    """The RNN's line stated the per-step bound as the rate (0.94 where the gradient fell ×0.45 a step); the rate
    added for it was computed in the renderer, and read "about ×0.00 per step" from a norm that underflowed to 0."""
    from seqlab.lab.gradflow import CellFlow, GradFlowReport
    from seqlab.render.lab import gradflow_verdicts

    flow = CellFlow("rnn", [1e-4, 1e-2, 1.0], factor_norms=[0.5, 0.5, 0.5], spectral_radius=0.4)
    assert flow.measured_rate == pytest.approx(1e-2) and flow.to_dict()["measured_rate"] == flow.measured_rate
    said = " ".join(gradflow_verdicts(GradFlowReport(3, 2, 2, 0, "L", {"rnn": flow})))
    assert "at most ‖diag(1-h_t²)·W_hh‖₂" in said and "about ×0.01 per step" in said
    gone = CellFlow("rnn", [0.0, 1e-2, 1.0], factor_norms=[0.5, 0.5, 0.5], spectral_radius=0.4)
    assert gone.measured_rate is None and "measured_rate" not in gone.to_dict()
    assert "per step" not in " ".join(gradflow_verdicts(GradFlowReport(3, 2, 2, 0, "L", {"rnn": gone})))


def test_the_library_refuses_a_value_listed_twice_as_the_command_does():
    """long_term(…, forget_biases=[1.0, 1.0]) ran the same LSTM twice under one label (the table kept one); only the
    command line refused repeats."""
    from seqlab.errors import InputError

    for args, said in (([[5, 5], ["lstm"], [1.0]], "lengths lists 5 twice"),
                       ([[5], ["lstm", "LSTM"], [1.0]], "cells lists lstm twice"),
                       ([[5], ["lstm"], [1.0, 1]], "forget_biases lists 1 twice")):
        with pytest.raises(InputError, match=said):
            long_term("adding", *args, steps=1)


def test_better_and_worse_need_the_same_share_of_the_way_for_either_metric():
    """Accuracy called 0.22 "worse" against chance 0.25 (a fortieth of the way down) while 0.32 was only "not
    clearly better" (it took a tenth of the way up): the two margins now measure the same share, as MSE's did."""
    from seqlab.lab.longterm import MARGIN, OUTCOMES, RunResult
    from seqlab.render.lab import longterm_verdicts

    def run(metric, score, baseline):
        return RunResult(cell="rnn", label="rnn", length=10, metric=metric, score=score, baseline=baseline,
                         reached=False, steps=5, seconds=0.1, curve=[], grad_norms_before=[1.0, 1.0],
                         grad_norms_after=[1.0, 1.0])

    assert run("accuracy", 0.22, 0.25).outcome == "not better"
    assert run("accuracy", 0.17, 0.25).outcome == "worse"  # 0.25 - 0.1 · 0.75 = 0.175
    assert run("accuracy", 0.33, 0.25).outcome == "a little better"
    assert run("accuracy", 0.7, 0.25).outcome == "learned part"
    assert run("mse", 0.183, 0.167).outcome == "not better" and run("mse", 0.19, 0.167).outcome == "worse"
    assert run("mse", 0.14, 0.167).outcome == "a little better" and run("mse", 0.05, 0.167).outcome == "learned part"
    assert run("accuracy", 0.25 + MARGIN * 0.75 / 2, 0.25).to_dict()["gain"] == pytest.approx(MARGIN / 2)
    said = {run("accuracy", score, 0.25).outcome for score in (0.1, 0.25, 0.33, 0.7)} | {"reached"}
    assert said == set(OUTCOMES)
    from seqlab.lab.longterm import LongTermReport  # every outcome has its sentence

    for score in (0.1, 0.25, 0.33, 0.7):
        report = LongTermReport(task="first-token", description="", lengths=[10], cells=["rnn"], forget_biases=[],
                                steps=5, batch=2, lr=0.01, hidden=4, seed=0, target=0.99, metric="accuracy",
                                runs=[run("accuracy", score, 0.25)])
        assert longterm_verdicts(report)[0].startswith("rnn T=10: ")


def test_an_lstm_whose_cell_and_h_gradients_disagree_says_both():
    """--forget-bias 1.5 over 30 steps: the sentence said "survives" (the cell state's) above a table of ‖∂L/∂h_k‖
    whose share was 0.19 %, and the JSON's survives was false."""
    from seqlab.render.lab import gradflow_verdicts

    report = gradflow(["lstm"], steps=30, hidden=16, forget_bias=1.5, seed=0)
    flow = report.cells["lstm"]
    said = gradflow_verdicts(report)
    assert flow.cell_survives and not flow.survives  # this run: the two paths disagree
    assert len(said) == 2 and said[1].startswith("lstm: along h (the table's ‖∂L/∂h_k‖, the JSON's survives)")
    assert "less than 1% of it reaches the first step, though the cell state's does." in said[1], said[1]
    assert gradflow_verdicts(gradflow(["lstm"], steps=30, hidden=16, forget_bias=8.0, seed=0))[-1].startswith(
        "lstm (forget bias 8)")  # both survive: one sentence
