"""Pictures people would rather look at than read: 2-D scatter plots as PNG and self-contained HTML.

PNG goes through matplotlib with NanumGothic (bundled by koreanize-matplotlib),
so Hangul labels render instead of tofu boxes. HTML is one file with an inline
SVG (hover a point for its label and coordinates): no script, CDN or font
download, so it opens offline.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from seqlab.errors import InputError
from seqlab.storage import atomic_write_bytes, atomic_write_text


def korean_matplotlib():
    """matplotlib with a Hangul-capable font and a non-interactive backend."""
    import matplotlib

    matplotlib.use("Agg")
    import koreanize_matplotlib  # noqa: F401  registers NanumGothic as the default family
    import matplotlib.pyplot as plt

    plt.rcParams["axes.unicode_minus"] = False
    return plt


def save_figure(fig, path: Path) -> Path:
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return atomic_write_bytes(path, buffer.getvalue())


def scatter_png(labels: list[str], points: np.ndarray, path: Path, title: str, groups: list[str] | None = None) -> Path:
    plt = korean_matplotlib()
    fig, ax = plt.subplots(figsize=(8, 6.5))
    colors = plt.get_cmap("tab10")
    keys = list(dict.fromkeys(groups)) if groups else [None]
    for gi, key in enumerate(keys):
        sel = [i for i in range(len(labels)) if groups is None or groups[i] == key]
        ax.scatter(points[sel, 0], points[sel, 1], s=28, color=colors(gi % 10), label=key, alpha=0.85)
    for (x, y), label in zip(points, labels):
        ax.annotate(label if len(label) <= 24 else label[:23] + "…", (x, y), textcoords="offset points",
                    xytext=(4, 3), fontsize=9)
    if groups:
        ax.legend(loc="best", fontsize=8)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    path = save_figure(fig, path)
    plt.close(fig)
    return path


def scatter_html(labels: list[str], points: np.ndarray, path: Path, title: str, subtitle: str = "") -> Path:
    width, height, pad = 900, 640, 50
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    xy = pad + (points - lo) / span * np.array([width - 2 * pad, height - 2 * pad])
    xy[:, 1] = height - xy[:, 1]
    marks = []
    for (x, y), (px, py), label in zip(xy, points, labels):
        tip = html.escape(f"{label}  ({px:.3f}, {py:.3f})")
        marks.append(f'<g><title>{tip}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="4.5"/>'
                     f'<text x="{x + 6:.1f}" y="{y - 5:.1f}">{html.escape(label[:40])}</text></g>')
    doc = f"""<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: "NanumGothic", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; margin: 24px; }}
svg {{ border: 1px solid #ccc; background: #fff; }} circle {{ fill: #1f77b4; opacity: .8; }}
g:hover circle {{ fill: #d62728; r: 7; }} text {{ font-size: 12px; fill: #222; }}
</style></head><body>
<h2>{html.escape(title)}</h2><p>{html.escape(subtitle)}</p>
<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">{''.join(marks)}</svg>
</body></html>
"""
    return atomic_write_text(path, doc)


def write_scatter(labels: list[str], points: np.ndarray, out: str | Path, title: str, subtitle: str = "") -> Path:
    """PNG or HTML by the file's extension."""
    out = Path(out)
    if out.suffix.lower() == ".png":
        return scatter_png(labels, points, out, title)
    if out.suffix.lower() in (".html", ".htm"):
        return scatter_html(labels, points, out, title, subtitle)
    raise InputError(f"cannot write a plot to {out.name}", "Use a .png or .html file name.")
