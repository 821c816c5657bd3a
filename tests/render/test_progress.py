"""Progress where stderr is not a terminal: whole lines at the start, every tenth, phase changes and the end."""

import io

from seqlab.render.progress import LineProgress, counting_bar, training_bar


def test_line_progress_prints_tenths_phases_and_the_end_uncut():
    out = io.StringIO()
    with LineProgress("steps", out) as progress:
        task = progress.add_task("lstm T=100 · a long description that a rich bar would cut at eighty columns",
                                 total=None, info="")
        progress.update(task, description="lstm: training")
        for step in range(1, 101):
            progress.update(task, total=100, completed=step, info=f"loss {1 / step:.3f}")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("lstm T=100 · a long description that a rich bar would cut at eighty columns")
    assert lines[1].startswith("lstm: training")
    tenths = [line for line in lines if "/100 (" in line]  # the first count, then each tenth
    assert len(tenths) == 11 and tenths[0].startswith("lstm: training · 1/100") and tenths[-1].startswith("lstm: training · 100/100 (100%)") and "loss 0.010" in tenths[-1]


def test_bars_fall_back_to_lines_off_a_terminal(capsys):
    with training_bar("gru") as (on_step, on_phase):
        on_phase("training")
        on_step({"step": 5, "total": 5, "loss": 0.5})
    with counting_bar("embedding words", "words") as report:
        report(0, 4)
        report(4, 4)
    err = capsys.readouterr().err
    assert "gru: training · 5/5 (100%)" in err and "loss 0.500" in err
    assert "embedding words · 4/4 (100%)" in err
