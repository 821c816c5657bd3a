"""Plots: a log axis with zeros (gradients that underflowed) still shows the real values; symbols are readable."""

import re

from seqlab.render.plots import korean_figure, write_lines


def test_zeros_on_a_log_axis_are_drawn_one_decade_below_the_smallest_value(tmp_path):
    """A zero was drawn at 1e-300 (1e-308 in order-demo), so the axis ran over 300 decades and the real values
    (1e-11 … 0.47) sat in a flat band."""
    series = {"rnn": [0.0, 0.0, 1e-11, 1e-6, 0.47], "lstm": [1e-4, 1e-3, 1e-2, 1e-1, 1.0]}
    page = write_lines(series, tmp_path / "g.html", "‖∂L/∂h_k‖", "step k", "norm", log_y=True).read_text()
    exponents = [int(e) for e in re.findall(r">1e(-?\d+)</text>", page)]
    assert min(exponents) == -12 and max(exponents) == 0, exponents  # was -300
    assert "0 (underflow), drawn at 1e-12" in page
    assert write_lines(series, tmp_path / "g.png", "‖∂L/∂h_k‖²", "k", "norm", log_y=True).stat().st_size > 0


def test_an_html_charts_ticks_are_distinct_exact_powers_of_ten_and_its_x_axis_is_numbered(tmp_path):
    """long-term --plot x.html labelled its y axis "1e-3 1e-2 1e-2 1e-1 1e-0 1e0" (even steps of the exponent,
    rounded) and its x axis not at all (a CLI review); the page's chart had the same fault (issue 16)."""
    series = {"lstm": [0.2, 0.05, 0.004], "baseline": [0.167, 0.167, 0.167]}
    page = write_lines(series, tmp_path / "m.html", "MSE", "step", "MSE", log_y=True, x={"lstm": [0, 250, 500],
                       "baseline": [0, 250, 500]}).read_text()
    labels = re.findall(r'text-anchor="end">([^<]*)</text>', page)
    assert labels == ["1e-3", "1e-2", "1e-1", "1e0"], labels
    numbers = re.findall(r'text-anchor="middle">([\d.]+)</text>', page)
    assert numbers[0] == "0" and numbers[-1] == "500" and len(set(numbers)) == len(numbers) >= 3, numbers


def test_a_diverged_runs_inf_and_nan_leave_a_chart_not_a_traceback(tmp_path):
    """A held-out MSE of inf or nan (a run that diverged) made the HTML chart's ticks raise OverflowError."""
    import math

    for log_y in (True, False):
        page = write_lines({"rnn": [0.2, math.inf, math.nan, 0.1], "lstm": [0.3, 0.01, 0.004, 0.002]},
                           tmp_path / f"d{log_y}.html", "MSE", "step", "MSE", log_y=log_y).read_text()
        numbers = re.findall(r'(?:cx|cy|y)="([^"]+)"', page) + " ".join(re.findall(r'points="([^"]*)"', page)) \
            .replace(",", " ").split()
        assert numbers and all(math.isfinite(float(v)) for v in numbers), numbers  # every point drawn is a number
        # the finite values (2 + 4) are drawn, inf never; a log axis draws nan where it draws zeros (_floor)
        assert page.count("<circle") == (7 if log_y else 6)


def test_symbols_and_latin_come_from_dejavu_and_hangul_from_nanum():
    """NanumGothic drew ², ∂ and σ a few pixels tall in every plot title."""
    from matplotlib import font_manager

    with korean_figure(symbols=True) as fig:  # the line charts: gradient norms, losses
        families = list(fig.text(0, 0, "∂L/∂h").get_fontfamily())
    assert families[0] == "DejaVu Sans" and "NanumGothic" in families
    with korean_figure() as fig:  # scatter labels: as they were tuned
        assert fig.text(0, 0, "왕").get_fontfamily()[0] == "NanumGothic"
    assert font_manager.findfont(font_manager.FontProperties(family="NanumGothic"), fallback_to_default=False)


LEAVES_ALONE = """
import sys, matplotlib
matplotlib.use("svg")  # a notebook's own backend (inline), as far as a test can tell
import matplotlib.pyplot as plt
before = (matplotlib.get_backend(), list(matplotlib.rcParams["font.family"]), matplotlib.rcParams["axes.unicode_minus"])
from pathlib import Path
from seqlab.render.plots import scatter_png, write_lines
from seqlab.render.training import training_curves_png
import numpy as np
out = Path(sys.argv[1])
write_lines({"rnn": [1.0, 0.1]}, out / "a.png", "‖∂L/∂h_k‖", "k", "norm", log_y=True)
scatter_png(["왕", "여왕", "남자"], np.eye(3)[:, :2], out / "b.png", "단어")
training_curves_png([{"step": 1, "train_loss": 1, "val_loss": 1, "train_accuracy": 0.5, "val_accuracy": 0.5}],
                    out / "c.png", "lstm")
after = (matplotlib.get_backend(), list(matplotlib.rcParams["font.family"]), matplotlib.rcParams["axes.unicode_minus"])
assert after == before, (before, after)
assert plt.get_fignums() == [], plt.get_fignums()  # no figure left for the inline backend to show
assert "koreanize_matplotlib" not in sys.modules  # its import restyles the whole session
assert all((out / n).stat().st_size > 5000 for n in ("a.png", "b.png", "c.png"))
"""


def test_drawing_a_plot_leaves_the_callers_matplotlib_alone(tmp_path):
    """Showing a long_term report in a notebook switched the backend to Agg and rewrote rcParams for the session:
    the user's own plots after it drew nothing (``plt.show()`` under Agg) or drew in NanumGothic."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", LEAVES_ALONE, str(tmp_path)], capture_output=True, text=True,
                         timeout=300, check=False)
    assert run.returncode == 0, run.stderr


def test_training_curves_tick_whole_steps(tmp_path, monkeypatch):
    """curves.png of a short run had ticks at steps 2.25, 2.5 …: optimizer steps are whole numbers."""
    from seqlab.render import plots
    from seqlab.render.training import training_curves_png

    figures = []
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: figures.append(fig) or path)
    history = [{"step": s, "train_loss": 1 / s, "val_loss": 1.1 / s, "train_accuracy": 0.5 + s / 10,
                "val_accuracy": 0.5 + s / 12} for s in (2, 3, 4)]
    training_curves_png(history, tmp_path / "curves.png", "lstm")
    for ax in figures[0].axes:
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
