"""Plots: a log axis with zeros (gradients that underflowed) still shows the real values; symbols are readable."""

import re

from seqlab.render.plots import korean_matplotlib, write_lines


def test_zeros_on_a_log_axis_are_drawn_one_decade_below_the_smallest_value(tmp_path):
    """A zero was drawn at 1e-300 (1e-308 in order-demo), so the axis ran over 300 decades and the real values
    (1e-11 … 0.47) sat in a flat band."""
    series = {"rnn": [0.0, 0.0, 1e-11, 1e-6, 0.47], "lstm": [1e-4, 1e-3, 1e-2, 1e-1, 1.0]}
    page = write_lines(series, tmp_path / "g.html", "‖∂L/∂h_k‖", "step k", "norm", log_y=True).read_text()
    exponents = [int(e) for e in re.findall(r">1e(-?\d+)</text>", page)]
    assert min(exponents) == -12 and max(exponents) == 0, exponents  # was -300
    assert "0 (underflow), drawn at 1e-12" in page
    assert write_lines(series, tmp_path / "g.png", "‖∂L/∂h_k‖²", "k", "norm", log_y=True).stat().st_size > 0


def test_symbols_and_latin_come_from_dejavu_and_hangul_from_nanum():
    """NanumGothic drew ², ∂ and σ a few pixels tall in every plot title."""
    from matplotlib import font_manager

    plt = korean_matplotlib(symbols=True)  # the line charts: gradient norms, losses
    families = list(plt.rcParams["font.family"])
    assert families[0] == "DejaVu Sans" and "NanumGothic" in families
    assert korean_matplotlib().rcParams["font.family"][0] == "NanumGothic"  # scatter labels: as they were tuned
    assert font_manager.findfont(font_manager.FontProperties(family="NanumGothic"), fallback_to_default=False)


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
