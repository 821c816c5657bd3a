"""Stage 4 commands on sentences and texts: embed (and the corpus job), similarity, search."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import (
    MAX_K,
    check_lang,
    checked_prefix,
    encoder_opt,
    errors_opt,
    exclusive,
    file_opt,
    gather_texts,
    given,
    in_range,
    json_opt,
    k_opt,
    lang_opt,
    markdown_opt,
    one_of,
    require_text,
    text_col_opt,
    unused,
)
from seqlab.cli.outputs import NOTHING_WRITTEN, check_output, on_interrupt
from seqlab.errors import UsageError
from seqlab.i18n import N_, _
from seqlab.limits import ERROR_MODES
from seqlab.vectors.limits import PREVIEW, PREVIEW_RANGE

POOLING = ("cls", "mean", "max")


def device_opt():
    return typer.Option("auto", "--device", help=_("auto, cpu or cuda."))


def register(app: typer.Typer) -> None:
    @app.command(help=_("Run AutoModel: last_hidden_state [1, T, H] per text, or embed a whole corpus file with "
                        "--out. Texts longer than the model's window are truncated (reported), or read in "
                        "overlapping windows with --long window."))
    def embed(
        texts: list[str] = typer.Argument(None, help=_("Text(s) to embed; - reads stdin.")),
        file: Path = file_opt(), model: str = encoder_opt(), json_out: bool = json_opt(), markdown: bool = markdown_opt(),
        pooling: str = typer.Option(None, "--pool", "--pooling",
                                    help=_("Also give a sentence vector: cls, mean or max pooling.")),
        normalize: bool = typer.Option(None, "--normalize/--no-normalize", help=_("L2-normalize the pooled vector "
                                                                                  "(default: yes).")),
        layers: bool = typer.Option(False, "--layers", "--all-layers",
                                    help=_("Return the hidden states of every layer (--all-layers says the same; "
                                           "train's --layers is a count of stacked layers).")),
        full: bool = typer.Option(False, "--full", help=_("JSON: include every number of last_hidden_state.")),
        prefix: str = typer.Option(None, "--prefix", help=_("e5 input prefix: query, passage or none (default: none; "
                                                            "for the corpus job, passage).")),
        preview: int = typer.Option(None, "--preview", help=_("Numbers shown per token vector, {lo} to {hi:,} (default: {n}).").format(n=PREVIEW, lo=PREVIEW_RANGE[0], hi=PREVIEW_RANGE[1])),
        words: str = typer.Option(None, "--words", help=_("Also aggregate pieces into words: first, mean or last.")),
        morphemes: str = typer.Option(None, "--morphemes", help=_("Also aggregate pieces into Kiwi morphemes: "
                                                                  "first, mean or last.")),
        long: str = typer.Option(None, "--long", help=_("Texts longer than the model's window: truncate "
                                                        "(the default; reported) or window (overlapping windows, "
                                                        "each token's vectors averaged).")),
        stride: int = typer.Option(None, "--stride", help=_("--long window: tokens between window starts, at least "
                                                            "1, at most the window (default: half the window).")),
        out: Path = typer.Option(None, "--out", "-o", help=_("Corpus job: write float32 .npy shards + manifest.json "
                                                             "into this new folder."), readable=False),
        engine: str = typer.Option(None, "--engine", help=_("Corpus job engine: local (the default) or ray.")),
        workers: int = typer.Option(None, "--workers", help=_("--engine ray: workers, 1 to 256 (default: every CPU).")),
        precision: str = typer.Option(None, "--precision", help=_("Corpus job: fp32 (exact, the default) or bf16 "
                                                              "(fast).")),
        batch_size: int = typer.Option(None, "--batch-size", help=_("Texts per forward pass, 1 to 4,096 (default: 64 "
                                                                    "with --out, else 32).")),
        shard_size: int = typer.Option(None, "--shard-size", help=_("Corpus job: lines per shard, 100 to 1,000,000 "
                                                               "(default: 10,000).")),
        device: str = device_opt(), errors: str = errors_opt(), text_col: str = text_col_opt(), lang: str = lang_opt(),
    ):
        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        pooling = one_of("--pool", pooling, POOLING)
        from seqlab.vectors.aggregate import METHODS as WORD_POOLING
        from seqlab.vectors.corpus_job import ENGINES
        from seqlab.vectors.encoder import DEVICES, LONG, PRECISIONS

        words = one_of("--words", words, WORD_POOLING)
        morphemes = one_of("--morphemes", morphemes, WORD_POOLING)
        long = one_of("--long", long, LONG)
        engine = one_of("--engine", engine, ENGINES)
        precision = one_of("--precision", precision, PRECISIONS)
        device = one_of("--device", device, DEVICES)
        errors = one_of("--errors", errors, ERROR_MODES)
        in_range("--preview", preview, *PREVIEW_RANGE)
        in_range("--stride", stride, 1)
        in_range("--workers", workers, 1, 256)
        in_range("--batch-size", batch_size, 1, 4096)
        in_range("--shard-size", shard_size, 100, 1_000_000)
        prefix_value = checked_prefix(prefix or "none", model)
        # options the chosen mode would not use are refused, not ignored
        if out is None:
            unused({"--engine": engine, "--workers": workers, "--precision": precision, "--shard-size": shard_size},
                   _("embed without --out"), _("They are for the corpus job: embed -f FILE --out DIR."))
        else:
            unused({"--preview": preview, "--long": long, "--stride": stride, "--words": words,
                    "--morphemes": morphemes, "--layers": layers or None, "--full": full or None,
                    "--markdown": markdown or None}, _("the corpus job (--out)"),
                   _("They are for texts embedded one by one, without --out."))
        if out is None and not json_out:  # --full adds every number to the JSON; the tables show a preview
            unused({"--full": full or None}, _("embed without --json"), _("Add --json (--full puts every number of "
                                                                          "last_hidden_state in it)."))
        if long != "window":
            unused({"--stride": stride}, "--long " + (long or "truncate"), _("Add --long window."))
        if out is None and pooling is None:  # the corpus job always pools (mean by default)
            unused({"--normalize" if normalize else "--no-normalize": normalize}, _("embed without --pool"),
                   _("--normalize scales the pooled sentence vector: add --pool mean (or cls, max)."))
        normalize = True if normalize is None else normalize
        if engine != "ray":
            unused({"--workers": workers}, "--engine " + (engine or "local"), _("Add --engine ray."))
        if out is not None:
            return _corpus_job(file, texts, out, model, pooling, normalize, prefix, precision, batch_size, shard_size,
                               engine, workers, device, json_out, errors, text_col)
        long, preview, batch_size = long or "truncate", preview or PREVIEW, batch_size or 32
        from seqlab.render.console import console
        from seqlab.vectors.encoder import check_stride_for, load_encoder

        if stride is not None:  # from the tokenizer alone: said before the texts are read and the model loads
            check_stride_for(model, stride, prefix_value)
        all_texts = gather_texts(texts, file, errors, allow_empty=file is not None or texts == ["-"], text_col=text_col)
        encoder = load_encoder(model, device)
        out_console = console()
        from seqlab.render.progress import counting_bar

        # --batch-size texts at a time, each printed as soon as it is done: a long file shows its progress, keeps
        # memory flat, and an interrupted run keeps every line already printed (it held them all until the end)
        with counting_bar(_("embedding {n:,} texts").format(n=len(all_texts)), _("texts"),
                          enabled=len(all_texts) > batch_size) as report:
            for start in range(0, len(all_texts), batch_size):
                records = encoder.embed_many(all_texts[start : start + batch_size], prefix=prefix_value,
                                             layers=layers, pooling=pooling, normalize=normalize, errors=errors,
                                             long=long, stride=stride, batch_size=batch_size)
                _print_embeddings(records, json_out, markdown, full, preview, words, morphemes, out_console)
                report(min(start + batch_size, len(all_texts)), len(all_texts))

    @app.command(help=_("Cosine similarity of two sentence vectors (e5: both with the \"query: \" prefix)."))
    def similarity(
        a: str = typer.Argument(..., help=_("First sentence.")), b: str = typer.Argument(..., help=_("Second "
                                                                                                    "sentence.")),
        model: str = encoder_opt(), pool: str = typer.Option("mean", "--pool", "--pooling", help=_("cls, mean or max.")),
        json_out: bool = json_opt("one"), markdown: bool = markdown_opt(), errors: str = errors_opt(),
        lang: str = lang_opt(),
    ):
        from seqlab.render.console import note, print_json, say
        from seqlab.render.vectors import similarity_line, similarity_markdown, similarity_notes
        from seqlab.text.unicode import clean_surrogates
        from seqlab.vectors.similarity import similarity as run

        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        pool = one_of("--pool", pool, POOLING)
        errors = one_of("--errors", errors, ERROR_MODES)
        if "-" in (a, b):  # elsewhere - reads standard input; here it would be compared as a sentence
            raise UsageError(_("similarity takes its two sentences as arguments; - (standard input) is not read here"),
                             _('Give both sentences: seqlab similarity "첫 문장" "둘째 문장".'))
        rec = run(clean_surrogates(require_text(a, _("the first sentence")), errors),
                  clean_surrogates(require_text(b, _("the second sentence")), errors), model, pooling=pool)
        if json_out:
            print_json(rec.to_dict())
        elif markdown:
            print(similarity_markdown(rec))
        else:
            say(similarity_line(rec), soft_wrap=True)
        for line in similarity_notes(rec):  # said on stderr with --json too
            note(line)

    @app.command(help=_("Top-k semantic search; the corpus index is built once, saved, and reused."))
    def search(
        query: str = typer.Argument(..., help=_("What to look for.")),
        corpus: Path = typer.Option(..., "--corpus", "--file", "-f", help=_("Text file, one document per line (or a "
                                                                            "TSV/CSV with --text-col)."),
                                    readable=False),
        k: int = k_opt(), model: str = encoder_opt(), json_out: bool = json_opt("document"),
        text_col: str = typer.Option(None, "--text-col", help=_("Column holding the text in a TSV/CSV file with a "
                                                                "header (NSMC: document, found without it).")),
        errors: str = errors_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, note, print_json
        from seqlab.render.progress import counting_bar
        from seqlab.render.vectors import search_notes, search_table
        from seqlab.vectors.search import search as run

        check_lang(lang)
        in_range("-k", k, 1, MAX_K)
        errors = one_of("--errors", errors, ERROR_MODES)
        require_text(query, _("the query"))
        on_interrupt(NOTHING_WRITTEN)  # until a part of the index is finished
        with counting_bar(_("indexing {name}").format(name=corpus.name), _("lines")) as report:

            def indexing(done: int, total: int) -> None:
                report(done, total)
                if done:  # a finished part of the index is kept (the corpus job resumes from it)
                    on_interrupt(N_("the index keeps every part finished so far: run the same search again to go on "
                                    "from there.") if done < total else
                                 N_("the index is complete and kept: the same search again starts at once."))

            result = run(query, corpus, model, k, progress=indexing, errors=errors, text_col=text_col)
        for line in search_notes(result, corpus.name):  # said on stderr with --json too
            note(line)
        if json_out:
            print_json(result.to_dict())
        else:
            console().print(search_table(result))


def _corpus_job(file, texts, out, model, pooling, normalize, prefix, precision, batch_size, shard_size, engine,
                workers, device, json_out, errors, text_col=None):
    from seqlab.render.console import note, print_json, say
    from seqlab.render.progress import counting_bar
    from seqlab.render.vectors import corpus_summary, truncated_lines_note
    from seqlab.vectors.corpus_job import CorpusJobConfig, embed_corpus

    if file is None or texts:
        raise UsageError(_("the corpus job needs -f FILE (one text per line) together with --out DIR"))
    from seqlab.text.reading import refuse_stdin

    refuse_stdin(file, _("a corpus file"))  # it resumes by seeking in it: said as search and train say it
    # before any work, as every command checks its --out: not the input, not a file, in a folder that can be written
    check_output("--out", out, inputs=[file], directory=True)
    # no --prefix: the model's passage prefix; an explicit one (none included) is used as given
    config = CorpusJobConfig(**given(model=model, prefix=None if prefix is None else checked_prefix(prefix, model),
                                     pooling=pooling, normalize=normalize, precision=precision, batch_size=batch_size,
                                     shard_size=shard_size))  # the rest: the job's own defaults
    with counting_bar(_("embedding {name}").format(name=file.name), _("lines")) as report:
        result = embed_corpus(file, out, config, **given(engine=engine), workers=workers, device=device,
                              progress=report, errors=errors, text_col=text_col)
    if json_out:
        print_json(result.to_dict())
    else:
        say(corpus_summary(result))
    if result.truncated_lines:  # said on stderr with --json too
        note(truncated_lines_note(result.truncated_lines, file.name, result.max_length))
    if result.text_col is not None:  # rows are not lines (NSMC's document column too): said, with each row's line
        note(_("note: the rows are the {n:,} non-blank texts of column {col!r} ({empty:,} blank left out); "
               "manifest.json's table.lines gives each row's line in {name}").format(
            n=result.rows, col=result.text_col, empty=result.empty_lines, name=file.name))


def _print_embeddings(records, json_out, markdown, full, preview, words, morphemes, out_console) -> None:
    """embed's output for each record: a JSON line, Markdown, or tables (with the word or morpheme groups)."""
    from seqlab.render.console import print_json
    from seqlab.render.vectors import embedding_markdown, groups_markdown, groups_table, render_embedding
    from seqlab.vectors.aggregate import aggregate_morphemes, aggregate_words

    for rec in records:
        groups = {}
        if words:
            groups["words"] = aggregate_words(rec, words)
        if morphemes:
            groups["morphemes"] = aggregate_morphemes(rec, morphemes)
        if json_out:
            obj = rec.to_dict(full=full, preview=preview)
            for key, items in groups.items():
                obj[key] = [g.to_dict(preview) for g in items]
            print_json(obj)
        elif markdown:
            print(embedding_markdown(rec, preview) + "\n")
            for key, items in groups.items():
                print(groups_markdown(key, words if key == "words" else morphemes, items, preview) + "\n")
        else:
            render_embedding(rec, out_console, preview)
            for key, items in groups.items():
                out_console.print(groups_table(key, words if key == "words" else morphemes, items, preview))
