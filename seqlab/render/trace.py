"""Recurrent traces as terminal tables, Markdown and a self-contained HTML page (records in, text out)."""

from __future__ import annotations

import html

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seqlab.scratch.tracing import TraceReport

LABELS = {
    "x": "x_t", "x_proj": "W_ih·x_t", "h_prev": "h_{t-1}", "h_proj": "W_hh·h_{t-1}", "bias": "b_ih+b_hh",
    "pre": "pre (sum)", "h": "h_t", "pre_i": "i pre", "pre_f": "f pre", "pre_g": "g pre", "pre_o": "o pre",
    "i": "i=σ input", "f": "f=σ forget", "g": "g=tanh cand.", "o": "o=σ output", "c_prev": "c_{t-1}",
    "c": "c_t=f·c+i·g", "r": "r=σ reset", "z": "z=σ update", "hn": "W_hn·h+b_hn", "n": "n=tanh(...)",
}
TITLES = {"rnn": "h_t = tanh(W_ih·x_t + W_hh·h_{t-1} + b)",
          "lstm": "c_t = f*c_{t-1} + i*g,  h_t = o*tanh(c_t)",
          "gru": "h_t = (1-z)*n + z*h_{t-1}"}
SMALL = 64  # matrices with at most this many numbers are printed in full


def fmt_vector(values, precision: int = 4, limit: int = 8) -> str:
    v = np.asarray(values, dtype=float).ravel()
    f = f"{{:+.{precision}f}}"
    if len(v) <= limit:
        return "[" + " ".join(f.format(x) for x in v) + "]"
    head = " ".join(f.format(x) for x in v[: limit - 1])
    return f"[{head} … {f.format(v[-1])}]  ({len(v)} numbers)"


def _matrix_table(name: str, m: np.ndarray, precision: int) -> Table:
    m = np.atleast_2d(m)
    table = Table(title=f"{name} {list(np.shape(m))}", title_justify="left", show_header=False)
    for _ in range(m.shape[1]):
        table.add_column(justify="right")
    for row in m:
        table.add_row(*[f"{x:+.{precision}f}" for x in row])
    return table


def render_terminal(report: TraceReport, console: Console, precision: int = 4, limit: int = 8) -> None:
    console.print(f"[bold]seqlab trace {report.cell}[/] · {escape(report.model)} · hidden {report.hidden} · "
                  f"input {report.input_dim} · seed {report.seed}")
    console.print(f"inputs: {escape(report.input_source)}")
    console.print(f"equations: {TITLES[report.cell]}")
    if report.checkpoint:
        console.print(f"weights: trained checkpoint {escape(report.checkpoint)}")
    for name, m in report.weights.items():
        if np.ndim(m) == 1 and np.size(m) <= SMALL:
            console.print(f"{name} = {fmt_vector(m, precision, SMALL)}")
        elif np.size(m) <= SMALL:
            console.print(_matrix_table(name, m, precision))
        else:
            console.print(f"{name}: shape {list(np.shape(m))} (too large to print; use --hidden/--input-dim small)")
    for step in report.steps:
        table = Table(title=f"t = {step['t']}  token {escape(step['token'])}", title_justify="left")
        table.add_column("quantity", no_wrap=True)
        table.add_column("values", no_wrap=True, overflow="ellipsis")
        for key, value in step.items():
            if key in ("t", "token"):
                continue
            table.add_row(LABELS.get(key, key), fmt_vector(value, precision, limit))
        console.print(table)
    console.print(f"[bold]final hidden state[/] h_T = {fmt_vector(report.final.get('h', []), precision, limit)}")
    if "c" in report.final:
        console.print(f"final cell state c_T = {fmt_vector(report.final['c'], precision, limit)}")
    if report.backward:
        b = report.backward
        console.print(f"\n[bold]backward[/]: {b['loss']} = {b['value']:.{precision}f}")
        table = Table(title="gradients per step (BPTT)", title_justify="left")
        for col in ("t", "token", "‖dL/dh_t‖", "dL/dh_t") + (("dL/dc_t",) if report.cell == "lstm" else ()) + \
                ("‖step's dW_hh‖",):
            table.add_column(col, no_wrap=True)
        for s in b["steps"]:
            row = [str(s["t"]), escape(s["token"]), f"{s['dh_norm']:.3e}", fmt_vector(s["dh"], precision, 4)]
            if report.cell == "lstm":
                row.append(fmt_vector(s["dc"], precision, 4))
            row.append(f"{np.linalg.norm(s['dW_hh']):.3e}")
            table.add_row(*row)
        console.print(table)
        total = sum(s["dW_hh"] for s in b["steps"])
        console.print(f"dW_hh = Σ_t (step contributions): max |Σ - dW_hh| = "
                      f"{np.abs(total - b['dW_hh']).max():.1e} (weight sharing)")
        if np.size(b["dW_hh"]) <= SMALL:
            console.print(_matrix_table("dW_hh", b["dW_hh"], precision))


def render_markdown(report: TraceReport, precision: int = 4, limit: int = 8) -> str:
    out = [f"# seqlab trace `{report.cell}` · `{report.model}`", "",
           f"- text: `{report.text}`", f"- inputs: {report.input_source}",
           f"- hidden {report.hidden}, input {report.input_dim}, seed {report.seed}",
           f"- equations: `{TITLES[report.cell]}`", ""]
    for name, m in report.weights.items():
        if np.size(m) <= SMALL:
            rows = np.atleast_2d(m)
            out += [f"**{name}** {list(np.shape(m))}", "", "| " + " | ".join([""] * rows.shape[1]) + " |",
                    "|" + "---:|" * rows.shape[1]]
            out += ["| " + " | ".join(f"{x:+.{precision}f}" for x in r) + " |" for r in rows]
            out.append("")
    for step in report.steps:
        out += [f"## t = {step['t']}: `{step['token']}`", "", "| quantity | values |", "|---|---|"]
        out += [f"| {LABELS.get(k, k)} | `{fmt_vector(v, precision, limit)}` |" for k, v in step.items()
                if k not in ("t", "token")]
        out.append("")
    out.append(f"**h_T** = `{fmt_vector(report.final.get('h', []), precision, limit)}`")
    if report.backward:
        b = report.backward
        out += ["", f"## Backward: {b['loss']} = {b['value']:.{precision}f}", "",
                "| t | token | ‖dL/dh_t‖ | ‖step's dW_hh‖ |", "|---:|---|---:|---:|"]
        out += [f"| {s['t']} | `{s['token']}` | {s['dh_norm']:.3e} | {np.linalg.norm(s['dW_hh']):.3e} |"
                for s in b["steps"]]
    return "\n".join(out) + "\n"


def _bars(values, precision: int) -> str:
    v = np.asarray(values, dtype=float).ravel()
    scale = max(1.0, float(np.abs(v).max(initial=0)))
    cells = []
    for x in v[:64]:
        width = abs(x) / scale * 50
        side = "pos" if x >= 0 else "neg"
        cells.append(f'<span class="bar" title="{x:+.{precision}f}"><i class="{side}" style="width:{width:.1f}px">'
                     f'</i></span>')
    more = f" … {len(v) - 64} more" if len(v) > 64 else ""
    return "".join(cells) + more


def render_html(report: TraceReport, precision: int = 4, limit: int = 8) -> str:
    """One self-contained page: a table per step, numbers plus small bars (hover a bar for its value)."""
    e = html.escape
    parts = [f"<h1>seqlab trace {e(report.cell)} · {e(report.model)}</h1>",
             f"<p>{e(report.text)}</p><p>inputs: {e(report.input_source)}<br>hidden {report.hidden}, "
             f"input {report.input_dim}, seed {report.seed}<br><code>{e(TITLES[report.cell])}</code></p>"]
    for name, m in report.weights.items():
        if np.size(m) <= SMALL:
            rows = "".join("<tr>" + "".join(f"<td>{x:+.{precision}f}</td>" for x in r) + "</tr>"
                           for r in np.atleast_2d(m))
            parts.append(f"<h3>{e(name)} {list(np.shape(m))}</h3><table class='m'>{rows}</table>")
    for step in report.steps:
        rows = "".join(f"<tr><th>{e(LABELS.get(k, k))}</th><td><code>{e(fmt_vector(v, precision, limit))}</code></td>"
                       f"<td>{_bars(v, precision)}</td></tr>" for k, v in step.items() if k not in ("t", "token"))
        parts.append(f"<h2>t = {step['t']}: {e(step['token'])}</h2><table>{rows}</table>")
    parts.append(f"<h2>final h_T</h2><code>{e(fmt_vector(report.final.get('h', []), precision, limit))}</code>")
    if report.backward:
        b = report.backward
        rows = "".join(f"<tr><td>{s['t']}</td><td>{e(s['token'])}</td><td>{s['dh_norm']:.3e}</td>"
                       f"<td>{np.linalg.norm(s['dW_hh']):.3e}</td></tr>" for s in b["steps"])
        parts.append(f"<h2>backward: {e(b['loss'])} = {b['value']:.{precision}f}</h2><table><tr><th>t</th>"
                     f"<th>token</th><th>‖dL/dh_t‖</th><th>‖step's dW_hh‖</th></tr>{rows}</table>")
    style = ("body{font-family:'NanumGothic','Noto Sans CJK KR','Apple SD Gothic Neo','Malgun Gothic',sans-serif;"
             "margin:24px} table{border-collapse:collapse;margin:6px 0} td,th{border:1px solid #ddd;padding:3px 6px;"
             "text-align:left;font-size:13px} .bar{display:inline-block;width:52px;height:10px;margin-right:2px;"
             "background:#f3f3f3;position:relative} .bar i{position:absolute;left:0;top:0;height:10px}"
             " .pos{background:#1f77b4} .neg{background:#d62728} table.m td{text-align:right}")
    return (f"<!doctype html><html lang='ko'><head><meta charset='utf-8'><title>seqlab trace</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n")


def seq2seq_text(report: dict, precision: int = 3) -> str:
    """A trained Seq2Seq's decoding: each output character with its attention over the source."""
    lines = [f"source: {report['source']}", f"output: {report['output']}", "", "attention (each output step → source):"]
    src = list(report["source"])
    for ch, weights in zip(report["output"], report["attention"]):
        top = sorted(range(len(weights)), key=lambda j: -weights[j])[:3]
        lines.append(f"  {ch!r:>5}: " + "  ".join(f"{src[j]}({weights[j]:.{precision}f})" for j in top))
    return "\n".join(lines)
