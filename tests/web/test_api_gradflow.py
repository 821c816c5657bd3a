"""/api/gradflow carries the command's verdicts (the page wrote its own, without the RNN's bound, the GRU's line or
the forget bias to try, and a notebook showed the forget-gate sentence twice in two wordings)."""

from seqlab.lab.gradflow import gradflow
from seqlab.render.lab import gradflow_notes


def test_the_page_gets_the_commands_verdicts_with_a_hint_for_its_own_boxes(client):
    answer = client.post("/api/gradflow", json={"steps": 100, "hidden": 8, "forget_bias": 0}).json()
    said = " ".join(answer["verdicts"])
    assert [line.split(" ")[0].rstrip(":") for line in answer["verdicts"]] == ["rnn", "lstm", "gru"]
    assert "spectral radius of W_hh" in said and "units whose f stays nearest 1" in said
    assert "press Compute" in said and "--forget-bias" not in said and "forget_bias=" not in said
    korean = client.post("/api/gradflow?lang=ko", json={"steps": 100, "hidden": 8, "forget_bias": 0}).json()
    assert "spectral radius" not in " ".join(korean["verdicts"])


def test_a_norm_that_underflowed_is_said_in_the_notes():
    report = gradflow(["rnn"], 300, 8, seed=0)
    report.cells["rnn"].grad_norms[0] = 0.0  # as a product of 300 factors under 1 can come out
    assert gradflow_notes(report)[0].startswith("0: the norm underflowed")
    assert not gradflow_notes(gradflow(["rnn"], 20, 8, seed=0))[0].startswith("0:")
