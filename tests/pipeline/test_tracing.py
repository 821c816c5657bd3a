"""Traces: the numbers shown are the numbers the layer computed, and the CLI contract."""

import json

import numpy as np
import pytest
import torch

from seqlab.pipeline.tracing import EQUATIONS, GRUTraceStep, LSTMTraceStep, RNNTraceStep, run_trace
from seqlab.scratch.torch_layout import torch_class

# the documented keys of one step in `seqlab trace --json` (a contract)
STEP_KEYS = {
    "rnn": ("t", "token", "x", "x_proj", "h_prev", "h_proj", "bias", "pre", "h"),
    "lstm": ("t", "token", "x", "x_proj", "h_prev", "h_proj", "bias", "pre_i", "pre_f", "pre_g", "pre_o",
             "i", "f", "g", "o", "c_prev", "c", "h"),
    "gru": ("t", "token", "x", "x_proj", "h_prev", "h_proj", "r", "z", "hn", "n", "h"),
}


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_trace_steps_have_the_documented_keys_and_match_torch(cell, korean):
    report = run_trace(cell, korean, hidden=4, input_dim=3, seed=7)
    assert [s.token for s in report.steps] == report.tokens and len(report.steps) == 11
    for step in report.steps:
        assert type(step) is {"rnn": RNNTraceStep, "lstm": LSTMTraceStep, "gru": GRUTraceStep}[cell]  # a typed record per cell
        assert tuple(k for k in step.to_dict() if k != "gate_means") == STEP_KEYS[cell]  # the JSON's keys, in order
        assert len(step.h) == 4 and len(step.x) == 3
    torch.manual_seed(7)  # the same seeded default initialization, run by torch itself
    module = torch_class(cell)(3, 4, batch_first=True).double()
    x = torch.tensor(np.stack([s.x for s in report.steps]))[None]
    out, _ = module(x)
    np.testing.assert_allclose(np.stack([s.h for s in report.steps]), out[0].detach().numpy(), atol=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_step_field_has_one_equation_that_every_view_reads(cell):
    """The rows' equations were written twice (the terminal's table and the page's script) and had drifted apart
    (f = σ(z_f) in one, the page's own order in the other): one table in the record's module, sent with the record."""
    from seqlab.render.trace import step_rows

    assert sorted(key for key, _symbol, _rhs in EQUATIONS[cell]) == sorted(k for k in STEP_KEYS[cell] if k not in ("t", "token"))
    report = run_trace(cell, "좋다", hidden=2, input_dim=2, seed=0)
    assert report.to_dict()["equations"] == [list(row) for row in EQUATIONS[cell]]
    assert [(key, symbol) for key, symbol, _n, _f in step_rows(cell)] == [(k, s) for k, s, _r in EQUATIONS[cell]]
    from seqlab.render.fragments import asset

    views = asset("views.js")
    assert "σ(W_xf" not in views and "rec.equations" in views  # the page writes no equation of its own


def test_rnn_step_numbers_add_up_by_hand():
    report = run_trace("rnn", "좋다", hidden=2, input_dim=2, seed=0)
    W_ih, W_hh, b = report.weights["W_ih"], report.weights["W_hh"], report.weights["b"]
    for s in report.steps:
        np.testing.assert_allclose(s.x_proj, W_ih @ s.x)
        np.testing.assert_allclose(s.h_proj, W_hh @ s.h_prev)
        np.testing.assert_allclose(s.pre, s.x_proj + s.h_proj + b)
        np.testing.assert_allclose(s.h, np.tanh(s.pre))


def test_lstm_backward_trace_sums_to_dW_hh(korean):
    report = run_trace("lstm", korean, hidden=3, seed=1, backward=True)
    b = report.backward
    assert len(b.steps) == len(report.steps) and b.steps[0].dc.shape == (3,) and "dc" in b.steps[0].to_dict()
    np.testing.assert_allclose(sum(s.dW_hh for s in b.steps), b.dW_hh, atol=1e-12)
    np.testing.assert_allclose(b.steps[-1].dh, 2 * report.steps[-1].h)  # dL/dh_T for L = ‖h_T‖²
    assert b.dW_hh_sum_error < 1e-12


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_each_steps_share_of_dW_hh_is_torchs_gradient_of_that_steps_copy_of_W_hh(cell, korean):
    """The shares' sum equals dW_hh by construction (one sum, two ways); each share itself is checked here: torch's own
    cell unrolled with one copy of W_hh per step, so that autograd gives every step's share apart."""
    report = run_trace(cell, korean, hidden=3, input_dim=4, seed=2, backward=True)
    w = report.weights
    torch_cell = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[cell]
    bias_ih, bias_hh = (w["b_ih"], w["b_hh"]) if cell == "gru" else (w["b"], np.zeros_like(w["b"]))
    copies = []
    for _ in report.steps:
        step = torch_cell(4, 3).double()
        with torch.no_grad():
            for name, value in (("weight_ih", w["W_ih"]), ("weight_hh", w["W_hh"]), ("bias_ih", bias_ih),
                                ("bias_hh", bias_hh)):
                getattr(step, name).copy_(torch.tensor(value))
        copies.append(step)
    h = torch.zeros(1, 3, dtype=torch.float64)
    c = torch.zeros(1, 3, dtype=torch.float64)
    hs = []
    for step, record in zip(copies, report.steps):
        x = torch.tensor(record.x)[None]
        if cell == "lstm":
            h, c = step(x, (h, c))
        else:
            h = step(x, h)
        h.retain_grad()
        hs.append(h)
    loss = (h ** 2).sum()  # L = ‖h_(T-1)‖²
    loss.backward()
    assert abs(report.backward.value - loss.item()) < 1e-12
    for t, (step, back) in enumerate(zip(copies, report.backward.steps)):
        np.testing.assert_allclose(back.dW_hh, step.weight_hh.grad.numpy(), atol=1e-12, err_msg=f"t = {t}")
        np.testing.assert_allclose(back.dh, hs[t].grad[0].numpy(), atol=1e-12, err_msg=f"t = {t}")
    np.testing.assert_allclose(report.backward.dW_ih, sum(s.weight_ih.grad for s in copies).numpy(), atol=1e-12)


def test_trace_json_contract(cli, korean):
    code, out, _ = cli("trace", "lstm", korean, "--hidden", "4", "--json")
    obj = json.loads(out)
    assert code == 0 and obj["cell"] == "lstm" and len(obj["tokens"]) == len(obj["steps"])
    assert obj["gate_order"] == ["i", "f", "g", "o"]  # W's row blocks: the page reads them here, not from a copy
    assert len(obj["weights"]["W_hh"]) == len(obj["gate_order"]) * obj["hidden"]
    for key in ("t", "token", "x", "f", "i", "g", "o", "c_prev", "c", "h", "pre_f"):
        assert key in obj["steps"][0]
    code, out, _ = cli("trace", "rnn", "좋다", "--hidden", "2", "--input-dim", "2", "--json", "--backward")
    obj = json.loads(out)
    assert {"x_proj", "h_proj", "bias", "pre"} <= set(obj["steps"][0]) and "backward" in obj
    assert list(obj["backward"]["steps"][0]) == ["t", "token", "dh", "dh_norm", "dW_hh", "dW_hh_norm"]  # no dc: an RNN
    assert list(obj["backward"]) == ["loss", "value", "steps", "dW_hh", "dW_ih", "dW_hh_sum_error"]


def test_trace_renderers(tmp_path, cli):
    code, out, _ = cli("trace", "gru", "좋은 영화", "--hidden", "2", "--input-dim", "2", "--precision", "3")
    assert code == 0 and "W_hr (rows 0–1 of torch's weight_hh_l0) [2, 2]" in out and "r reset" in out
    assert "t = 0" in out and "b_hn (rows 4–5 of torch's bias_hh_l0)" in out
    code, out, _ = cli("trace", "lstm", "좋은 영화", "--markdown", "--backward")
    assert code == 0 and "## t = 0" in out and "Backward" in out
    page = tmp_path / "t.html"
    code, _, _ = cli("trace", "lstm", "좋은 영화", "--html", str(page))
    html = page.read_text(encoding="utf-8")
    assert code == 0 and "<table" in html and "좋은 영화" in html and "http" not in html


def test_trace_bad_options(cli):
    assert cli("trace", "transformer", "x")[0] == 2
    assert cli("trace", "lstm", "x", "--input-dim", "999")[0] == 2
    assert cli("trace", "lstm", "x", "--precision", "50")[0] == 2
    # --digits and --per-vector shape what is printed: with --json they changed nothing, unsaid (tokenize --max-rows
    # and embed --full are refused where they do nothing)
    code, _out, err = cli("trace", "lstm", "x", "--digits", "1", "--per-vector", "2", "--json", "--lang", "en")
    assert code == 2 and "not used by --json: --precision (--digits), --limit (--per-vector)" in err


def test_a_zero_share_of_dW_hh_at_step_0_is_explained_in_every_view(cli):
    """‖dW_hh(0)‖ = 0 beside a gradient that is not 0 was explained on the page only (and there with a symbol the
    trace does not use); the terminal and Markdown printed 0.000e+00 without a word."""
    for extra in ((), ("--markdown",)):
        code, out, _err = cli("trace", "rnn", "좋다", "--hidden", "2", "--input-dim", "2", "--backward", *extra,
                              "--lang", "en")
        said = " ".join(out.split()).replace("\\_", "_")  # Markdown escapes the underscores
        assert code == 0 and "‖dW_hh(0)‖ = 0: each step's share of dW_hh" in said, extra


def test_explain_ends_with_the_lstm(cli, korean):
    code, out, _ = cli("explain", korean, "--json")
    report = json.loads(out)
    assert code == 0 and len(report["lstm"]["steps"]) == len(report["tokens"]["tokens"])
    assert len(report["lstm"]["final"]["h"]) == 4


def test_run_trace_names_its_own_parameters_and_takes_the_lectures_spelling():
    """From Python, hidden=0 said "--hidden must be …", seed=None and hidden=2.5 failed inside NumPy, and "LSTM"
    (as the lecture writes it) was refused."""
    from seqlab.errors import UsageError
    from seqlab.pipeline.tracing import run_trace

    for kwargs, said in [({"hidden": 0}, "^hidden must be between 1 and"), ({"hidden": 2.5}, "hidden must be a whole"),
                         ({"seed": "0"}, "seed must be a whole number"), ({"seed": -1}, "seed must be between")]:
        with pytest.raises(UsageError, match=said):
            run_trace("lstm", "안녕", **kwargs)
    assert run_trace("LSTM", "안녕", hidden=2).cell == "lstm"
    # None is "not given" (a checkpoint brings its own): the defaults, hidden 4 and seed 0, as the docstring says
    default, given = run_trace("lstm", "안녕", seed=None, hidden=None), run_trace("lstm", "안녕", seed=0, hidden=4)
    assert default.seed == 0 and default.hidden == 4
    np.testing.assert_array_equal(default.weights["W_hh"], given.weights["W_hh"])


def test_an_exact_zero_of_an_input_is_shown_without_a_sign():
    """e5-small's 4-bit rows hold zeros with a sign: a row of x_t printed "-0.0000 -0.0000 … -0.1326"."""
    x = np.stack([s.x for s in run_trace("lstm", "좋다", model="e5-small", hidden=2).steps])
    assert not np.any((x == 0) & np.signbit(x))
    assert np.count_nonzero(x == 0) > 10  # the zeros are there, only their sign is gone


def test_a_long_backward_table_shows_its_first_and_last_rows_and_says_the_rest(cli):
    """A 3,200-token trace drew every backward row (12-16 s in a notebook) while its forward steps were cut at 50."""
    from seqlab.render.trace import MAX_STEP_TABLES

    code, out, err = cli("trace", "rnn", "좋은 영화 " * 40, "--hidden", "2", "--input-dim", "2", "--backward",
                         "--lang", "en")
    assert code == 0, err
    from seqlab import tokenize

    steps = len(tokenize("좋은 영화 " * 40).tokens)  # e5-small's tokens, specials included
    half = MAX_STEP_TABLES // 2
    said = f"… {steps - 2 * half} rows not shown (t = {half}–{steps - half - 1}): --json and --markdown have every step"
    assert said in " ".join(out.split()), out[-3000:]  # the terminal wraps the line
    backward = out.split("gradients per step (BPTT)")[1]
    assert f"│ {half - 1} " in backward and f"│ {steps - half} " in backward and f"│ {half} " not in backward


def test_contextual_inputs_are_reduced_by_the_texts_own_pca():
    """--contextual --input-dim 2 projected last_hidden_state on the input embedding matrix's principal directions
    (0.6 % of its variance in a teacher's check) and said "x = (e - mean)·V_k"; it now uses the text's own vectors."""
    import numpy as np

    import seqlab
    from seqlab.errors import UsageError
    from seqlab.pipeline.tracing import run_trace

    text = "나는 학교에 간다. 오늘 날씨가 정말 좋네요"
    report = run_trace("lstm", text, contextual=True, input_dim=2)
    hidden = np.asarray(seqlab.embed(text).hidden, dtype=np.float64)
    centred = hidden - hidden.mean(axis=0)
    _u, _s, vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ vt[:2].T
    got = np.array([step.x for step in report.steps])
    np.testing.assert_allclose(np.abs(got), np.abs(expected), atol=1e-4)  # each direction's sign is a convention
    assert "this text's own vectors" in report.input_source and "(e - mean)" not in report.input_source
    with pytest.raises(UsageError, match="input_dim 3 is more than the text's 3 token vectors span"):
        run_trace("lstm", "좋다", contextual=True, input_dim=3)


def test_explain_of_a_text_past_the_window_says_its_token_counts_are_of_the_part_read():
    """Stage 2 said "512 tokens" and "170 of the 284 words" for a text of 722 tokens and 400 words; only stage 3
    said that the last 210 were cut."""
    from seqlab.pipeline.explain import explain
    from seqlab.render.explain import tokens_explanation

    text = " ".join(["오늘은 날씨가 정말 좋아서 친구들과 함께 공원에 가서 산책을 했습니다"] * 40)
    report = explain(text)
    total = len(report.tokens) + report.tokens.dropped
    assert report.tokens.dropped > 0 and len(report.tokens) == 512
    first = tokens_explanation(report)[0]
    assert first == (f"The text has {total:,} tokens and 400 words; the model reads the first 512 tokens, so the "
                     "counts here are of that part (stage 3 says what was cut)."), first
    assert not tokens_explanation(explain("오늘 날씨가 좋다"))[0].startswith("The text has")


def test_a_gated_cells_dW_hh_names_its_row_blocks_as_its_W_hh_does(cli):
    """The backward's dW_hh [8, 2] did not say its rows are the gates' blocks (i|f|g|o), as the forward's rows do."""
    for fmt in ((), ("--markdown",)):
        code, out, err = cli("trace", "lstm", "오늘 날씨", "--input-dim", "3", "--hidden", "2", "--backward", *fmt,
                             "--lang", "en")
        assert code == 0 and "[8, 2] (rows: gate blocks i|f|g|o)" in out, err
        code, out, err = cli("trace", "rnn", "오늘 날씨", "--input-dim", "3", "--hidden", "2", "--backward", *fmt,
                             "--lang", "en")
        assert code == 0 and "[2, 2]" in out and "gate blocks" not in out.split("dW_hh = Σ_t")[-1], err
