"""Recurrent traces as terminal tables, Markdown and a self-contained HTML page (records in, text out).

Every label follows the lecture: ``W_xh`` and ``W_hh`` (torch's names are shown once,
beside the weights), the LSTM's gates in the order forget, input, output, then the
candidate, and each stacked weight matrix split into its gates' row blocks.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seqlab.i18n import N_, _, current
from seqlab.pipeline.tracing import EQUATIONS, TraceReport
from seqlab.render.console import in_python, table_width, titled_table
from seqlab.render.visible import visible
from seqlab.scratch.torch_layout import GATES as TORCH_ORDER

# the name of each row of a step (the record's field), shown beside its symbol
ROW_NAMES = {"x": N_("input"), "h_prev": N_("previous hidden state"), "c_prev": N_("previous cell state"),
             "bias": N_("bias"), "f": N_("forget gate"), "i": N_("input gate"), "o": N_("output gate"),
             "g": N_("candidate"), "c": N_("cell state"), "h": N_("hidden state"), "r": N_("reset gate"),
             "z": N_("update gate"), "n": N_("candidate"), "hn": N_("what the reset gate scales")}


def step_rows(cell: str) -> list[tuple[str, str, str, str]]:
    """(field, symbol, name, equation) of each row of a step's table, from the record's own :data:`EQUATIONS`;
    the stacked rows of a gated cell name their gate blocks in torch's order."""
    blocks = _("gate blocks {order}").format(order="|".join(TORCH_ORDER[cell]))

    def equation(key: str, rhs: str) -> str:  # the stacked rows name their blocks, as the page's rows do
        if cell == "rnn" or key not in STACKED:
            return rhs
        return f"{rhs} ({blocks})" if rhs else blocks

    return [(key, symbol, _(ROW_NAMES[key]) if key in ROW_NAMES else "", equation(key, rhs))
            for key, symbol, rhs in EQUATIONS[cell]]


def gate_blocks(cell: str) -> str:
    """" (rows: gate blocks i|f|g|o)" after a gated cell's stacked matrix (its dW_hh as its W_hh), "" for an RNN."""
    if cell == "rnn":
        return ""
    return " (" + _("rows: gate blocks {order}").format(order="|".join(TORCH_ORDER[cell])) + ")"


STACKED = ("x_proj", "h_proj", "bias")  # a gated cell's rows that hold every gate's block, in torch's order


def backward_notes(report: TraceReport) -> list[str]:
    """What a backward table is read with, in every view (terminal, Markdown, HTML, the page, a notebook): why step
    0's share of dW_hh is 0 beside a gradient that is not (a student read it as a bug)."""
    b = report.backward
    if b is None or not b.steps or np.any(b.steps[0].dW_hh):
        return []
    return [_("‖dW_hh(0)‖ = 0: each step's share of dW_hh is its gradient times the hidden state it read, h_(t-1), "
              "and step 0 read h_(-1) = 0.")]


def row_label(symbol: str, name: str) -> str:
    return f"{symbol} {name}".strip()


def input_description(report: TraceReport) -> str:
    """Where x_t comes from, in words: rows of the input embedding matrix, last_hidden_state, or a trained model."""
    if report.input_kind == "trained_embedding":
        text = _("the trained embedding of {run}").format(run=report.checkpoint)
    elif report.input_kind == "last_hidden_state":
        text = _("last_hidden_state of {model}").format(model=report.model)
    else:
        text = _("token embeddings of {model} (rows of its input embedding matrix, not last_hidden_state)").format(
            model=report.model)
    if report.input_pca and report.input_kind == "last_hidden_state":
        text += ", " + _("reduced to {k} numbers by PCA over this text's own vectors: x = (h - mean)·V_k").format(
            k=report.input_pca)
    elif report.input_pca:  # every row of the matrix, those no token id reaches included (e5-small: 35 of them)
        text += ", " + _("reduced to {k} numbers by PCA over the whole input embedding matrix: x = (e - mean)·V_k")\
            .format(k=report.input_pca)
    more = []
    if report.dropped:
        more.append(_("the model reads at most {limit:,} tokens, so the text's last {dropped:,} were cut before it "
                      "(the trace has {limit:,} steps)").format(limit=report.max_length, dropped=report.dropped))
    if report.window:
        more.append(_("the input embedding matrix has no window, so all {n:,} tokens are read (the encoder reads at "
                      "most {window:,}: explain, and embed by default, cut the text there)").format(
            n=len(report.tokens), window=report.window))
    if report.quantized == "Q4_0" and not report.input_pca:  # after PCA, x_t = (e - mean)·V_k: no steps left
        more.append(_("its weights were stored in 4 bits (blocks of 32 numbers sharing one scale), so every number "
                      "of x_t is a whole multiple of its block's step"))
    for clause in more:  # "; " in English; a language without it ends a sentence there (Korean: ". ")
        text = _("{clause}; {more}").format(clause=text, more=clause)
    return text


MAX_STEP_TABLES = 50  # the terminal shows this many steps' tables (the last one included); the files have all

STATE_ROWS = {"rnn": ("pre", "h"), "lstm": ("c", "h"), "gru": ("n", "h")}  # the rows that make the new state


def state_equations(cell: str) -> str:
    """The heading's equations: the rows of :data:`EQUATIONS` that make the new state (a_t and h_t of an RNN)."""
    return ", ".join(f"{symbol} = {rhs}" for key, symbol, rhs in EQUATIONS[cell] if key in STATE_ROWS[cell])


# torch stacks the gates' rows in ``TORCH_ORDER`` (its converter's GATES); the lecture reads them in ``LECTURE_ORDER``
LECTURE_ORDER = {"rnn": ("h",), "lstm": ("f", "i", "o", "g"), "gru": ("r", "z", "n")}
WEIGHT_NAMES = {"W_ih": ("W_xh", "weight_ih_l0"), "W_hh": ("W_hh", "weight_hh_l0"),
                "b": ("b", "bias_ih_l0 + bias_hh_l0"),
                "b_ih": ("b_x", "bias_ih_l0"), "b_hh": ("b_h", "bias_hh_l0")}
SMALL = 64  # matrices with at most this many numbers are printed in full


def fmt_vector(values, precision: int = 4, limit: int = 8) -> str:
    v = np.asarray(values, dtype=float).ravel()
    f = f"{{:+.{precision}f}}"
    if len(v) <= limit:
        return "[" + " ".join(f.format(x) for x in v) + "]"
    head = " ".join(f.format(x) for x in v[: limit - 1])
    return f"[{head} … {f.format(v[-1])}]  " + _("({n} numbers)").format(n=len(v))


def weight_blocks(report: TraceReport) -> list[tuple[str, np.ndarray]]:
    """Each weight as the lecture names it, split into its gates' row blocks in the lecture's order.

    ``W_ih`` of an LSTM becomes ``W_xf``, ``W_xi``, ``W_xo``, ``W_xg``; the names say which rows of
    torch's matrix each block is.
    """
    blocks = []
    order, torch_order = LECTURE_ORDER[report.cell], TORCH_ORDER[report.cell]
    for key, value in report.weights.items():
        name, torch_name = WEIGHT_NAMES.get(key, (key, key))
        value = np.asarray(value)
        if len(order) == 1:
            blocks.append((f"{name} " + _("(torch: {name})").format(name=torch_name), value))
            continue
        H = value.shape[0] // len(order)
        for gate in order:
            # the GRU's candidate uses its two biases apart, the other gates their sum
            if report.cell == "gru" and (key == "b") == (gate == "n") and key in ("b", "b_ih", "b_hh"):
                continue
            k = torch_order.index(gate)
            short = f"b_{gate}" if key == "b" else f"{name}{gate}" if key in ("b_ih", "b_hh") else f"{name[:-1]}{gate}"
            blocks.append((short + " " + _("(rows {first}–{last} of torch's {name})").format(
                first=k * H, last=(k + 1) * H - 1, name=torch_name),
                           value[k * H : (k + 1) * H]))
    return blocks


def _matrix_tables(m: np.ndarray, precision: int, width: int | None = None) -> list[Table]:
    """The matrix as a boxed table; where that is wider than ``width``, without the box (8×8 at 4 digits fits 80
    columns), and where even that is too wide, in blocks of columns: never a cut number."""
    from rich import box

    m = np.atleast_2d(m)
    cells = [[f"{x:+.{precision}f}" for x in row] for row in m]
    boxed = width is None or table_width(cells) <= width
    header = len(_("col {j}").format(j=m.shape[1] - 1))  # the widest column header, shown when in blocks
    per_column = max(header, *(len(c) for row in cells for c in row)) + (3 if boxed else 2)
    step = m.shape[1] if boxed else max(1, min(m.shape[1], (width or 0) // per_column))
    tables = []
    for start in range(0, m.shape[1], step):
        table = Table(show_header=not boxed and step < m.shape[1], box=box.HEAVY_HEAD if boxed else None,
                      padding=(0, 1), show_edge=boxed)
        for j in range(start, min(start + step, m.shape[1])):
            table.add_column(_("col {j}").format(j=j) if step < m.shape[1] else "", justify="right")
        for row in cells:
            table.add_row(*row[start : start + step])
        tables.append(table)
    return tables


def _gate_means(step) -> str:
    means = getattr(step, "gate_means", None)  # the LSTM's
    return "" if not means else "  ".join(f"{k}̄ {v:.2f}" for k, v in means.items())


def header_lines(report: TraceReport) -> list[str]:
    lines = [_("seqlab trace {cell} · {model} · hidden {h} · input {i} · seed {seed}").format(
        cell=report.cell, model=report.model, h=report.hidden, i=report.input_dim, seed=report.seed)
        if not report.checkpoint else  # trained weights: no seed, and the run named in the reader's language
        _("seqlab trace {cell} · trained run {run} · hidden {h} · input {i}").format(
            cell=report.cell, run=Path(report.checkpoint).name, h=report.hidden, i=report.input_dim),
        _("inputs: {source}").format(source=input_description(report)),
        _("equations: {equations}").format(equations=state_equations(report.cell))]
    if report.checkpoint:
        lines.append(_("weights: trained checkpoint {run}").format(run=report.checkpoint))
        untraced = _untraced_parts(report.extra)
        if untraced:  # half a model is not traced in silence
            lines.append(_("note: this traces the first layer's forward direction only; the trained model also "
                           "has {parts}, which its prediction uses").format(parts=", ".join(untraced)))
    return lines


def _untraced_parts(extra: dict) -> list[str]:
    """What a trained model has beyond the traced first layer's forward direction."""
    parts = [_("a backward direction")] if extra.get("bidirectional") else []
    if extra.get("layers", 1) > 1:
        parts.append(_("{n} layers in all").format(n=extra["layers"]))
    return parts


def too_large(report: TraceReport, name: str, m: np.ndarray) -> str:
    """What every view says of a weight matrix too large to print (Markdown and HTML left it out unsaid)."""
    if in_python():
        shown = _("{name}: shape {shape} (too large to print; report.weights has every number)") \
            if report.checkpoint else _("{name}: shape {shape} (too large to print; use a small hidden size "
                                        "and input dimension: hidden= and input_dim=)")
    else:
        shown = _("{name}: shape {shape} (too large to print; --json has every number)") \
            if report.checkpoint else _("{name}: shape {shape} (too large to print; use a small hidden size "
                                        "and input dimension: --hidden and --input-dim)")
    return shown.format(name=name, shape=list(np.shape(m)))


def render_terminal(report: TraceReport, console: Console, precision: int = 4, limit: int = 8) -> None:
    head = header_lines(report)
    console.print(f"[bold]{escape(head[0])}[/]")
    for line in head[1:]:
        console.print(escape(line))
    for name, m in weight_blocks(report):
        if np.ndim(m) == 1 and np.size(m) <= SMALL:
            console.print(f"{name} = {fmt_vector(m, precision, SMALL)}")
        elif np.size(m) <= SMALL:
            console.print(f"{name} {list(np.shape(m))}")  # the name on its own line: a narrow table would wrap it
            for table in _matrix_tables(m, precision, console.width):
                console.print(table)
        else:
            console.print(too_large(report, name, m))
    wide = console.width >= 110  # the equation of each row in a column of its own
    if not wide:  # a narrow terminal: the equations once, above the steps (the column was dropped in silence)
        console.print(_("each row's equation (beside the rows from 110 columns on):"))
        for key, symbol, _name, formula in step_rows(report.cell):
            if formula:
                console.print(f"  {escape(symbol)}{': ' if key in ('x_proj', 'h_proj', 'hn') else ' = '}{escape(formula)}")
    for step in report.steps:
        if step.t == MAX_STEP_TABLES - 1 and len(report.steps) > MAX_STEP_TABLES:  # then only the last one
            hidden_steps = len(report.steps) - MAX_STEP_TABLES
            every = _("… {k:,} steps not shown here (t = {a:,}–{b:,}): report.steps has every step") if in_python() \
                else _("… {k:,} steps not shown here (t = {a:,}–{b:,}): --json, --markdown and --html have every step")
            console.print(every.format(k=hidden_steps, a=step.t, b=step.t + hidden_steps - 1))
        if MAX_STEP_TABLES - 1 <= step.t < len(report.steps) - 1:
            continue
        title = _("t = {t}  token {token}").format(t=step.t, token=escape(visible(step.token)))
        if getattr(step, "gate_means", None):
            title += f"  ({_gate_means(step)})"
        table = titled_table(title, title_justify="left")
        table.add_column(_("quantity"), no_wrap=True)
        if wide:
            table.add_column(_("equation"), no_wrap=True)
        table.add_column(_("values"))  # long vectors wrap between numbers
        for key, symbol, name, formula in step_rows(report.cell):
            cells = [escape(row_label(symbol, name))] + ([escape(formula)] if wide else [])
            table.add_row(*cells, fmt_vector(getattr(step, key), precision, limit))
        console.print(table)
    console.print(_("[bold]final hidden state[/] h_(T-1) = {values}").format(
        values=fmt_vector(report.final.get("h", []), precision, limit)))
    if "c" in report.final:
        console.print(_("final cell state c_(T-1) = {values}").format(values=fmt_vector(report.final["c"], precision,
                                                                                    limit)))
    if report.backward:
        b = report.backward
        console.print("\n" + _("[bold]backward[/]: {loss} = {value}").format(loss=_(b.loss),
                                                                           value=f"{b.value:.{precision}f}"))
        table = titled_table(_("gradients per step (BPTT)"), title_justify="left")
        for col in ("t", _("token"), "‖dL/dh_t‖", "dL/dh_t") + (("dL/dc_t",) if report.cell == "lstm" else ()) + \
                ("‖dW_hh(t)‖",):
            table.add_column(col, no_wrap=col in ("t", "‖dL/dh_t‖", "‖dW_hh(t)‖"))
        # as the forward steps: a long text's rows are its first and last MAX_STEP_TABLES // 2 (3,200 rows took
        # seconds to draw, in a terminal or a notebook), and the rest is said
        half = MAX_STEP_TABLES // 2
        shown = b.steps if len(b.steps) <= MAX_STEP_TABLES else [*b.steps[:half], None, *b.steps[-half:]]
        for s in shown:
            if s is None:  # the gap, said under the table
                table.add_row(*["…"] * len(table.columns))
                continue
            row = [str(s.t), escape(visible(s.token)), f"{s.dh_norm:.3e}", fmt_vector(s.dh, precision, 4)]
            if report.cell == "lstm":
                row.append(fmt_vector(s.dc, precision, 4))
            row.append(f"{s.dW_hh_norm:.3e}")
            table.add_row(*row)
        console.print(table)
        if None in shown:
            k = len(b.steps) - 2 * half
            every = _("… {k:,} rows not shown (t = {a:,}–{b:,}): report.backward.steps has every step") if in_python() \
                else _("… {k:,} rows not shown (t = {a:,}–{b:,}): --json and --markdown have every step")
            console.print(every.format(k=k, a=half, b=half + k - 1))
        console.print(_("dW_hh = Σ_t dW_hh(t): the same W_hh serves every step (weight sharing); "
                        "max |Σ_t dW_hh(t) - dW_hh| = {error:.1e}").format(error=b.dW_hh_sum_error))
        for line in backward_notes(report):
            console.print(escape(line))
        if np.size(b.dW_hh) <= SMALL:
            console.print(escape(f"dW_hh {list(np.shape(b.dW_hh))}{gate_blocks(report.cell)}"))
            for table in _matrix_tables(b.dW_hh, precision, console.width):
                console.print(table)


def _markdown_matrix(name: str, m, precision: int, rows: str = "") -> list[str]:
    matrix = np.atleast_2d(m)
    return [f"**{name}** {list(np.shape(m))}{rows}", "", "| " + " | ".join([""] * matrix.shape[1]) + " |",
            "|" + "---:|" * matrix.shape[1], *("| " + " | ".join(f"{x:+.{precision}f}" for x in r) + " |" for r in matrix),
            ""]


def render_markdown(report: TraceReport, precision: int = 4, limit: int = 8) -> str:
    """The terminal's trace as a Markdown document: the same rows, and in the backward pass the same vectors and,
    when small, dW_hh itself (a cell's text is escaped: "gate blocks i|f|g|o" split its row at every |)."""
    from seqlab.render.markdown import cell as md_cell
    from seqlab.render.markdown import code

    head = header_lines(report)
    out = [f"# {head[0]}", "", "- " + _("text: {text}").format(text=code(report.text))] + \
        [f"- {line}" for line in head[1:]] + [""]
    for name, m in weight_blocks(report):
        if np.size(m) <= SMALL:
            out += _markdown_matrix(name, m, precision)
        else:
            out += [too_large(report, name, m), ""]
    for step in report.steps:
        out += [f"## t = {step.t}: {code(step.token)}", "",
                "| " + " | ".join([_("quantity"), _("equation"), _("values")]) + " |", "|---|---|---|"]
        out += [f"| {md_cell(row_label(symbol, name))} | {md_cell(formula)} | "
                f"`{fmt_vector(getattr(step, key), precision, limit)}` |" for key, symbol, name, formula in step_rows(report.cell)]
        if getattr(step, "gate_means", None):
            out += ["", _("mean gates: {means}").format(means=_gate_means(step))]
        out.append("")
    out.append(f"**h_(T-1)** = `{fmt_vector(report.final.get('h', []), precision, limit)}`")
    if "c" in report.final:  # as the terminal says it
        out += ["", f"**c_(T-1)** = `{fmt_vector(report.final['c'], precision, limit)}`"]
    if report.backward:
        b, lstm = report.backward, report.cell == "lstm"
        out += ["", "## " + _("Backward (BPTT): {loss} = {value}").format(loss=_(b.loss),
                                                                          value=f"{b.value:.{precision}f}"), "",
                "| t | " + _("token") + " | ‖dL/dh_t‖ | dL/dh_t | " + ("dL/dc_t | " if lstm else "") + "‖dW_hh(t)‖ |",
                "|---:|---|---:|---|" + ("---|" if lstm else "") + "---:|"]
        out += [f"| {s.t} | {code(s.token, in_table=True)} | {s.dh_norm:.3e} | `{fmt_vector(s.dh, precision, 4)}` | "
                + (f"`{fmt_vector(s.dc, precision, 4)}` | " if lstm else "") + f"{s.dW_hh_norm:.3e} |" for s in b.steps]
        out += ["", md_cell(_("dW_hh = Σ_t dW_hh(t): the same W_hh serves every step (weight sharing); "
                              "max |Σ_t dW_hh(t) - dW_hh| = {error:.1e}").format(error=b.dW_hh_sum_error)), ""]
        out += [md_cell(line) + "\n" for line in backward_notes(report)]
        if np.size(b.dW_hh) <= SMALL:
            out += _markdown_matrix("dW_hh", b.dW_hh, precision, gate_blocks(report.cell))
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
    head = header_lines(report)
    parts = [f"<h1>{e(head[0])}</h1>", f"<p>{e(report.text)}</p><p>" + "<br>".join(e(x) for x in head[1:]) + "</p>"]
    for name, m in weight_blocks(report):
        if np.size(m) <= SMALL:
            cells = "".join("<tr>" + "".join(f"<td>{x:+.{precision}f}</td>" for x in r) + "</tr>"
                            for r in np.atleast_2d(m))
            parts.append(f"<h3>{e(name)} {list(np.shape(m))}</h3><table class='m'>{cells}</table>")
        else:
            parts.append(f"<p>{e(too_large(report, name, m))}</p>")
    for step in report.steps:
        body = "".join(f"<tr><th>{e(row_label(symbol, name))}</th><td>{e(formula)}</td>"
                       f"<td><code>{e(fmt_vector(getattr(step, key), precision, limit))}</code></td>"
                       f"<td>{_bars(getattr(step, key), precision)}</td></tr>" for key, symbol, name, formula in step_rows(report.cell))
        parts.append(f"<h2>t = {step.t}: {e(step.token)}</h2><table>{body}</table>")
    parts.append(f"<h2>h_(T-1)</h2><code>{e(fmt_vector(report.final.get('h', []), precision, limit))}</code>")
    if "c" in report.final:
        parts.append(f"<h2>c_(T-1)</h2><code>{e(fmt_vector(report.final['c'], precision, limit))}</code>")
    if report.backward:
        b = report.backward
        body = "".join(f"<tr><td>{s.t}</td><td>{e(s.token)}</td><td>{s.dh_norm:.3e}</td>"
                       f"<td>{s.dW_hh_norm:.3e}</td></tr>" for s in b.steps)
        title = _("Backward (BPTT): {loss} = {value}").format(loss=_(b.loss), value=f"{b.value:.{precision}f}")
        parts.append(f"<h2>{e(title)}</h2><table><tr><th>t</th><th>{e(_('token'))}</th><th>‖dL/dh_t‖</th>"
                     f"<th>‖dW_hh(t)‖</th></tr>{body}</table>")
        parts += [f"<p>{e(line)}</p>" for line in backward_notes(report)]
    style = ("body{font-family:'NanumGothic','Noto Sans CJK KR','Apple SD Gothic Neo','Malgun Gothic',sans-serif;"
             "margin:24px} table{border-collapse:collapse;margin:6px 0} td,th{border:1px solid #ddd;padding:3px 6px;"
             "text-align:left;font-size:13px} .bar{display:inline-block;width:52px;height:10px;margin-right:2px;"
             "background:#f3f3f3;position:relative} .bar i{position:absolute;left:0;top:0;height:10px}"
             " .pos{background:#1f77b4} .neg{background:#d62728} table.m td{text-align:right}")
    return (f"<!doctype html><html lang='{current()}'><head><meta charset='utf-8'><title>seqlab trace</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n")


def seq2seq_text(report: dict, precision: int = 3) -> str:
    """A trained Seq2Seq's decoding: each output character with its attention over the source."""
    kind = report.get("attention_kind")
    said = {"monotonic": _("hard monotonic attention: each output step reads the one source character it has reached "
                           "(weight 1), a fixed alignment that spacing allows, since the output is the source with "
                           "spaces put back; it is not learned, unlike additive (Bahdanau) attention "
                           "(seqlab train --task seq2seq --attention additive)."),
            "additive": _("additive (Bahdanau) attention: the weights are learned, a softmax over the source at "
                          "every output step.")}.get(kind)
    lines = [_("source: {text}").format(text=report["source"]), _("output: {text}").format(text=report["output"]), "",
             *([said] if said else [])]
    src = list(report["source"])
    # the three largest weights of each step; the rest of the row (it sums to 1) is in --json
    lines.append(_("attention (each output step → source), the 3 largest of the {n} weights of each step, which "
                   "sum to 1 (every weight: --json):").format(n=len(src)) if len(src) > 3 and kind != "monotonic"
                 else _("attention (each output step → source):"))  # monotonic: one weight of 1 per step
    for ch, weights in zip(report["output"], report["attention"]):
        top = [j for j in sorted(range(len(weights)), key=lambda j: -weights[j])[:3] if weights[j] > 0]
        lines.append(f"  {ch!r:>5}: " + "  ".join(f"{src[j]}({weights[j]:.{precision}f})" for j in top))
    return "\n".join(lines)
