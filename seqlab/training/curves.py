"""Training curves: loss and accuracy over steps, for train and validation, as one PNG."""

from __future__ import annotations

from pathlib import Path


def plot_curves(history: list[dict], path: Path, title: str) -> Path | None:
    if not history:
        return None
    from seqlab.render.plots import korean_matplotlib, save_figure

    plt = korean_matplotlib()
    steps = [h["step"] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.plot(steps, [h["train_loss"] for h in history], marker="o", label="train")
    ax1.plot(steps, [h["val_loss"] for h in history], marker="o", label="validation")
    ax1.set_title("loss")
    ax2.plot(steps, [h["train_accuracy"] for h in history], marker="o", label="train")
    ax2.plot(steps, [h["val_accuracy"] for h in history], marker="o", label="validation")
    ax2.set_title("accuracy")
    for ax in (ax1, ax2):
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    out = save_figure(fig, path)
    plt.close(fig)
    return out
