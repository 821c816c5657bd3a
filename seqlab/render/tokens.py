"""Token records and tokenizer comparisons as rich tables and Markdown, in the interface language."""

from __future__ import annotations

from rich.cells import cell_len
from rich.markup import escape
from rich.table import Table

from seqlab.i18n import N_, _, ngettext
from seqlab.render import markdown as md
from seqlab.render.console import in_python, table_width, titled_table
from seqlab.render.visible import visible
from seqlab.tokens.comparison import ComparisonRow
from seqlab.tokens.record import TokenRecord
from seqlab.tokens.simple import SPACE

KIND_STYLE = {"special": "magenta", "word start": "green", "subword": "cyan", "unk": "bold red", "space": "dim"}


def kind_label(kind: str, unit: str = "piece") -> str:
    """What a token is, in words; a continuation is named by what one token is (``unit``): Kiwi's 하/XSA in 안녕하세요
    is the word's next morpheme, not a subword."""
    if kind == "subword":
        return {"morpheme": _("next morpheme of the word"),
                "character": _("next character of the word")}.get(unit, _("subword continuation"))
    return {"special": _("special token"), "word start": _("word start"), "unk": _("unknown (OOV)"),
            "space": _("whitespace between words")}[kind]


def kinds_of(unit: str) -> list[str]:
    """The kinds a tokenizer of ``unit`` gives, for a legend: only the char tokenizer has a whitespace token."""
    return [k for k in KIND_STYLE if k != "space" or unit == "character"]


def token_kind(record: TokenRecord, i: int) -> str:
    if record.special_tokens_mask[i]:
        return "special"
    if any(u.index == i for u in record.unk):
        return "unk"
    if record.unit == "character" and record.tokens[i] == SPACE:  # the whitespace itself, no word's start
        return "space"
    return "subword" if record.continuation[i] else "word start"


MAX_TABLE_ROWS = 100_000  # the most rows a terminal token table shows (the limit of ``tokenize --max-rows``)


def token_table(record: TokenRecord, max_rows: int = 200, width: int | None = None) -> Table:
    """One row per token: position, token, id, kind, span of the original text, masks.

    Below 100 columns the kind and the span move into one column and the masks are left
    out (they are printed under the table by ``explain``): nothing is cut.
    """
    narrow = width is not None and width < 100
    table = titled_table(ngettext("{n:,} token · model {model}", "{n:,} tokens · model {model}", len(record)).format(
        n=len(record), model=record.model),
                  title_justify="left")
    columns = [("#", "right"), (_("token"), "left"), ("id", "right")]
    columns += [(_("kind · span"), "left")] if narrow else [(_("kind"), "left"), (_("offsets"), "left"),
                                                           (_("original text"), "left"), (_("mask"), "right")]
    if record.token_type_ids is not None and not narrow:
        columns.append((_("segment"), "right"))  # token_type_ids: BERT's sentence A (0) or B (1)
    columns.append((_("word #"), "right"))  # word_ids: the index of the word (어절) each token belongs to
    wrapping = (_("token"), _("kind · span"), _("original text"))  # a long token (a URL) folds; numbers never do
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=name not in wrapping, overflow="fold",
                         min_width=None if name in wrapping else cell_len(name))

    def row(i: int) -> list[str]:
        kind = token_kind(record, i)
        s, e = record.offsets[i]
        span = f"{s}:{e}" if not record.special_tokens_mask[i] else ""  # text[s:e], as the offsets
        cells = [str(i), f"[{KIND_STYLE[kind]}]{escape(visible(record.tokens[i]))}[/]", str(record.input_ids[i])]
        if narrow:
            cells.append(f"{kind_label(kind, record.unit)} {span}".strip())
        else:
            cells += [kind_label(kind, record.unit), span, escape(visible(record.text[s:e])),
                      str(record.attention_mask[i])]
            if record.token_type_ids is not None:
                cells.append(str(record.token_type_ids[i]))
        w = record.word_ids[i]
        return cells + ["" if w is None else str(w)]

    n = len(record)
    if n <= max_rows:
        for i in range(n):
            table.add_row(*row(i))
    else:
        for i in range(max_rows - 1):
            table.add_row(*row(i))
        table.add_row("…", _("{n} more").format(n=n - max_rows), *[""] * (len(table.columns) - 2))
        table.add_row(*row(n - 1))
    return table


UNK_WHY = {  # what an [UNK] lacks, by TokenRecord.unit
    "piece": N_("token {index} is {token} (id {id}): the model has no piece for '{chars}' (text[{start}:{end}])"),
    "character": N_("token {index} is {token} (id {id}): the character '{chars}' is not in the vocabulary (text["
                    "{start}:{end}])"),
    "word": N_("token {index} is {token} (id {id}): the word '{chars}' is not in the vocabulary, an out-of-vocabulary "
               "(OOV) word (text[{start}:{end}])"),
    "morpheme": N_("token {index} is {token} (id {id}): the morpheme '{chars}' is not in the vocabulary, an "
                   "out-of-vocabulary (OOV) morpheme (text[{start}:{end}])"),
}


#: a subword model's [UNK] over several characters: WordPiece gives up on the whole word when no pieces spell it
WHOLE_WORD = N_("token {index} is {token} (id {id}): no sequence of the model's pieces spells '{chars}', so the whole "
                "word is one unknown token (text[{start}:{end}])")


def _decomposed_hangul(chars: str, form: str) -> bool:
    """Whether ``chars``, as the tokenizer read them (``form``: its normalization), are Hangul jamo that NFC would
    compose into syllables (Old Hangul, which NFC leaves alone, is not)."""
    import unicodedata

    read = chars if form == "none" else unicodedata.normalize(form, chars)
    return any("\u1100" <= c <= "\u11ff" for c in read) and unicodedata.normalize("NFC", read) != read


def unk_lines(record: TokenRecord) -> list[str]:
    def why(u) -> str:
        whole = record.unit == "piece" and len(u.chars) > 1
        return _(WHOLE_WORD) if whole else _(UNK_WHY.get(record.unit, UNK_WHY["piece"]))

    # the token and the characters as every table shows them (a U+202E would turn the rest of the line around)
    lines = [why(u).format(index=u.index, token=visible(record.tokens[u.index]), id=record.input_ids[u.index],
                           chars=visible(u.chars), start=u.start, end=u.end) for u in record.unk]
    if record.unk:  # e5-small shows 삵 where its id is <unk>'s: the characters shown are not what the model reads
        lines.append(ngettext("Its id, {id}, is the unknown token's: the model reads it as the one vector it has for "
                              "anything unknown, whatever its characters.",
                              "Their id, {id}, is the unknown token's: the model reads each of them as the one vector "
                              "it has for anything unknown, whatever their characters.", len(record.unk)).format(
            id=record.input_ids[record.unk[0].index]))
    if any(_decomposed_hangul(u.chars, record.normalization) for u in record.unk):
        # NFD 한국어 looks like 한국어 and is not in a vocabulary of composed syllables: the reason, not only the fact
        lines.append((_("The unknown text is Hangul in decomposed form (one code point per jamo), and the vocabulary "
                        "holds composed syllables: normalize it with NFC, the default (normalization=\"NFC\"), not "
                        "{form}.") if in_python() else
                      _("The unknown text is Hangul in decomposed form (one code point per jamo), and the vocabulary "
                        "holds composed syllables: normalize it with NFC, the default (--normalization NFC), not "
                        "{form}.")).format(form=record.normalization))
    if record.extra.get("vocabulary") == "wordfreq":
        lines.append(_("The default word vocabulary comes from wordfreq's Korean list, which is split into morphemes "
                       "(영화, 좋, 다, 는): most whole words such as 좋다 or 영화를 are not in it. For a vocabulary of "
                       "your own words: seqlab vocab build -t whitespace -f corpus.txt, then --vocab."))
    return lines


def lookalike_lines(record: TokenRecord) -> list[str]:
    """One line for each drawing that stands for different tokens: a lone jamo is drawn as its keyboard letter
    (:func:`visible`), so minilm's ##ᄀ (an initial consonant, id 29991) and ##ᆨ (a final one, id 30020) both show
    as ##ㄱ. The line gives each one's code points, id and first tokens."""
    drawn: dict[str, dict[str, list[int]]] = {}
    for i, tok in enumerate(record.tokens):
        drawn.setdefault(visible(tok), {}).setdefault(tok, []).append(i)
    lines = []
    for shown, tokens in drawn.items():
        if len(tokens) < 2:
            continue
        parts = []
        for tok, where in tokens.items():
            changed = [c for c in tok if c not in shown] or list(tok)  # the characters the drawing replaced
            points = " ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(changed))
            positions = ", ".join(str(i) for i in where[:3]) + (", …" if len(where) > 3 else "")
            # two messages, not ngettext: the page asks for the same words by their msgids (views.js lookalikes)
            said = (_("{codepoints} (id {id}; token {positions})") if len(where) == 1
                    else _("{codepoints} (id {id}; tokens {positions})"))
            parts.append(said.format(codepoints=points, id=record.input_ids[where[0]], positions=positions))
        lines.append(_("{shown} is drawn for {k} different tokens: {tokens}. A lone jamo is drawn as its keyboard "
                       "letter: an initial (U+1100…) or final (U+11A8…) consonant alone has no agreed width.").format(
            shown=shown, k=len(tokens), tokens="; ".join(parts)))
    return lines


def normalizer_lines(record: TokenRecord) -> str | None:
    """What the model's normalizer did that no token shows, one line each: the characters it removed (no token
    covers them), and those it turned into the space a ▁ stands for; or None."""
    gone, spaced = record.uncovered, record.spaced
    lines = []
    if gone:
        shown = ", ".join(_("{char} (character {i})").format(char=visible(c), i=i) for i, c in gone[:10])
        more = _(" and {k} more").format(k=len(gone) - 10) if len(gone) > 10 else ""
        lines.append(ngettext("{model} removed {k} character before tokenizing, so no token holds it: {chars}",
                              "{model} removed {k} characters before tokenizing, so no token holds them: {chars}",
                              len(gone)).format(model=record.model, k=len(gone), chars=shown + more))
    for i, c, k in spaced[:10]:
        lines.append(_("{model} read {char} (character {i}) as a space: the ▁ of token {k} ({token}) stands for it, "
                       "so that token's span starts there").format(model=record.model, char=visible(c), i=i, k=k,
                                                                    token=visible(record.tokens[k])))
    if len(spaced) > 10:
        lines.append(_("… and {k} more read as a space (--json lists them all)").format(k=len(spaced) - 10))
    return "\n".join(lines) if lines else None


def truncation_line(record: TokenRecord) -> str | None:
    if not record.dropped:
        return None
    kept = ngettext("truncated to {n} token", "truncated to {n} tokens", len(record)).format(n=len(record))
    return kept + ": " + ngettext("{dropped} token dropped", "{dropped} tokens dropped", record.dropped).format(
        dropped=record.dropped)  # each count its own plural: "1 tokens" was said


def text_heading(number: int, text: str, line: bool = False, width: int = 60) -> str:
    """"text 2: 배우 최고" (``line``: "line 2: …", a file's) above one of several texts' tables, shortened, with
    invisible characters shown escaped."""
    shown = visible(text if len(text) <= width else text[: width - 1] + "…")
    return (_("line {k:,}: {text}") if line else _("text {k:,}: {text}")).format(k=number, text=shown)


def render_tokens(record: TokenRecord, console, max_rows: int = 200) -> None:
    """``seqlab tokenize`` in the terminal: the table, every [UNK] explained, and what truncation cut."""
    console.print(token_table(record, max_rows=max_rows, width=console.width))
    if len(record) > max_rows:
        if in_python():
            hint = _("{shown} of {n} rows shown (the last one included): to_dict() gives every token")
        elif len(record) <= MAX_TABLE_ROWS:
            hint = _("{shown} of {n} rows shown (the last one included): --max-rows {n} shows every row, and --json "
                     "gives every token")
        else:  # more rows than --max-rows accepts
            hint = _("{shown} of {n} rows shown (the last one included): --json gives every token")
        console.print(hint.format(shown=max_rows, n=len(record)), highlight=False)
    for line in unk_lines(record):
        console.print(f"[red]{escape(line)}[/]", highlight=False)
    for line in lookalike_lines(record):
        console.print(f"[yellow]{escape(line)}[/]", highlight=False)
    gone = normalizer_lines(record)
    if gone:
        console.print(f"[yellow]{escape(gone)}[/]", highlight=False)
    note = truncation_line(record)
    if note:
        console.print(f"[yellow]{escape(note)}[/]")


def tokens_markdown(record: TokenRecord) -> str:
    """The terminal table's columns (segment and word included) and its notes, as Markdown."""
    segments = record.token_type_ids is not None
    names = [_("token"), "id", _("kind"), _("offsets"), _("original text"), _("mask")]
    names += [_("segment")] if segments else []
    lines = [ngettext("**{n:,} token** · model {model}", "**{n:,} tokens** · model {model}", len(record)).format(
        n=len(record), model=md.code(record.model)), "",
             "| # | " + " | ".join([*names, _("word #")]) + " |",
             "|---:|---|---:|---|---|---|---:|" + ("---:|" if segments else "") + "---:|"]
    for i, tok in enumerate(record.tokens):
        s, e = record.offsets[i]
        w = record.word_ids[i]
        lines.append(f"| {i} | {md.code(tok, in_table=True)} | {record.input_ids[i]} | "
                     f"{kind_label(token_kind(record, i), record.unit)} | "
                     f"{'' if record.special_tokens_mask[i] else f'{s}:{e}'} | {md.cell(record.text[s:e])} | "
                     f"{record.attention_mask[i]} |" + (f" {record.token_type_ids[i]} |" if segments else "")
                     + f" {'' if w is None else w} |")
    # the notes the terminal prints under its table, one bullet each (the normalizer's holds a line per character)
    notes = [*unk_lines(record), *lookalike_lines(record), *(normalizer_lines(record) or "").splitlines(), truncation_line(record)]
    bullets = [f"- {md.text(n)}" for n in notes if n]
    if bullets:
        lines += ["", *bullets]
    return "\n".join(lines)


def _columns():
    return [(_("model"), "model", "{}"), (_("vocab"), "vocab_size", "{:,}"), (_("tokens"), "tokens", "{:,}"),
            (_("tokens/word"), "fertility", "{:.2f}"), (_("[UNK] rate"), "unk_rate", "{:.2%}"),
            (_("chars/token"), "chars_per_token", "{:.2f}"), (_("len p50"), "length_p50", "{:,.6g}"),
            (_("len p95"), "length_p95", "{:,.6g}"), (_("len max"), "length_max", "{}")]


LENGTH_CAPTION = N_("len: sequence length with special tokens; tokens, tokens/word and chars/token count the text's "
                    "own tokens")


def comparison_caption(rows: list[ComparisonRow]) -> str:
    """What the rows count, and how many of the tokens are a space alone (▁), where any are: char gives one per space,
    so its tokens per word are not its pieces of a word.

    >>> from types import SimpleNamespace as Row
    >>> print(comparison_caption([Row(model="char", space_tokens=3), Row(model="kiwi", space_tokens=0)]))
    len: sequence length with special tokens; tokens, tokens/word and chars/token count the text's own tokens
    tokens that are a space alone (▁) are counted in tokens and tokens/word, not in chars/token (characters other than spaces): char 3
    """
    spaced = [f"{r.model} {r.space_tokens:,}" for r in rows if r.space_tokens]
    if not spaced:
        return _(LENGTH_CAPTION)
    return _(LENGTH_CAPTION) + "\n" + _("tokens that are a space alone (▁) are counted in tokens and tokens/word, "
                                         "not in chars/token (characters other than spaces): {counts}").format(
        counts=", ".join(spaced))


def comparison_notes(rows: list[ComparisonRow]) -> list[str]:
    """What a row's numbers owe to its vocabulary, below the table: a [UNK] rate of the default word vocabulary
    (a word list split into morphemes) is not a tokenizer's."""
    return [_("{model}: its [UNK] rate is that of the default word vocabulary, wordfreq's Korean list, which is split "
              "into morphemes (좋다 is not in it); seqlab vocab build -t {model} -f corpus.txt makes one of whole "
              "words.").format(model=r.model) for r in rows if r.unk_from_word_list]


def comparison_table(rows: list[ComparisonRow], width: int | None = None) -> Table:
    """One row per tokenizer; where that is wider than the terminal (Korean headers are twice as wide), one row per
    measure and a column per tokenizer, so nothing is cut."""
    first = rows[0] if rows else None
    title = (ngettext("{n:,} text", "{n:,} texts", first.texts).format(n=first.texts) + ", " +
             ngettext("{n:,} word", "{n:,} words", first.words).format(n=first.words)) if first \
        else _("no texts")
    table = titled_table(title, title_justify="left", caption=comparison_caption(rows), caption_justify="left")
    columns = _columns()
    cells = [[name for name, *_rest in columns], *[[fmt.format(getattr(r, a)) for _n, a, fmt in columns] for r in rows]]
    if width is not None and table_width(cells) > width:
        table.add_column(_("model"), no_wrap=True)
        for r in rows:
            table.add_column(r.model, justify="right", no_wrap=True)
        for name, attr, fmt in columns[1:]:
            table.add_row(name, *[fmt.format(getattr(r, attr)) for r in rows])
        return table
    for name, *_rest in columns:
        table.add_column(name, justify="left" if name == _("model") else "right", no_wrap=True)
    for r in rows:
        table.add_row(*[fmt.format(getattr(r, attr)) for _name, attr, fmt in columns])
    return table


def comparison_markdown(rows: list[ComparisonRow]) -> str:
    columns = _columns()
    head = "| " + " | ".join(n for n, *_rest in columns) + " |"
    sep = "|" + "|".join("---" if attr == "model" else "---:" for _n, attr, _f in columns) + "|"
    body = ["| " + " | ".join(md.cell(fmt.format(getattr(r, a))) for _n, a, fmt in columns) + " |" for r in rows]
    return "\n".join([head, sep, *body, "", comparison_caption(rows), *comparison_notes(rows)])
