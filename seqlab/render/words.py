"""Word-vector results as terminal tables and Markdown, and what is said beside them: nearest words, analogies,
analogy accuracy per relation type, and a word2vec/FastText training's summary."""

from __future__ import annotations

import re
import shlex

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from seqlab.i18n import N_, _, current
from seqlab.render import markdown as md
from seqlab.render.console import titled_table
from seqlab.render.tokens import visible
from seqlab.vectors.analogy import METHOD_NAMES
from seqlab.vectors.word_input import source_label
from seqlab.vectors.word_results import COLLAPSED, SHARED_DIRECTION, AnalogyResult


def word_caveats(result) -> list[str]:
    """What a table of neighbours or of an analogy's answers is read with, wherever it is shown (the command's title,
    the page, a notebook): words built from their pieces, words that cancel out, the reading Kiwi gave the word."""
    if isinstance(result, AnalogyResult):
        out = [_("built from pieces: {words}").format(words=", ".join(result.oov))] if result.oov else []
        if result.cancelled:  # 왕 - 남자 + 남자 is 왕's neighbours: said, not left to be noticed
            out.append(_("added and subtracted, so they cancel out: {words}").format(words=", ".join(result.cancelled)))
        return out
    if not result.in_vocabulary:
        return [_("not in the vocabulary: built from its pieces")]
    if result.reading and result.reading.split("/")[0] != result.word:  # 는 read as 늘/VV ᆫ/ETM
        return [_("read as {morphemes}").format(morphemes=result.reading)]
    return []


def word_notes(result) -> list[str]:
    """The sentences said beside such a table: an "analogy" of one word (its neighbours, not an answer), top answers
    built on a word the question adds (Kiwi's 왕전 for 왕 - 남자 + 여자), fewer results than were asked for (a small
    vocabulary), and neighbours' cosines to read against the word's cosine with an average word (vectors that share
    a direction, or have collapsed onto one)."""
    out = []
    if isinstance(result, AnalogyResult) and result.one_word is not None:  # the record decides, the words say it
        written_alone = len(result.positive) == 1 and not result.negative  # "왕", not 왕 + 왕 - 왕
        out.append((_("{expression} is one word, not an analogy: these are its nearest words (an analogy joins words "
                      "with + and -, e.g. 왕 - 남자 + 여자).") if written_alone else
                    _("{expression} comes to {word} alone: these are its nearest words, not an analogy's answer."))
                   .format(expression=result.expression, word=result.one_word))
    if isinstance(result, AnalogyResult) and result.compounds:  # 왕 - 남자 + 여자 -> 왕전, read 왕/NNG 전/NNG
        out.append(_("{words}: built on a word of the question (Kiwi reads {readings}). A word's vector is made from "
                     "its morphemes' vectors, so such a word stays near the question's word and ranks high whether or "
                     "not it answers the analogy.").format(
            words=", ".join(result.compounds),
            readings=", ".join(f"{word} = {reading.replace(' ', ' + ')}" for word, reading in result.compounds.items())))
    if len(result.results) < result.k:
        out.append(_("only {n:,} results: the vocabulary has no more other words ({k:,} were asked for)").format(
            n=len(result.results), k=result.k))
    typical = getattr(result, "typical_cosine", None)  # neighbours: measured on the vectors, not guessed
    if typical is not None and typical >= COLLAPSED:
        out.append(_("these vectors barely tell words apart: {word} has cosine {c:.3f} with an average word of theirs, "
                     "so these neighbours say little. Vectors trained on too little text, or for too few epochs, look "
                     "like this.").format(word=result.word, c=typical))
    elif typical is not None and typical >= SHARED_DIRECTION:
        out.append(_("{word} has cosine {c:.2f} with an average word of these vectors: read these cosines against "
                     "that, not against 0.").format(word=result.word, c=typical))
    return out


def neighbors_table(title: str, rows, score: str | None = None) -> Group:
    """The title on a line of its own (it is longer than the narrow table), then rank, word and score."""
    table = Table()
    table.add_column("#", justify="right")
    table.add_column(_("word"))
    table.add_column(score or _("cosine"), justify="right")
    for i, n in enumerate(rows, start=1):
        table.add_row(str(i), escape(visible(n.word)), f"{n.score:.4f}")  # Kiwi's ending ᆫ as ㄴ: one column
    return Group(Text(title), table)


def neighbors_markdown(title: str, rows, score: str | None = None) -> str:
    """:func:`neighbors_table` as Markdown: the title, then rank, word and score."""
    lines = ["**" + md.text(title) + "**", "", f"| # | {md.cell(_('word'))} | {md.cell(score or _('cosine'))} |",
             "|---:|---|---:|"]
    lines += [f"| {i} | {md.cell(visible(n.word))} | {n.score:.4f} |" for i, n in enumerate(rows, start=1)]
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


#: the relation types of seqlab's Korean analogy set (and a file's questions before any ": section" line)
SECTION_NAMES = {"gender": N_("family and gender"), "capital": N_("country and capital"), "antonym": N_("antonyms"),
                 "past-tense": N_("past tense"), "honorific": N_("honorifics"), "plural": N_("plurals"),
                 "category": N_("categories"), "language": N_("country and language"),
                 "default": N_("questions before any section")}


def section_name(name: str) -> str:
    """A section as the reader's language names it, its key (as in --json) beside it where they differ."""
    shown = _(SECTION_NAMES[name]) if name in SECTION_NAMES else name
    return name if shown == name or current() == "en" else f"{shown} ({name})"


def analogy_eval_table(result) -> Table:
    """Analogy accuracy per section: top-1 (the answer ranked first) and top-5."""
    table = titled_table(_("analogy accuracy · {source} · {method}").format(source=source_label(result.source),
                                                                          method=METHOD_NAMES[result.method]),
                         title_justify="left")
    for col, justify in ((_("section"), "left"), (_("asked"), "right"), (_("skipped (OOV)"), "right"),
                         ("top-1", "right"), ("top-5", "right")):
        table.add_column(col, justify=justify)
    for sec in result.sections:
        table.add_row(escape(section_name(sec.name)), str(sec.total), str(sec.skipped), _percent(sec.accuracy),
                      _percent(sec.top5_accuracy))
    table.add_row("[bold]" + _("all") + "[/]", str(result.total), str(sum(x.skipped for x in result.sections)),
                  f"[bold]{result.accuracy:.1%}[/]", f"{result.top5_accuracy:.1%}")
    captions = []
    for words, text in ((result.unknown_words, _("skipped: questions with words outside the vocabulary: {words}")),
                        (getattr(result, "lowercased", []), _("found in lower case, as gensim does: {words}"))):
        if words:
            shown = ", ".join(escape(w) for w in words[:12])
            more = len(words) - 12
            captions.append(text.format(words=shown + (" " + _("and {n} more").format(n=more) if more > 0 else "")))
    if captions:
        table.caption = "\n".join(captions)
        table.caption_justify = "left"
    return table


def _shell_word(text: str) -> str:
    """``text`` as one shell word: as it is when it needs no quotes (Hangul included), else quoted.

    >>> _shell_word("영화/NNG"), _shell_word("my vectors.model")
    ('영화/NNG', "'my vectors.model'")
    """
    return text if re.fullmatch(r"[\w./:@%+=,-]+", text) else shlex.quote(text)


def byte_size(n: int) -> str:
    """A file size as people read it: 40.2 KB, not 0.0 MB.

    >>> byte_size(40_242), byte_size(93_379_650), byte_size(512)
    ('40.2 KB', '93.4 MB', '512 bytes')
    """
    if n < 1000:
        return f"{n} bytes"
    return f"{n / 1e3:.1f} KB" if n < 1e6 else f"{n / 1e6:.1f} MB" if n < 1e9 else f"{n / 1e9:.2f} GB"


def wordvec_summary(result) -> str:
    text = _("{kind}: {words:,} words × {dim} from {lines:,} lines ({tokens:,} tokens) in {seconds:.1f} s → {path}").format(
        kind=result.kind, words=result.vocab_size, dim=result.dim, lines=result.lines, tokens=result.tokens,
        seconds=result.seconds, path=result.path)
    size = _("files written: {size}").format(size=byte_size(result.bytes_written))
    if result.buckets and str(result.path).lower().endswith(".model"):  # a word2vec file keeps no n-gram table
        size += " " + _("(character n-gram table: {rows:,} rows, scaled to the corpus)").format(rows=result.buckets)
    try_it = "seqlab neighbors {word} --vectors {path}".format(word=_shell_word(result.example or "영화"),
                                                                path=_shell_word(str(result.path)))
    return text + "\n" + size + "\n" + _("try: {command}").format(command=try_it)


def wordvec_notes(result) -> list[str]:
    """What is said beside a training's summary, in both modes: vectors that collapsed onto one direction."""
    if result.typical_cosine is None or result.typical_cosine < COLLAPSED:
        return []
    return [_("these vectors barely tell words apart: two of their most frequent words have cosine {c:.3f} on average, "
              "so their nearest words will say little. Train on more text than {tokens:,} tokens (millions of words), "
              "or for more epochs.").format(c=result.typical_cosine, tokens=result.tokens)]
