"""Pictures people would rather look at than read: 2-D scatter plots as PNG and self-contained HTML.

PNG goes through matplotlib with NanumGothic (bundled by koreanize-matplotlib),
so Hangul labels render instead of tofu boxes. HTML is one file with an inline
SVG (hover a point for its label and coordinates): no script, CDN or font
download, so it opens offline.
"""

from __future__ import annotations

import functools
import html
import math
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import _, current
from seqlab.storage import atomic_write_bytes, atomic_write_text
from seqlab.vectors.word_input import source_label


def nanum_fonts() -> list[Path]:
    """The NanumGothic files koreanize-matplotlib bundles, found without importing it: its import restyles every
    plot of the session (a notebook's own plots included)."""
    import importlib.util

    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return []
    return sorted((Path(next(iter(spec.submodule_search_locations))) / "fonts").glob("NanumGothic*.ttf"))


@functools.cache
def _register_fonts() -> None:
    """NanumGothic in matplotlib's font list (adding a font changes no one's style: families are chosen by name)."""
    from matplotlib import font_manager

    for path in nanum_fonts():
        font_manager.fontManager.addfont(str(path))


@contextmanager
def korean_figure(symbols: bool = False, **figure_options):
    """A matplotlib ``Figure`` with a Hangul-capable font, to be drawn and saved inside the ``with`` block.

    The figure is seqlab's own: no pyplot (a notebook's inline backend neither shows nor keeps it), no backend
    switch, and the font settings hold inside the block only, so the user's own plots keep their style. With
    ``symbols`` (charts whose titles carry ², ∂, σ or ‖), Latin text and symbols come from DejaVu Sans first:
    NanumGothic draws them tiny; matplotlib falls back glyph by glyph, so Hangul still comes from NanumGothic.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _register_fonts()
    families = ["DejaVu Sans", "NanumGothic"] if symbols else ["NanumGothic"]
    with matplotlib.rc_context({"font.family": families, "axes.unicode_minus": False}):
        fig = Figure(**figure_options)
        FigureCanvasAgg(fig)  # drawn off screen: text sizes for the label spreading, and PNG
        yield fig


def save_figure(fig, path: Path) -> Path:
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return atomic_write_bytes(path, buffer.getvalue())


LABEL_CHARS = 24  # longer labels are cut, with "…"
LEADER_PX = 14  # a label moved further than this from its point gets a thin line back to it
SPREAD_MAX = 40  # labels spread apart up to this many points (adjustText: about 3 s for 50 on 2 cores, 25 s for 80)


def short_label(label: str) -> str:
    """
    >>> short_label("가" * 30)[-2:], len(short_label("가" * 30))
    ('가…', 24)
    """
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def spread_labels(ax, texts: list, points: np.ndarray) -> None:
    """Move ``texts`` (already on ``ax``, one beside each point) until no two overlap and none covers a point.

    adjustText's iterative repulsion (Flyamer, ``adjustText``); a label that moved away from its
    point gets a grey leader line. A fixed number of iterations, so the same input always gives
    the same picture. Above :data:`SPREAD_MAX` points the labels stay beside their points (the
    repulsion grows with the square of the count); :func:`labels_spread` says which.
    """
    from adjustText import adjust_text

    if len(texts) < 2 or not labels_spread(len(texts)):
        return
    adjust_text(texts, x=points[:, 0], y=points[:, 1], ax=ax, iter_lim=300,
                arrowprops={"arrowstyle": "-", "color": "0.55", "lw": 0.6}, min_arrow_len=LEADER_PX)


def labels_spread(n: int) -> bool:
    """Whether a scatter of ``n`` points gets its labels moved apart (else they may overlap)."""
    return n <= SPREAD_MAX


KEY_CHARS = 60  # a sentence longer than this is cut, with "…", in a PNG's key (the HTML's list shows it whole)
KEY_ROWS = 60  # a PNG's key lists this many sentences at most (the picture would grow a page per 50 more)


def key_line(number: int, label: str) -> str:
    """One line of a numbered plot's key.

    >>> key_line(3, "가" * 70)[:6], len(key_line(3, "가" * 70))
    ('3. 가가가', 63)
    """
    return f"{number}. " + (label if len(label) <= KEY_CHARS else label[: KEY_CHARS - 1] + "…")


def scatter_png(labels: list[str], points: np.ndarray, path: Path, title: str, groups: list[str] | None = None,
                numbered: bool = False) -> Path:
    """With ``numbered`` (sentences: labels too long to place beside their points), each point is labelled with
    its number, and a key beside the plot lists the labels."""
    from matplotlib import colormaps

    key_rows = min(max(len(labels), 1), KEY_ROWS + 1)
    with korean_figure(figsize=(13, max(6.5, 0.19 * key_rows + 1.0)) if numbered else (8, 6.5)) as fig:
        ax = fig.add_axes((0.06, 0.08, 0.52, 0.82)) if numbered else fig.add_subplot()
        colors = colormaps["tab10"]
        keys = list(dict.fromkeys(groups)) if groups else [None]
        for gi, key in enumerate(keys):
            sel = [i for i in range(len(labels)) if groups is None or groups[i] == key]
            ax.scatter(points[sel, 0], points[sel, 1], s=28, color=colors(gi % 10), label=key, alpha=0.85)
        shown = [str(i + 1) for i in range(len(labels))] if numbered else [short_label(label) for label in labels]
        texts = [ax.text(x, y, text, fontsize=9) for (x, y), text in zip(points, shown)]
        spread_labels(ax, texts, points)
        if numbered:
            key = [key_line(i + 1, label) for i, label in enumerate(labels[:KEY_ROWS])]
            if len(labels) > KEY_ROWS:
                key.append(_("… and {n:,} more (an --out FILE.html plot lists every sentence)").format(
                    n=len(labels) - KEY_ROWS))
            fig.text(0.62, 0.9, "\n".join(key), fontsize=9, va="top", ha="left", linespacing=1.45)
        if groups:
            ax.legend(loc="best", fontsize=8)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        return save_figure(fig, path)


def svg_label_positions(xy: np.ndarray, labels: list[str], width: int, height: int, font_px: float) -> np.ndarray:
    """Where each label of an SVG scatter goes (its text's left baseline, in the SVG's pixels, y down).

    The same :func:`spread_labels` as the PNG, run on an off-screen matplotlib figure of the
    SVG's size in pixels, with the page's font at the same pixel size.
    """
    with korean_figure(figsize=(width / 100, height / 100), dpi=100) as fig:  # the page's font, so its widths
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)  # y grows downwards, as in SVG
        ax.axis("off")
        ax.scatter(xy[:, 0], xy[:, 1], s=20)
        texts = [ax.text(x + 6, y - 5, label, fontsize=font_px * 72 / 100) for (x, y), label in zip(xy, labels)]
        spread_labels(ax, texts, xy)
        return np.array([t.get_position() for t in texts], dtype=float).reshape(len(labels), 2)


def scatter_html(labels: list[str], points: np.ndarray, path: Path, title: str, subtitle: str = "",
                 numbered: bool = False) -> Path:
    """With ``numbered``, each point is labelled with its number and the labels are listed, whole, below."""
    width, height, pad, font_px = 900, 640, 50, 12
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    xy = pad + (points - lo) / span * np.array([width - 2 * pad, height - 2 * pad])
    xy[:, 1] = height - xy[:, 1]
    shown = [str(i + 1) for i in range(len(labels))] if numbered else [short_label(label) for label in labels]
    at = svg_label_positions(xy, shown, width, height, font_px)
    marks = []
    for (x, y), (tx, ty), (px, py), label, text in zip(xy, at, points, labels, shown):
        tip = html.escape(f"{label}  ({px:.3f}, {py:.3f})")
        leader = (f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{tx:.1f}" y2="{ty - font_px / 3:.1f}"/>'
                  if math.hypot(tx - x - 6, ty - y + 5) > LEADER_PX else "")
        marks.append(f'<g><title>{tip}</title>{leader}<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5"/>'
                     f'<text x="{tx:.1f}" y="{ty:.1f}">{html.escape(text)}</text></g>')
    key = ("<ol>" + "".join(f"<li>{html.escape(label)}</li>" for label in labels) + "</ol>\n") if numbered else ""
    doc = f"""<!doctype html>
<html lang="{current()}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: "NanumGothic", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; margin: 24px; }}
svg {{ border: 1px solid #ccc; background: #fff; }} circle {{ fill: #1f77b4; opacity: .8; }}
g:hover circle {{ fill: #d62728; r: 7; }} text {{ font-size: {font_px}px; fill: #222; }}
line {{ stroke: #999; stroke-width: .8; }} ol {{ max-width: 900px; line-height: 1.5; }}
</style></head><body>
<h2>{html.escape(title)}</h2><p>{html.escape(subtitle)}</p>
<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">{''.join(marks)}</svg>
{key}</body></html>
"""
    return atomic_write_text(path, doc)


PLOT_SUFFIXES = (".png", ".html", ".htm")


def check_plot_path(out: str | Path) -> Path:
    """A plot goes to a .png or .html file; say so before any work is done."""
    out = Path(out)
    if out.suffix.lower() not in PLOT_SUFFIXES:
        raise InputError(_("cannot write a plot to {name}").format(name=out.name), _("Use a .png or .html file name."))
    if out.is_dir():
        raise InputError(_("{path} is a folder, not {what}").format(path=out, what=_("a file name")),
                         _("Give a file name ending in .png or .html."))
    return out


def write_scatter(projection, out: str | Path, sentences: bool = False) -> Path:
    """A :class:`~seqlab.vectors.projection.Projection` as PNG or HTML, by the file's extension."""
    out = check_plot_path(out)
    labels, points = projection.labels, projection.points
    title = (_("{n} sentences") if sentences else _("{n} words")).format(n=len(labels))
    subtitle = f"{source_label(projection.source)} · {projection.method.upper()}"
    if projection.explained:
        subtitle += " · " + _("explained variance {a:.1%} + {b:.1%}").format(a=projection.explained[0],
                                                                             b=projection.explained[1])
    if out.suffix.lower() == ".png":  # sentences: numbered points and a key (their labels would not fit beside)
        return scatter_png(labels, points, out, f"{title}\n{subtitle}", numbered=sentences)
    return scatter_html(labels, points, out, title, subtitle, numbered=sentences)


def _xs(x, name: str, n: int) -> list:
    """The x values of one series: ``x`` shared by all, a dict of per-series lists, or 0..n-1."""
    if isinstance(x, dict):
        return x[name]
    return x or list(range(n))


def _floor(values, floor):
    return [floor if math.isnan(v) else max(v, floor) for v in values]


def _zero_floor(series: dict[str, list[float]]) -> tuple[float, bool]:
    """Where a log axis draws zeros (gradients that underflowed): one decade below the smallest value above 0,
    so the axis spans the real values (at 1e-300 they sat in a flat band); and whether there is any zero."""
    values = [v for vs in series.values() for v in vs if not math.isnan(v)]
    positive = [v for v in values if v > 0]
    return (min(positive) / 10 if positive else 1.0), any(v <= 0 for v in values)


def lines_png(series: dict[str, list[float]], path: Path, title: str, xlabel: str, ylabel: str,
              log_y: bool = False, x: list[float] | dict | None = None, subtitle: str = "",
              zero: str | None = None) -> Path:
    """Line chart PNG; with ``log_y``, zeros are drawn on a dotted line one decade below the smallest value, named
    in the legend by ``zero`` ("0 (…), drawn at {floor}"; default: gradients that underflowed)."""
    with korean_figure(symbols=True, figsize=(8, 5)) as fig:
        ax = fig.subplots()
        floor, zeros = _zero_floor(series) if log_y else (0.0, False)
        if zeros:
            ax.axhline(floor, color="grey", linestyle=":", linewidth=1,
                       label=(zero or _("0 (underflow), drawn at {floor:.0e}")).format(floor=floor))
        for name, values in series.items():
            xs = _xs(x, name, len(values))
            ax.plot(xs, _floor(values, floor) if log_y else values, label=name, linewidth=1.8)
        if log_y:
            from matplotlib.ticker import FuncFormatter, LogFormatter, LogLocator

            ax.set_yscale("log")
            # plain "1e-05" labels: NanumGothic has no math-text minus sign for the default 10^-5 labels; the same for
            # the minor ticks' labels that matplotlib adds when the data span less than a few decades ("6×10^-1")
            ax.yaxis.set_major_locator(LogLocator(base=10, numticks=12))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))
            ax.yaxis.set_minor_formatter(LogFormatter(base=10, labelOnlyBase=False))
        ax.set_title(title + (f"\n{subtitle}" if subtitle else ""), fontsize=11)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3, which="both")
        ax.legend()
        path = save_figure(fig, path)
        return path


def nice_ticks(lo: float, hi: float, decades: bool = False, most: int = 8) -> list[float]:
    """Tick values covering [lo, hi]: whole numbers (powers of ten on a log axis, ``decades``: lo and hi are
    exponents), else steps of 1, 2 or 5 × 10^k, at most about ``most`` of them.

    >>> nice_ticks(-2.3, -0.4, decades=True), nice_ticks(0, 97)
    ([-3, -2, -1, 0], [0, 20, 40, 60, 80, 100])
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0, 1]
    if decades:
        first, last = math.floor(lo), math.ceil(hi)
        step = max(1, math.ceil((last - first) / most))
        return list(range(first, last + 1, step)) if (last - first) % step == 0 else \
            list(range(first, last + step, step))
    span = hi - lo if hi > lo else 1.0
    raw = span / (most - 2)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    return [round(first + k * step, 12) for k in range(math.ceil((hi - first) / step - 1e-9) + 1)]


def lines_html(series: dict[str, list[float]], path: Path, title: str, xlabel: str, ylabel: str,
               log_y: bool = False, subtitle: str = "", x: list[float] | dict | None = None,
               zero: str | None = None) -> Path:
    """The same chart as one self-contained HTML page (inline SVG; hover a point for its value)."""
    floor, zeros = _zero_floor(series) if log_y else (0.0, False)
    if zeros:
        subtitle = (subtitle + " · " if subtitle else "") + (zero or _("0 (underflow), drawn at {floor:.0e}")).format(
            floor=floor)
    width, height, left, right, top, bottom = 860, 480, 80, 150, 20, 50
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    ys_all = [v for vs in series.values() for v in (_floor(vs, floor) if log_y else vs)
              if math.isfinite(v) and (v > 0 or not log_y)] or [1.0]  # a diverged run's inf or nan is not drawn
    tf = (lambda v: np.log10(v)) if log_y else (lambda v: v)
    lo, hi = tf(min(ys_all)), tf(max(ys_all))
    hi = hi if hi > lo else lo + 1
    y_ticks = nice_ticks(lo, hi, decades=log_y)
    lo, hi = min(lo, y_ticks[0]), max(hi, y_ticks[-1])  # the axis ends on a tick: every gridline is labelled
    n = max(len(v) for v in series.values())
    xs_ref = [v for name, vs in series.items() for v in _xs(x, name, len(vs))] or list(range(n))
    x_lo, x_hi = min(xs_ref), max(max(xs_ref), min(xs_ref) + 1)

    def px(i, v, xs):
        X = left + (xs[i] - x_lo) / (x_hi - x_lo) * (width - left - right)
        Y = top + (1 - (tf(v) - lo) / (hi - lo)) * (height - top - bottom)
        return X, Y

    parts = []
    for k, (name, values) in enumerate(series.items()):
        vals = _floor(values, floor) if log_y else values
        xs = _xs(x, name, len(vals))
        drawn = [i for i, v in enumerate(vals) if math.isfinite(v) and (v > 0 or not log_y)]  # inf/nan: no point
        pts = {i: px(i, vals[i], xs) for i in drawn}
        color = colors[k % len(colors)]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                     + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts.values()) + '"/>')
        for i, (a, b) in pts.items():
            parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.5" fill="{color}"><title>'
                         f'{html.escape(name)} · {xs[i]}: {values[i]:.3e}</title></circle>')
        parts.append(f'<text x="{width - right + 10}" y="{top + 20 + 18 * k}" fill="{color}">{html.escape(name)}</text>')
    ticks = []
    for v in y_ticks:  # at exact powers of ten on a log axis ("1e-2 1e-2 1e-1" came from rounding even steps)
        y = top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom)
        label = f"1e{round(v)}" if log_y else f"{v:.6g}"
        ticks.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
                     f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
    for v in nice_ticks(x_lo, x_hi):
        if x_lo <= v <= x_hi:
            X = left + (v - x_lo) / (x_hi - x_lo) * (width - left - right)
            ticks.append(f'<text x="{X:.1f}" y="{height - bottom + 16}" text-anchor="middle">{v:.6g}</text>')
    doc = f"""<!doctype html>
<html lang="{current()}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body {{ font-family: "NanumGothic", "Noto Sans CJK KR", sans-serif; margin: 24px; }}
text {{ font-size: 12px; fill: #333; }} svg {{ background: #fff; border: 1px solid #ccc; }}</style></head><body>
<h2>{html.escape(title)}</h2><p>{html.escape(subtitle)}</p>
<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}">{''.join(ticks)}{''.join(parts)}
<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">{html.escape(xlabel)}</text>
<text x="16" y="{height / 2}" transform="rotate(-90 16 {height / 2})" text-anchor="middle">{html.escape(ylabel)}</text>
</svg></body></html>
"""
    return atomic_write_text(path, doc)


def write_lines(series, out: str | Path, title: str, xlabel: str, ylabel: str, log_y: bool = False,
                subtitle: str = "", x: list[float] | dict | None = None, zero: str | None = None) -> Path:
    out = check_plot_path(out)
    if out.suffix.lower() == ".png":
        return lines_png(series, out, title, xlabel, ylabel, log_y, x=x, subtitle=subtitle, zero=zero)
    return lines_html(series, out, title, xlabel, ylabel, log_y, subtitle=subtitle, x=x, zero=zero)
