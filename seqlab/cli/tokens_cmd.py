"""Stage 2-3 commands: tokenize, compare, vocab build, tokenizer train."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import (
    MAX_MIN_COUNT,
    check_lang,
    check_normalization,
    checked_prefix,
    csv_list,
    errors_opt,
    exclusive,
    file_opt,
    gather_texts,
    group,
    in_range,
    json_opt,
    lang_opt,
    markdown_opt,
    model_opt,
    no_duplicates,
    norm_opt,
    number_range,
    one_of,
    prefix_opt,
    say_replaced,
    text_col_opt,
    unused,
    vocab_opt,
)
from seqlab.cli.outputs import NOTHING_WRITTEN, check_output, on_interrupt, written
from seqlab.errors import UsageError, shown_number
from seqlab.i18n import _, ngettext
from seqlab.ids.limits import MAX_LENGTH, MAX_VOCAB, MIN_TRAINED_VOCAB
from seqlab.limits import ERROR_MODES
from seqlab.text.reading import replaced_summary


def register(app: typer.Typer) -> None:
    @app.command(help=_("Split text into tokens and ids, with offsets into the original text and every [UNK] "
                        "explained. --json prints one JSON object per text (JSON Lines)."))
    def tokenize(
        texts: list[str] = typer.Argument(None, help=_("Text(s) to tokenize; - reads stdin.")),
        file: Path = file_opt(), model: str = model_opt(), json_out: bool = json_opt(), markdown: bool = markdown_opt(),
        vocab: Path = vocab_opt(), normalization: str = norm_opt(), errors: str = errors_opt(),
        prefix: str = prefix_opt(), text_col: str = text_col_opt(),
        max_length: int = typer.Option(None, "--max-length", help=_("Truncate to N tokens and report what was "
                                                                    "dropped: 1 to {most:,}, and at least 2 for a model "
                                                                    "that puts special tokens around a text (e5-small, "
                                                                    "minilm), which truncation keeps.").format(
                                                                        most=MAX_LENGTH)),
        max_rows: int = typer.Option(None, "--max-rows", help=_("Rows shown per table in the terminal, 1 to 100,000 "
                                                                "(default: 200).")),
        lang: str = lang_opt(),
    ):
        from seqlab.pretrained.loading import load_tokenizer
        from seqlab.render.console import console, note, print_json_lines
        from seqlab.render.progress import counting_bar
        from seqlab.render.tokens import MAX_TABLE_ROWS, render_tokens, text_heading, tokens_markdown
        from seqlab.tokens.record import truncate

        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        in_range("--max-length", max_length, 1, MAX_LENGTH)
        normalization = check_normalization(normalization)
        in_range("--max-rows", max_rows, 1, MAX_TABLE_ROWS)
        if json_out or markdown:  # they hold every token: a row limit would be ignored in silence
            unused({"--max-rows": max_rows}, "--json" if json_out else "--markdown",
                   _("--max-rows limits the terminal's tables; JSON and Markdown hold every token."))
        max_rows = max_rows or 200
        numbers: list[int] = []  # each text's line in the file (NSMC's header and a CSV's line breaks counted)
        all_texts = gather_texts(texts, file, errors, allow_empty=file is not None or texts == ["-"], text_col=text_col,
                                 numbers=numbers)
        tokenizer = load_tokenizer(model, vocab=vocab, normalization=normalization, prefix=checked_prefix(prefix, model))
        out = console()
        # JSON and Markdown usually go to a file: a bar on stderr shows how far they are (terminal tables show it)
        with counting_bar(ngettext("tokenizing {n:,} text", "tokenizing {n:,} texts", len(all_texts)).format(n=len(all_texts)), _("texts"),
                          enabled=(json_out or markdown) and (file is not None or texts == ["-"])) as report:
            report(0, len(all_texts))
            from seqlab.pretrained.registry import resolve
            from seqlab.tokens.record import model_window

            # a model with vectors reads at most its window: tokenize cuts nothing unless asked, but says so
            window = model_window(tokenizer) if max_length is None and resolve(tokenizer.name).has_vectors else None
            longer: list[tuple[int, int]] = []  # (text number, tokens) of the texts past the window
            for start in range(0, len(all_texts), 1000):
                records = tokenizer.encode_many(all_texts[start : start + 1000], errors)
                if max_length is not None:
                    records = [truncate(r, max_length) for r in records]
                if window:
                    longer += [(start + k, len(r)) for k, r in enumerate(records, 1) if len(r) > window]
                if json_out:
                    print_json_lines(r.to_dict() for r in records)
                for k, r in enumerate(records if not json_out else (), start + 1):
                    if markdown:
                        print(tokens_markdown(r) + "\n")
                    else:
                        if len(all_texts) > 1:  # which text each table is about: its number and its start
                            out.print(text_heading(numbers[k - 1] if file is not None else k, r.text,
                                                   line=file is not None), highlight=False, markup=False)
                        render_tokens(r, out, max_rows)
                report(min(start + 1000, len(all_texts)), len(all_texts))
        if longer:
            k, n = longer[0]
            note(ngettext("note: {count:,} text is longer than the {window:,} tokens {model} reads (text {k}: {n:,} "
                          "tokens): embed, similarity and search cut it there; --max-length {window} shows the cut",
                          "note: {count:,} texts are longer than the {window:,} tokens {model} reads (text {k}: {n:,} "
                          "tokens, the first): embed, similarity and search cut them there; --max-length {window} "
                          "shows the cut", len(longer)).format(count=len(longer), window=window, model=tokenizer.name,
                                                              k=k, n=n))

    @app.command(help=_("Compare tokenizers by tokens per word (fertility), [UNK] rate, vocabulary size and "
                        "sequence length. --json prints one JSON array."))
    def compare(
        texts: list[str] = typer.Argument(None, help=_("Text(s) to compare on; - reads stdin.")),
        file: Path = file_opt(), text_col: str = text_col_opt(),
        models: str = typer.Option("e5-small,minilm,kiwi,char,whitespace", "--models", "--model", "-m",
                                   help=_("Comma-separated model names.")),
        limit: int = typer.Option(None, "--limit", help=_("Use only the first N texts (at least 1).")),
        json_out: bool = json_opt("document"), markdown: bool = markdown_opt(), errors: str = errors_opt(),
        lang: str = lang_opt(),
    ):
        from seqlab.pretrained.loading import load_tokenizer
        from seqlab.pretrained.registry import resolve
        from seqlab.render.console import console, json_document, say
        from seqlab.render.tokens import comparison_markdown, comparison_notes, comparison_table
        from seqlab.tokens.comparison import compare as run_compare

        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        in_range("--limit", limit, 1)
        names = csv_list(models, "--models")
        no_duplicates("--models", [resolve(name).name for name in names], shown=names)  # char,CHAR: one tokenizer
        if not names:
            raise UsageError(_("--models is empty"), _("Give names such as --models e5-small,kiwi,char."))
        corpus = gather_texts(texts, file, errors, text_col=text_col)
        if limit is not None and len(corpus) > limit:  # said (stderr, with --json too): the counts cover these only
            from seqlab.render.console import note

            note(_("note: --limit {limit:,}: comparing the first {limit:,} of {n:,} texts").format(limit=limit,
                                                                                              n=len(corpus)))
            corpus = corpus[:limit]
        from seqlab.render.progress import counting_bar

        # counts texts × tokenizers; a bar where the work takes a while (a file), not for a few sentences
        tokenizers = ngettext("{k} tokenizer", "{k} tokenizers", len(names)).format(k=len(names))
        with counting_bar(ngettext("tokenizing {n:,} text with {tokenizers}", "tokenizing {n:,} texts with {tokenizers}",
                                   len(corpus)).format(n=len(corpus), tokenizers=tokenizers),
                          _("texts"), enabled=file is not None or len(corpus) >= 1000) as report:
            rows = run_compare(corpus, [load_tokenizer(n) for n in names], progress=report, errors=errors)
        if json_out:
            print(json_document([r.to_dict() for r in rows]))
        elif markdown:
            print(comparison_markdown(rows))
        else:
            console().print(comparison_table(rows, console().width))
            for line in comparison_notes(rows):
                say(line)

    vocab_app = group(_("Integer vocabularies for word, morpheme and character tokenizers."))
    app.add_typer(vocab_app, name="vocab")

    @vocab_app.command("build", help=_("Count tokens in a corpus and write a vocabulary (<pad>=0, <unk>=1, <bos>, "
                                       "<eos>, then by frequency). seqlab train --vocab accepts it."))
    def vocab_build(
        file: Path = typer.Option(..., "--file", "-f", help=_("Corpus, one text per line (or a TSV/CSV with "
                                                              "--text-col)."), readable=False),
        out: Path = typer.Option(..., "--out", "-o", help=_("Where to write the vocabulary JSON."), readable=False),
        tokenizer: str = typer.Option("kiwi", "--tokenizer", "-t", "--model", "-m", help=_("kiwi, char, whitespace, or any model "
                                                                          "name.")),
        min_freq: int = typer.Option(2, "--min-freq", "--min-frequency", "--min-count",
                                     help=_("Keep tokens seen at least this often, 1 to {n}.").format(n=shown_number(MAX_MIN_COUNT))),
        max_size: int = typer.Option(None, "--max-size", help=_("Keep at most this many tokens, specials included, "
                                                                "5 to {n}.").format(n=shown_number(MAX_VOCAB))),
        text_col: str = typer.Option(None, "--text-col", help=_("Column holding the text in a TSV/CSV file with a "
                                                                "header.")),
        errors: str = errors_opt(), json_out: bool = json_opt("document"), lang: str = lang_opt(),
    ):
        from seqlab.pretrained.loading import load_tokenizer
        from seqlab.render.console import print_json, say
        from seqlab.tokens.corpus import vocabulary_from_file

        check_lang(lang)
        errors = one_of("--errors", errors, ERROR_MODES)
        in_range("--min-freq", min_freq, 1, MAX_MIN_COUNT)
        in_range("--max-size", max_size, 5, MAX_VOCAB)
        check_output("--out", out, inputs=[file], notes=False)  # a usage error before the tokenizer loads (seconds)
        tok = load_tokenizer(tokenizer, vocab=False)  # the tokens only: the vocabulary is what is being built
        check_output("--out", out, inputs=[file])  # "will be replaced" once the tokenizer is known to exist
        from seqlab.render.progress import counting_bar

        on_interrupt(NOTHING_WRITTEN)  # the file is written at the end, in one rename
        replaced: list[int] = []  # --errors replace: the lines it changed, said as every reader says them
        with counting_bar(_("counting {tokenizer} tokens").format(tokenizer=tok.name), _("texts")) as report:
            vocab = vocabulary_from_file(tok, file, min_freq, max_size, text_col, errors, progress=report,
                                         replaced=replaced)
        say_replaced(file, replaced)
        cut = vocab.meta["cut"]
        vocab.save(out)
        written(out)
        summary = {"path": str(out), "size": len(vocab), "texts": vocab.meta["texts"], "tokenizer": tok.name,
                   "min_freq": min_freq, "max_size": max_size, "seen": vocab.meta["seen"], "cut": cut,
                   **replaced_summary({str(file): replaced} if replaced else {})}
        if json_out:
            print_json(summary)
        else:
            say(_("wrote {size:,} tokens ({tokenizer}, from {texts:,} texts, min_freq {min_freq}) to "
                  "{path}").format(**summary))
            say(_("{seen:,} distinct tokens seen: {low:,} cut by --min-freq {min_freq}, {big:,} by "
                  "--max-size").format(seen=vocab.meta["seen"], low=cut["min_freq"], min_freq=min_freq,
                                       big=cut["max_size"]))

    tok_app = group(_("Train new subword tokenizers."))
    app.add_typer(tok_app, name="tokenizer")

    @tok_app.command("train", help=_("Train a WordPiece, BPE or Unigram tokenizer and save it as a Hugging Face "
                                     "directory."))
    def tokenizer_train(
        files: list[Path] = typer.Option(..., "--file", "-f", help=_("Training text, one text per line."),
                                   readable=False),
        out: Path = typer.Option(..., "--out", "-o", help=_("Directory to write (loadable by AutoTokenizer)."),
                                 readable=False),
        kind: str = typer.Option("wordpiece", "--type", help=_("wordpiece, bpe or unigram.")),
        vocab_size: int = typer.Option(32000, "--vocab-size", help=_("Tokens in the vocabulary, {range}.").format(
                                           range=number_range(MIN_TRAINED_VOCAB, MAX_VOCAB))),
        min_frequency: int = typer.Option(None, "--min-frequency", "--min-freq", "--min-count",
                                          help=_("wordpiece, bpe: merge only pairs seen this "
                                                                          "often, 1 to {n} (default: 2).").format(
                                                    n=shown_number(MAX_MIN_COUNT))),
        pre_split: str = typer.Option(None, "--pre-split", help=_("kiwi: split into morphemes first (as KLUE did).")),
        lowercase: bool = typer.Option(False, "--lowercase", help=_("Lowercase before training and tokenizing.")),
        text_col: str = typer.Option(None, "--text-col", help=_("Column holding the text in a TSV/CSV file with a "
                                                                "header.")),
        errors: str = errors_opt(), json_out: bool = json_opt("document"), lang: str = lang_opt(),
    ):
        from seqlab.render.console import note, print_json, say
        from seqlab.tokens.training import KINDS, train_tokenizer

        check_lang(lang)
        kind = one_of("--type", kind, KINDS)
        pre_split = one_of("--pre-split", pre_split, ("kiwi",))
        in_range("--vocab-size", vocab_size, MIN_TRAINED_VOCAB, MAX_VOCAB)
        in_range("--min-frequency", min_frequency, 1, MAX_MIN_COUNT)
        errors = one_of("--errors", errors, ERROR_MODES)
        if kind == "unigram":
            unused({"--min-frequency": min_frequency}, "--type unigram",
                   _("Unigram prunes pieces by likelihood, not by a count: leave --min-frequency out."))
        no_duplicates("--file", [str(f) if str(f) == "-" else str(Path(f).resolve()) for f in files],
                      [str(f) for f in files])  # read twice, it would count every text twice
        check_output("--out", out, inputs=files, directory=True, fresh=True, notes=False)
        from seqlab.tokens.corpus import check_corpus

        check_corpus(files, errors)  # a missing, empty or binary file: said before a note about --out
        check_output("--out", out, inputs=files, directory=True, fresh=True)
        given = {"min_frequency": min_frequency} if min_frequency is not None else {}  # else train_tokenizer's own
        from seqlab.render.progress import counting_bar

        on_interrupt(NOTHING_WRITTEN)  # the folder is written whole at the end, or not at all
        with counting_bar(_("training a {kind} tokenizer").format(kind=kind), _("lines")) as report:
            result = train_tokenizer(files, out, kind=kind, vocab_size=vocab_size, **given, pre_split=pre_split,
                                     lowercase=lowercase, errors=errors, text_col=text_col, progress=report)
        written(result.path)
        for name, lines in result.replaced_lines.items():  # --errors replace is said, as by every other reader
            say_replaced(name, lines)
        summary = {"path": str(result.path), "type": result.kind, "vocab_size": result.vocab_size,
                   "requested_vocab_size": vocab_size, "lines": result.lines, "pre_split": result.pre_split,
                   "seconds": round(result.seconds, 2), "reproducible": result.reproducible,
                   "alphabet": {"characters": result.characters, "left_out": result.characters_left_out,
                                "left_out_share": round(result.left_out_share, 6)},
                   **replaced_summary(result.replaced_lines)}
        if result.characters_left_out:
            note(_("note: the alphabet keeps the {kept:,} most frequent of the corpus's {n:,} "
                   "characters; the other {out:,} ({share:.2%} of all characters) become the "
                   "unknown token. A larger --vocab-size keeps more (the alphabet is a quarter "
                   "of it, at least 100 characters).").format(kept=result.characters - result.characters_left_out,
                                     n=result.characters, out=result.characters_left_out,
                                     share=result.left_out_share))
        if not result.reproducible:
            note(_("note: tokenizers' {kind} trainer breaks ties in hash order "
                   "(huggingface/tokenizers#1794): another run on the same text can differ in "
                   "a few pieces near the vocabulary cut-off. Keep this folder; bpe is "
                   "reproducible.").format(kind=result.kind))
        if result.vocab_size > vocab_size:  # --vocab-size was not kept to: said, with the reason
            note(_("note: the tokenizer has {size:,} tokens, more than the {asked:,} asked for: the characters of "
                   "its alphabet (at least 100; WordPiece keeps each also as a ## continuation) and the special "
                   "tokens are kept whatever the size; a larger --vocab-size leaves room for merged "
                   "pieces").format(size=result.vocab_size, asked=vocab_size))
        if result.vocab_size < vocab_size:
            note(_("note: the corpus gave {size:,} tokens, fewer than the {asked:,} asked for "
                   "(--vocab-size is an upper bound: nothing more was frequent enough to "
                   "add)").format(size=result.vocab_size, asked=vocab_size))
        if json_out:
            print_json(summary)
        else:
            say(_("trained a {kind} tokenizer with {size:,} tokens on {lines:,} lines in {seconds:.1f} s "
                  "→ {path}\nuse it: seqlab tokenize TEXT --model {path}").format(
                kind=result.kind, size=result.vocab_size, lines=result.lines, seconds=result.seconds,
                path=result.path))
