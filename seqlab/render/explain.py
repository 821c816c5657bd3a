"""``seqlab explain`` in the terminal and as Markdown. Reads an ExplainReport, computes nothing.

Each stage starts with one to three sentences that say what happened to *this* text,
with its own numbers, in the interface language.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from seqlab.i18n import _, ngettext
from seqlab.pipeline.explain import ExplainReport
from seqlab.render.console import elide, in_python
from seqlab.render.tokens import (
    KIND_STYLE,
    kind_label,
    kinds_of,
    lookalike_lines,
    token_kind,
    token_table,
    tokens_markdown,
    unk_lines,
    visible,
)


def stage_title(number: int) -> str:
    titles = {1: _("Unicode normalization"), 2: _("Tokenization"), 3: _("Integer encoding"),
              4: _("Embedding: ids → vectors (AutoModel → last_hidden_state)"),
              5: _("Vectors → LSTM (cell state and gates)")}
    return f"{number}. {titles[number]}"


def normalization_lines(report: ExplainReport) -> list[str]:
    norm = report.normalization
    if norm.form == "none":  # "already none: nothing changed" read as if none were a form the text was in
        return [ngettext("not normalized (--normalization none): the text is read as given ({n:,} code point)",
                         "not normalized (--normalization none): the text is read as given ({n:,} code points)",
                         len(norm.original)).format(n=len(norm.original))]
    if not norm.changes:
        return [ngettext("already {form}: nothing changed ({n:,} code point)",
                          "already {form}: nothing changed ({n:,} code points)", len(norm.original)).format(
            form=norm.form, n=len(norm.original))]
    lines = [ngettext("{k} stretch of the text was rewritten to {form}, {a} code points → {b}:",
                      "{k} stretches of the text were rewritten to {form}, {a} code points → {b}:",
                      len(norm.changes)).format(
        k=len(norm.changes), form=norm.form, a=len(norm.original), b=len(norm.normalized))]
    for c in norm.changes[:20]:
        lines.append(_("{orig} {orig_cp} → {new} {new_cp} (text[{start}:{end}])").format(
            orig=visible(c.original), orig_cp=" ".join(c.original_codepoints), new=visible(c.normalized),
            new_cp=" ".join(c.normalized_codepoints), start=c.start, end=c.end))
    return lines


def tokens_explanation(report: ExplainReport) -> list[str]:
    rec = report.tokens
    specials = sum(rec.special_tokens_mask)
    lines = [_("{tokens}: {pieces} + {specials}.").format(  # each number with its own plural ("1 tokens" was)
        tokens=ngettext("{n:,} token", "{n:,} tokens", len(rec)).format(n=len(rec)),
        pieces=ngettext("{k:,} piece of the text", "{k:,} pieces of the text", report.content_tokens).format(
            k=report.content_tokens),
        specials=ngettext("{s} special token", "{s} special tokens", specials).format(s=specials))]
    if rec.dropped:  # "512 tokens" and "170 of the 284 words" read as the text's, which had 722 and 400
        words = len(report.text.split())
        lines.insert(0, _("The text has {total:,} tokens and {words:,} words; the model reads the first {n:,} tokens, "
                          "so the counts here are of that part (stage 3 says what was cut).").format(
            total=len(rec) + rec.dropped, words=words, n=len(rec)))
    # the first word cut into two or more pieces with letters in them (punctuation splits teach less); for subword
    # tokenizers, one a piece of which continues a word: can + ' + t is BERT's split at punctuation, not subwords
    subwords = rec.unit not in ("morpheme", "character")
    split = next((w for w in report.word_splits if sum(any(c.isalnum() for c in p) for p in w.pieces) > 1
                  and (w.subword or not subwords)), None)
    if split is not None:
        became = {"morpheme": _("{pieces}: one word (어절), {word}, became {k} morphemes."),
                  "character": _("{pieces}: one word (어절), {word}, became {k} characters.")}.get(
            rec.unit, _("{pieces}: one word (어절), {word}, became {k} subwords."))
        lines.append(became.format(pieces=" + ".join(visible(p) for p in split.pieces), word=visible(split.word),
                                   k=len(split.pieces)))
    if len(report.word_splits) > 1:  # the example is one of them: say how many, and where they all are
        words = len({w for w in rec.word_ids if w is not None})
        every = len(report.word_splits) == words  # "all 3", not "3 of the 3"
        if in_python():
            said = (_("All {n} words became more than one token: {words} (the report's word_splits lists each one's "
                      "tokens).") if every else
                    _("{k} of the {n} words became more than one token: {words} (the report's word_splits lists "
                      "each one's tokens)."))
        else:
            said = (_("All {n} words became more than one token: {words} (--json lists each one's tokens).") if every
                    else _("{k} of the {n} words became more than one token: {words} (--json lists each one's "
                           "tokens)."))
        quoted = [f"'{visible(w.word)}'" for w in report.word_splits[:10]]  # quoted: 안녕하세요, 반가워요
        lines.append(said.format(k=len(report.word_splits), n=words,
                                 words=", ".join(quoted) + (", …" if len(report.word_splits) > 10 else "")))
    if rec.unk:
        lines.append(ngettext("{k} token is unknown to the model (OOV): it is not in its vocabulary.",
                              "{k} tokens are unknown to the model (OOV): they are not in its vocabulary.",
                              len(rec.unk)).format(k=len(rec.unk)))
    return lines


def example_token(rec) -> int | None:
    """The token to show integer encoding with: the first that is neither special nor unknown and shows some of the
    text (not the bare "▁" piece of a space), if there is one."""
    unknown = {u.index for u in rec.unk}
    content = [i for i, s in enumerate(rec.special_tokens_mask) if not s]
    known = [i for i in content if i not in unknown]
    shows = [i for i in known if rec.tokens[i].replace("▁", "").replace("##", "").strip()]
    return (shows or known or content or [None])[0]


def ids_explanation(report: ExplainReport) -> list[str]:
    rec = report.tokens
    first = example_token(rec)
    lines = []
    if first is not None:
        lines.append(_("Each token becomes its number in a vocabulary of {size:,} tokens: {token} → {id}.").format(
            size=report.vocab_size, token=visible(rec.tokens[first]), id=rec.input_ids[first]))
        if any(u.index == first for u in rec.unk):  # every token is unknown: the example is the [UNK] id
            lines.append(_("{id} is the id of the unknown token ([UNK]): it stands for anything not in the vocabulary.").format(
                id=rec.input_ids[first]))
    cut = cut_note(report)
    if cut:
        lines.append(cut)
    return lines


def cut_note(report: ExplainReport) -> str | None:
    """What the model's window cut from the text, which every stage after tokenization works without; None: nothing."""
    rec = report.tokens
    if not rec.dropped:
        return None
    return _("The text has {total:,} tokens and the model reads at most {limit:,}: the last {dropped:,} were cut, and "
             "every later stage works on these {n:,}.").format(total=len(rec) + rec.dropped, limit=rec.max_length,
                                                              dropped=rec.dropped, n=len(rec))


def _lstm_explanation(record) -> list[str]:
    last = record.steps[-1]
    f, i, o = (last.gate_means[k] for k in ("f", "i", "o"))
    return [
        _("The LSTM reads the {n} vectors one by one; at every step the same weights compute the gates.").format(
            n=len(record.steps)),
        _("At the last step ({token}), on average over the units: forget gate f̄ = {f:.2f}: it keeps about {fp:.0%} "
          "of the previous cell state; input gate ī = {i:.2f}: it writes about {ip:.0%} of the candidate; output "
          "gate ō = {o:.2f}: it shows about {op:.0%} of tanh(c_t).").format(token=visible(last.token), f=f, fp=f, i=i, ip=i, o=o, op=o),
    ]


def _token_strip(report: ExplainReport) -> str:
    rec = report.tokens
    strip = " ".join(f"[{KIND_STYLE[token_kind(rec, i)]}]{escape(visible(t))}[/]"
                     for i, t in enumerate(rec.tokens[:120]))
    return strip + (" …" if len(rec) > 120 else "")


def _legend(unit: str = "piece") -> str:
    kinds = " · ".join(f"[{KIND_STYLE[kind]}]{kind_label(kind, unit)}[/]" for kind in kinds_of(unit))
    return kinds + "   " + escape(_("(terms: seqlab glossary)"))


def render_terminal(report: ExplainReport, console: Console, max_rows: int = 60) -> None:
    rec = report.tokens
    console.print(Panel(ngettext("[bold]{text}[/]  ({n:,} code point)", "[bold]{text}[/]  ({n:,} code points)", len(report.text)).format(text=escape(visible(report.text)),
                                                                      n=len(report.text)),
                        title=_("seqlab explain · model {model}").format(model=report.model), title_align="left"))
    console.print(f"[bold]{stage_title(1)} ({report.normalization.form})[/]")
    for line in normalization_lines(report):
        console.print(f"   {escape(line)}")
    norm = report.normalization
    if norm.model_normalized is not None and norm.model_normalized != norm.normalized:
        console.print("   " + _("the model's own normalizer then gives: {text}").format(
            text=escape(visible(norm.model_normalized[:200]))))
    console.print()
    console.print(f"[bold]{stage_title(2)}[/] ({len(rec)}): {_token_strip(report)}")
    console.print(f"   {_legend(rec.unit)}")
    for line in tokens_explanation(report):
        console.print(f"   {escape(line)}")
    for line in unk_lines(rec):
        console.print(f"   [red]{escape(line)}[/]")
    for line in lookalike_lines(rec):
        console.print(f"   [yellow]{escape(line)}[/]")
    console.print(token_table(rec, max_rows=max_rows, width=console.width))
    console.print(f"[bold]{stage_title(3)}[/]")
    for line in ids_explanation(report):
        console.print(f"   {escape(line)}")
    console.print(f"   input_ids      = {elide(rec.input_ids, 24)}")
    console.print(f"   attention_mask = {elide(rec.attention_mask, 24)}   " + _("(1 = real token, 0 = padding)"))
    if rec.token_type_ids is not None:
        console.print(f"   token_type_ids = {elide(rec.token_type_ids, 24)}   " + _("(0 = first sentence)"))
    console.print(f"   special_tokens_mask = {elide(rec.special_tokens_mask, 24)}   " + _("(1 = special token)"))
    console.print()
    if report.skipped:
        console.print("[yellow]" + escape(skipped_note(report)) + "[/]")
    for number, (name, record) in enumerate(report.stages.items(), start=4):
        STAGE_RENDERERS[name](number, record, report, console)


def skipped_note(report: ExplainReport) -> str:
    """Why stages 4 and 5 are missing, with the remedy in the caller's words (a notebook's ``model=``)."""
    said = _("Stages 4 and 5 need a transformer's vectors, one per token in its context (last_hidden_state): {model} "
             "has none.").format(model=report.model)
    if report.model == "kiwi":  # it has word vectors: they are not what these stages show
        said += " " + _("(Kiwi's morpheme vectors, one per word whatever its context, answer neighbors and analogy.)")
    if in_python():
        return said + " " + _("Use a transformer model, e.g. explain(text, model=\"e5-small\").")
    return said + " " + _("Use a transformer model, e.g. --model e5-small.")


def render_markdown(report: ExplainReport) -> str:
    rec, norm = report.tokens, report.normalization
    from seqlab.render import markdown as md

    title = _("seqlab explain · model {model}").format(model=md.code(report.model))
    out = [f"# {title}", "",
           ngettext("Text: {text} ({n:,} code point)", "Text: {text} ({n:,} code points)", len(report.text)).format(text=md.code(report.text), n=len(report.text)), "",
           f"## {stage_title(1)} ({norm.form})", ""]
    out += [f"- {md.text(line)}" for line in normalization_lines(report)]  # prose holding user text: escaped
    if norm.model_normalized is not None and norm.model_normalized != norm.normalized:
        out += ["", _("The model's own normalizer gives: {text}").format(text=md.code(norm.model_normalized))]
    out += ["", f"## {stage_title(2)}", ""] + [md.text(line) for line in tokens_explanation(report)] + [
        "", tokens_markdown(rec), ""]  # its [UNK] notes and the normalizer's included, as bullets
    out += ["", f"## {stage_title(3)}", ""] + [md.text(line) for line in ids_explanation(report)] + [
        "", f"- `input_ids` = `{rec.input_ids}`", f"- `attention_mask` = `{rec.attention_mask}`"]
    if rec.token_type_ids is not None:
        out.append(f"- `token_type_ids` = `{rec.token_type_ids}`")
    out.append(f"- `special_tokens_mask` = `{rec.special_tokens_mask}` " + _("(1 = special token)"))  # as the terminal
    if report.skipped:
        out += ["", skipped_note(report)]
    for number, (name, record) in enumerate(report.stages.items(), start=4):
        out += ["", STAGE_MARKDOWN[name](number, record, report)]
    return "\n".join(out) + "\n"


def _embedding_terminal(number, record, report, console) -> None:
    from seqlab.render.vectors import LONG_ELSEWHERE, render_embedding

    console.print(f"[bold]{stage_title(number)}[/]")
    render_embedding(record, console, remedy=LONG_ELSEWHERE)
    if _prefix_note(report):
        console.print(escape(_prefix_note(report)))
    console.print()


def _embedding_markdown(number, record, report) -> str:
    from seqlab.render.vectors import LONG_ELSEWHERE, embedding_markdown

    note = _prefix_note(report)
    return f"## {stage_title(number)}\n\n" + embedding_markdown(record, remedy=LONG_ELSEWHERE) + \
        (f"\n{note}\n" if note else "")


def _prefix_note(report) -> str:
    """e5 reads a sentence after "query: " or "passage: "; explain shows the text as written, tokens and vector alike,
    so its sentence vector is not the one similarity and search compute (a teacher compared them)."""
    from seqlab.pretrained.registry import uses_e5_prefixes
    from seqlab.tokens.prefixes import E5_PREFIXES

    if not uses_e5_prefixes(report.model):
        return ""
    return _("The sentence vector here is of the text as written, without the \"{prefix}\" that e5 expects and that "
             "similarity and search put first, so it differs a little from theirs.").format(
        prefix=E5_PREFIXES["query"])


def _numbers(values, digits: int = 2) -> str:
    return " ".join(f"{v:+.{digits}f}" for v in values)


def input_description(record) -> str:
    from seqlab.render.trace import input_description as describe

    return describe(record)


LSTM_ROWS = 40  # the steps the terminal's LSTM table shows, as many as its vector table: a 512-token text printed 1,000 lines


def _lstm_terminal(number, record, report, console) -> None:
    console.print(f"[bold]{stage_title(number)}[/] " + escape(_("(from scratch, hidden {h}, seed {seed})").format(
        h=record.hidden, seed=record.seed)))
    console.print("   " + escape(_("inputs: {source}").format(source=input_description(record))))
    console.print("   c_t = f⊙c_{t-1} + i⊙g,  h_t = o⊙tanh(c_t);  " +
                  escape(_("f̄ ī ō = mean gate values (every number: seqlab trace lstm TEXT)")))
    for line in _lstm_explanation(record):
        console.print(f"   {escape(line)}")
    table = Table(title_justify="left")
    table.add_column("t", no_wrap=True, justify="right")
    table.add_column(_("token"), no_wrap=True, max_width=12)
    for col in ("f̄", "ī", "ō"):
        table.add_column(col, no_wrap=True)
    narrow = console.width < 100  # one column for both vectors, one above the other: nothing is cut or wrapped
    if narrow:
        table.add_column("c_t / h_t", no_wrap=True)
    else:
        table.add_column("c_t", no_wrap=True)
        table.add_column("h_t", no_wrap=True)
    n = len(record.steps)
    shown = range(n) if n <= LSTM_ROWS else [*range(LSTM_ROWS - 1), n - 1]  # the first steps, and the last (h_(T-1))
    for t in shown:
        if t == n - 1 and n > LSTM_ROWS:
            table.add_row("…", _("{n} more").format(n=n - LSTM_ROWS), *[""] * (len(table.columns) - 2))
        step = record.steps[t]
        means = [f"{step.gate_means[k]:.2f}" for k in ("f", "i", "o")]
        vectors = ([f"c_t {_numbers(step.c)}\nh_t {_numbers(step.h)}"] if narrow
                   else [_numbers(step.c), _numbers(step.h)])
        table.add_row(str(step.t), escape(visible(step.token)), *means, *vectors)
    if n > LSTM_ROWS:
        table.title = (_("{k} of {n} steps shown (the record holds every step)") if in_python() else
                       _("{k} of {n} steps shown (every step: --markdown or --json)")).format(k=LSTM_ROWS, n=n)
    console.print(table)
    console.print("   " + _("final hidden state h_(T-1) = [{values}]").format(values=_numbers(record.final["h"], 4)))
    console.print("   " + escape(_why_lstm()))


def _lstm_markdown(number, record, report) -> str:
    from seqlab.render.markdown import code, text

    # as the terminal: what the LSTM reads (not the stage-4 vectors above), its size and seed, its equations
    lines = [f"## {stage_title(number)} " + text(_("(from scratch, hidden {h}, seed {seed})").format(
                 h=record.hidden, seed=record.seed)), "",
             "- " + text(_("inputs: {source}").format(source=input_description(record))),
             "- `c_t = f⊙c_{t-1} + i⊙g`, `h_t = o⊙tanh(c_t)`; " + text(
                 _("f̄ ī ō = mean gate values (every number: seqlab trace lstm TEXT)")), "",
             *(text(line) for line in _lstm_explanation(record)), "",
             "| t | " + _("token") + " | f̄ | ī | ō | c_t | h_t |", "|---:|---|---:|---:|---:|---|---|"]
    for step in record.steps:
        means = " | ".join(f"{step.gate_means[k]:.2f}" for k in ("f", "i", "o"))
        lines.append(f"| {step.t} | {code(step.token, in_table=True)} | {means} | {_numbers(step.c)} | "
                     f"{_numbers(step.h)} |")
    lines += ["", _("final hidden state h_(T-1) = [{values}]").format(values=_numbers(record.final["h"], 4)), "",
              _why_lstm()]
    return "\n".join(lines)


def _why_lstm() -> str:
    """Where the lecture's answer is measured: the lab's commands, or in Python the functions behind them."""
    if in_python():
        return _("why an LSTM and not a plain RNN: seqlab.lab.gradflow.gradflow() (vanishing gradients) and "
                 "seqlab.lab.order.order_demo() (word order)")
    return _("why an LSTM and not a plain RNN: seqlab gradflow --plot grad.png (vanishing gradients), seqlab "
             "order-demo (word order)")


STAGE_RENDERERS: dict = {"embedding": _embedding_terminal, "lstm": _lstm_terminal}
STAGE_MARKDOWN: dict = {"embedding": _embedding_markdown, "lstm": _lstm_markdown}
