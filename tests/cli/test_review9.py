"""The CLI, ninth round: a new user in the Korean interface, across every command.

Each test names the defects it guards against; each failed before its fix.
"""

import json


def test_a_table_of_some_steps_says_so(cli, tmp_path):
    """gradflow showed k = 0, 24, 49, … 99 of 100 steps, and order-demo t = 0, 9, … 29 of 30, with no word, although
    the help says "every step k"; order-demo --plot wrote its file without saying where."""
    code, out, _err = cli("gradflow", "--steps", "100", "--hidden", "4", "--lang", "en")
    assert code == 0 and "10 of 100 steps shown" in out and "every step" in " ".join(out.split()), out
    code, out, _err = cli("gradflow", "--steps", "20", "--hidden", "4", "--lang", "en")
    assert code == 0 and "steps shown" not in out  # every step: nothing to say
    plot = tmp_path / "od.png"
    code, out, _err = cli("order-demo", "--hidden", "4", "--plot", str(plot), "--lang", "en")
    assert code == 0 and "7 of 30 steps shown" in out and f"plot: {plot}" in out and plot.exists()
    code, out, _err = cli("gradflow", "--steps", "100", "--hidden", "4", "--json")
    assert len(json.loads(out)["cells"]["rnn"]["grad_norms"]) == 100


def test_the_order_demo_plot_does_not_call_the_first_step_an_underflow(tmp_path):
    """Its legend said "0 (underflow), drawn at 3e-12" for t = 0, where dW_hh(0) is 0 by construction (h_(-1) = 0)."""
    from seqlab.lab.order import order_demo
    from seqlab.render.lab import order_plot

    order_plot(order_demo(hidden=4), tmp_path / "od.html")
    page = (tmp_path / "od.html").read_text(encoding="utf-8")
    assert "underflow" not in page and "h_(t-1) = 0" in page
