"""Stage 4 commands: embed, similarity, search, neighbors, analogy, plot, wordvec train/eval."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import (
    check_lang,
    check_output,
    check_plot,
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
    one_of,
    prefix_opt,
    prefix_text,
    require_text,
    unused,
)
from seqlab.errors import UsageError
from seqlab.i18n import _

MAX_K = 1000
POOLING = ("cls", "mean", "max")


def vectors_opt():
    return typer.Option(None, "--vectors", help=_("gensim vectors (.model/.kv or word2vec .txt/.bin) instead of "
                                                  "the embedded model's word vectors."))


def device_opt():
    return typer.Option("auto", "--device", help=_("auto, cpu or cuda."))


def k_opt():
    return typer.Option(10, "-k", "--top", help=_("How many results (1 to {n}).").format(n=MAX_K))


def embed_oov_opt():
    return typer.Option(False, "--embed-oov", help=_("Build a vector from its pieces for a word outside the "
                                                     "vocabulary, instead of reporting it as unknown."))


def method_opt():
    from seqlab.vectors.analogy import DEFAULT_METHOD

    return typer.Option(DEFAULT_METHOD, "--method", help=_("3cosadd (the words whose vectors are closest to the sum, "
                                                           "e.g. 왕 - 남자 + 여자) or 3cosmul (Levy & Goldberg's "
                                                           "product of similarities)."))


def wordvec_model_opt():
    return typer.Option(None, "--model", "-m", help=_("Word vectors: kiwi (default; Kiwi's morpheme vectors composed "
                                                      "into Korean words), e5-small or minilm (read out of the "
                                                      "transformer, Korean and English)."))


def _check_word_vectors(vectors, model) -> None:
    """Up front, exit 2: --vectors and --model together, or a model without word vectors (char, whitespace)."""
    if vectors is not None and model is not None:
        raise UsageError(_("give --vectors or --model, not both"),
                         _("--vectors reads trained vectors; --model names the model whose word vectors to use."))
    if model is not None:
        from seqlab.pretrained.registry import resolve

        spec = resolve(model)
        if spec.kind not in ("kiwi", "hf"):
            raise UsageError(_("{model} has no word vectors").format(model=spec.name),
                             _("Use --model kiwi (the default), e5-small or minilm."))


def _word_vectors(vectors, model):
    """Trained vectors, or the default/named model's (built once, with a progress bar that has a total and an ETA)."""
    from seqlab.render.console import console
    from seqlab.render.progress import counting_bar
    from seqlab.vectors.wordvectors import (
        DEFAULT_WORD_VECTORS,
        ENGLISH_WORDS,
        KOREAN_WORDS,
        RECIPE,
        from_gensim,
        is_built,
        kiwi_vectors_path,
        load_word_vectors,
        model_vectors_path,
    )

    if vectors is not None:
        return from_gensim(vectors)
    if is_built(model):
        return load_word_vectors(None, model)
    from seqlab.pretrained.registry import resolve

    spec = resolve(model or DEFAULT_WORD_VECTORS)
    if spec.kind == "kiwi":
        console(stderr=True).print(_(
            "Building Kiwi's word vectors once (about a minute): its morpheme vectors are recovered from its own "
            "cosines, then each of the {ko:,} most frequent Korean entries of wordfreq (with verbs and adjectives in "
            "their dictionary and past forms) is composed from its morphemes. Cached in {path}.").format(
            ko=KOREAN_WORDS, path=kiwi_vectors_path()))
        with counting_bar(_("recovering morphemes, then composing words"), _("items")) as report:
            return load_word_vectors(None, model, report)
    console(stderr=True).print(_(
        "Building the word vectors of {model} once: the {ko:,} most frequent Korean entries of wordfreq (with "
        "verbs and adjectives in their dictionary and past forms, by Kiwi) and {en:,} English words, each run "
        "through the model alone ({recipe}). Cached in {path}.").format(
        model=spec.name, ko=KOREAN_WORDS, en=ENGLISH_WORDS, recipe=RECIPE.describe(),
        path=model_vectors_path(spec.name)))
    with counting_bar(_("embedding words"), _("words")) as report:
        return load_word_vectors(None, model, report)


def register(app: typer.Typer) -> None:
    @app.command(help=_("Run AutoModel: last_hidden_state [1, T, H] per text, or embed a whole corpus file with "
                        "--out. Texts longer than the model's window are truncated (reported), or read in "
                        "overlapping windows with --long window."))
    def embed(
        texts: list[str] = typer.Argument(None, help=_("Text(s) to embed; - reads stdin.")),
        file: Path = file_opt(), model: str = model_opt(), json_out: bool = json_opt(), markdown: bool = markdown_opt(),
        pool: str = typer.Option(None, "--pool", help=_("Also give a sentence vector: cls, mean or max pooling.")),
        normalize: bool = typer.Option(True, "--normalize/--no-normalize", help=_("L2-normalize the pooled vector.")),
        layers: bool = typer.Option(False, "--layers", help=_("Return the hidden states of every layer.")),
        full: bool = typer.Option(False, "--full", help=_("JSON: include every number of last_hidden_state.")),
        prefix: str = prefix_opt(),
        preview: int = typer.Option(None, "--preview", help=_("Numbers shown per token vector, 1 to 1024 (default: 6).")),
        words: str = typer.Option(None, "--words", help=_("Also aggregate pieces into words: first, mean or last.")),
        morphemes: str = typer.Option(None, "--morphemes", help=_("Also aggregate pieces into Kiwi morphemes: "
                                                                  "first, mean or last.")),
        long: str = typer.Option(None, "--long", help=_("Texts longer than the model's window: truncate "
                                                        "(the default; reported) or window (overlapping windows, "
                                                        "each token's vectors averaged).")),
        stride: int = typer.Option(None, "--stride", help=_("--long window: tokens between window starts (default: "
                                                            "half the window).")),
        out: Path = typer.Option(None, "--out", "-o", help=_("Corpus job: write float32 .npy shards + manifest.json "
                                                             "into this new folder.")),
        engine: str = typer.Option(None, "--engine", help=_("Corpus job engine: local (the default) or ray.")),
        workers: int = typer.Option(None, "--workers", help=_("--engine ray: workers (default: every CPU).")),
        precision: str = typer.Option(None, "--precision", help=_("Corpus job: fp32 (exact, the default) or bf16 "
                                                              "(fast).")),
        batch_size: int = typer.Option(64, "--batch-size", help=_("Texts per forward pass (1 to 4096).")),
        shard_size: int = typer.Option(None, "--shard-size", help=_("Corpus job: lines per shard, 100 to 1,000,000 "
                                                               "(default: 10,000).")),
        device: str = device_opt(), errors: str = errors_opt(), lang: str = lang_opt(),
    ):
        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        one_of("--pool", pool, POOLING)
        one_of("--words", words, ("first", "mean", "last"))
        one_of("--morphemes", morphemes, ("first", "mean", "last"))
        one_of("--long", long, ("truncate", "window"))
        one_of("--engine", engine, ("local", "ray"))
        one_of("--precision", precision, ("fp32", "bf16"))
        one_of("--device", device, ("auto", "cpu", "cuda"))
        in_range("--preview", preview, 1, 1024)
        in_range("--stride", stride, 1)
        in_range("--workers", workers, 1, 256)
        in_range("--batch-size", batch_size, 1, 4096)
        in_range("--shard-size", shard_size, 100, 1_000_000)
        prefix_value = prefix_text(prefix, model)
        # options the chosen mode would not use are refused, not ignored
        if out is None:
            unused({"--engine": engine, "--workers": workers, "--precision": precision, "--shard-size": shard_size},
                   _("embed without --out"), _("They are for the corpus job: embed -f FILE --out DIR."))
        else:
            unused({"--preview": preview, "--long": long, "--stride": stride, "--words": words,
                    "--morphemes": morphemes, "--layers": layers or None, "--full": full or None,
                    "--markdown": markdown or None}, _("the corpus job (--out)"),
                   _("They are for texts embedded one by one, without --out."))
        if long != "window":
            unused({"--stride": stride}, "--long " + (long or "truncate"), _("Add --long window."))
        if engine != "ray":
            unused({"--workers": workers}, "--engine " + (engine or "local"), _("Add --engine ray."))
        if out is not None:
            return _corpus_job(file, texts, out, model, pool or "mean", normalize, prefix, precision or "fp32",
                               batch_size, shard_size or 10_000, engine or "local", workers, device, json_out)
        long, preview = long or "truncate", preview or 6
        from seqlab.render.console import console, json_line
        from seqlab.render.vectors import embedding_markdown, groups_table, render_embedding
        from seqlab.vectors.aggregate import aggregate_morphemes, aggregate_words
        from seqlab.vectors.encoder import load_encoder

        all_texts = gather_texts(texts, file, errors, allow_empty=file is not None or texts == ["-"])
        encoder = load_encoder(model, device)
        records = encoder.embed_many(all_texts, prefix=prefix_value, layers=layers, pooling=pool,
                                     normalize=normalize, errors=errors, long=long, stride=stride)
        out_console = console()
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
                print(json_line(obj))
            elif markdown:
                print(embedding_markdown(rec, preview) + "\n")
            else:
                render_embedding(rec, out_console, preview)
                for key, items in groups.items():
                    out_console.print(groups_table(key, words if key == "words" else morphemes, items, preview))

    @app.command(help=_("Cosine similarity of two sentence vectors (e5: both with the \"query: \" prefix)."))
    def similarity(
        a: str = typer.Argument(..., help=_("First sentence.")), b: str = typer.Argument(..., help=_("Second "
                                                                                                    "sentence.")),
        model: str = model_opt(), pool: str = typer.Option("mean", "--pool", help=_("cls, mean or max.")),
        json_out: bool = json_opt(), errors: str = errors_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, json_line
        from seqlab.render.vectors import similarity_line
        from seqlab.text.unicode import clean_surrogates
        from seqlab.vectors.similarity import similarity as run

        check_lang(lang)
        one_of("--pool", pool, POOLING)
        one_of("--errors", errors, ("strict", "replace"))
        rec = run(clean_surrogates(require_text(a, _("the first sentence")), errors),
                  clean_surrogates(require_text(b, _("the second sentence")), errors), model, pooling=pool)
        if json_out:
            print(json_line(rec.to_dict()))
        else:
            console().print(similarity_line(rec), highlight=False)

    @app.command(help=_("Top-k semantic search; the corpus index is built once, saved, and reused."))
    def search(
        query: str = typer.Argument(..., help=_("What to look for.")),
        corpus: Path = typer.Option(..., "--corpus", help=_("Text file, one document per line.")),
        k: int = k_opt(), model: str = model_opt(), json_out: bool = json_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, json_line
        from seqlab.render.progress import counting_bar
        from seqlab.render.vectors import search_table
        from seqlab.vectors.search import search as run

        check_lang(lang)
        in_range("-k", k, 1, MAX_K)
        require_text(query, _("the query"))
        with counting_bar(_("indexing {name}").format(name=corpus.name), _("lines")) as report:
            result = run(query, corpus, model, k, progress=report)
        if result.bad_lines:
            console(stderr=True).print(_("note: {n:,} line(s) of {name} are not valid UTF-8; they were indexed with "
                                         "U+FFFD in place of the bad bytes").format(n=result.bad_lines, name=corpus.name),
                                       highlight=False)
        if json_out:
            print(json_line(result.to_dict()))
        else:
            console().print(search_table(result))

    @app.command(help=_("Nearest words by cosine, in Kiwi's word vectors (the default), a transformer's (--model) or "
                        "--vectors."))
    def neighbors(
        word: str = typer.Argument(..., help=_("A word, e.g. 영화.")),
        k: int = k_opt(), vectors: Path = vectors_opt(), model: str = wordvec_model_opt(), json_out: bool = json_opt(),
        embed_oov: bool = embed_oov_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, json_line
        from seqlab.render.vectors import neighbors_table
        from seqlab.vectors.word_input import source_label

        check_lang(lang)
        in_range("-k", k, 1, MAX_K)
        _check_word_vectors(vectors, model)
        require_text(word, _("the word"))
        if vectors is None:
            from seqlab.vectors.wordvectors import refuse_unknown_pieces

            refuse_unknown_pieces([word.strip()], model)  # before the first build, which takes minutes
        result = _word_vectors(vectors, model).neighbors(word.strip(), k, embed_oov=embed_oov or None)
        if json_out:
            print(json_line(result.to_dict()))
        else:
            title = _("neighbours of {word!r} · {source}").format(word=result.word, source=source_label(result.source))
            if not result.in_vocabulary:
                title += " · " + _("not in the vocabulary: built from its pieces")
            console().print(neighbors_table(title, result.results))

    @app.command(help=_("Word analogies by vector arithmetic (3CosAdd: the words whose vectors are closest to "
                        "왕 - 남자 + 여자, or 3CosMul); the input words are left out of the results. A word outside "
                        "the vocabulary is reported as unknown."))
    def analogy(
        expression: str = typer.Argument(..., help=_('e.g. "왕 - 남자 + 여자"')),
        k: int = k_opt(), vectors: Path = vectors_opt(), model: str = wordvec_model_opt(), method: str = method_opt(),
        embed_oov: bool = embed_oov_opt(), json_out: bool = json_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, json_line
        from seqlab.render.vectors import neighbors_table
        from seqlab.vectors.analogy import METHODS
        from seqlab.vectors.word_input import source_label
        from seqlab.vectors.wordvectors import parse_expression, refuse_unknown_pieces

        check_lang(lang)
        in_range("-k", k, 1, MAX_K)
        one_of("--method", method, METHODS)
        _check_word_vectors(vectors, model)
        positive, negative = parse_expression(expression)  # a malformed expression fails before any build
        if vectors is None:
            refuse_unknown_pieces([*positive, *negative], model)
        result = _word_vectors(vectors, model).solve(expression, k, method, embed_oov=embed_oov or None)
        if json_out:
            print(json_line(result.to_dict()))
        else:
            title = f"{expression}  ≈ ? · {source_label(result.source)} · {result.method}"
            if result.oov:
                title += " · " + _("built from pieces: {words}").format(words=", ".join(result.oov))
            score = _("3CosMul score") if result.method == "3cosmul" else None
            console().print(neighbors_table(title, result.results, score))

    @app.command(help=_("Project word or sentence vectors to 2-D (PCA/UMAP) and draw them as PNG or "
                        "self-contained HTML."))
    def plot(
        items: list[str] = typer.Argument(None, help=_("Words (or sentences with --sentences).")),
        file: Path = file_opt(),
        out: Path = typer.Option(..., "--out", "-o", help=_("FILE.png or FILE.html")),
        sentences: bool = typer.Option(False, "--sentences", help=_("Plot sentence vectors instead of word vectors.")),
        method: str = typer.Option("pca", "--method", help=_("pca or umap (needs umap-learn).")),
        vectors: Path = vectors_opt(),
        model: str = typer.Option(None, "--model", "-m", help=_("Words: kiwi (default), e5-small or minilm word "
                                                                "vectors. --sentences: the sentence encoder (default "
                                                                "e5-small).")),
        json_out: bool = json_opt(), errors: str = errors_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, json_line
        from seqlab.render.plots import SPREAD_MAX, labels_spread, write_scatter
        from seqlab.vectors.projection import METHODS, project_items

        check_lang(lang)
        one_of("--method", method, METHODS)
        if not sentences:
            _check_word_vectors(vectors, model)
        check_plot(out, "--out")  # a usage error (2), as --plot everywhere
        labels = gather_texts(items, file, errors)
        if sentences:
            proj = project_items(labels, None, method, model=model)
        else:
            proj = project_items(labels, _word_vectors(vectors, model), method)
        path = write_scatter(proj, out, sentences)
        spread = labels_spread(len(proj.labels))
        if json_out:
            print(json_line({**proj.to_dict(), "path": str(path), "labels_spread": spread}))
        else:
            console().print(_("wrote {path}").format(path=path), highlight=False)
            if not spread:
                console(stderr=True).print(_(
                    "note: {n} points; labels are moved apart only up to {max} points, so some may overlap (in the "
                    "HTML file, hover a point for its label).").format(n=len(proj.labels), max=SPREAD_MAX),
                    highlight=False)

    wv_app = group(_("Train and evaluate Word2Vec/FastText word vectors (gensim)."))
    app.add_typer(wv_app, name="wordvec")

    @wv_app.command("train", help=_("Train Word2Vec or FastText on a corpus split into Kiwi morphemes; saved in "
                                    "gensim's format."))
    def wordvec_train(
        files: list[Path] = typer.Option(..., "--file", "-f", help=_("Corpus (repeatable).")),
        out: Path = typer.Option(..., "--out", "-o", help=_("Where to save: FILE.model (gensim's full model, .kv "
                                                            "beside it) or FILE.txt, .vec, .bin (word2vec format: "
                                                            "one vector per word; FastText's n-grams are not kept).")),
        kind: str = typer.Option("word2vec", "--kind", help=_("word2vec or fasttext.")),
        split: str = typer.Option("kiwi", "--split", help=_("kiwi morphemes or whitespace words.")),
        text_col: str = typer.Option(None, "--text-col", help=_("Text column of a TSV/CSV with a header.")),
        dim: int = typer.Option(100, "--dim", help=_("Vector size (2 to 1000).")),
        window: int = typer.Option(5, "--window", help=_("Context words on each side (1 to 50).")),
        min_count: int = typer.Option(5, "--min-count", help=_("Ignore words seen fewer times (at least 1).")),
        epochs: int = typer.Option(5, "--epochs", help=_("Passes over the corpus (1 to 100).")),
        cbow: bool = typer.Option(False, "--cbow", help=_("CBOW instead of skip-gram.")),
        tags: bool = typer.Option(False, "--tags", help=_("--split kiwi: keep POS tags in tokens (영화/NNG).")),
        seed: int = typer.Option(1, "--seed", help=_("Seed of the training.")),
        json_out: bool = json_opt(), errors: str = errors_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, json_line
        from seqlab.vectors.wordvec_training import TEXT_FORMATS, train_word_vectors

        check_lang(lang)
        one_of("--kind", kind, ("word2vec", "fasttext"))
        one_of("--split", split, ("kiwi", "whitespace"))
        if split != "kiwi":
            unused({"--tags": tags or None}, "--split " + split, _("POS tags come from Kiwi: use --split kiwi."))
        in_range("--dim", dim, 2, 1000)
        in_range("--window", window, 1, 50)
        in_range("--min-count", min_count, 1)
        in_range("--epochs", epochs, 1, 100)
        in_range("--seed", seed, 0, 2**32 - 1)
        check_output("--out", out, inputs=files)
        result = train_word_vectors(files, out, kind=kind, split=split, dim=dim, window=window, min_count=min_count,
                                    epochs=epochs, sg=not cbow, seed=seed, tags=tags, text_col=text_col, errors=errors)
        if kind == "fasttext" and out.suffix.lower() in TEXT_FORMATS:
            console(stderr=True).print(_("note: {name} holds one vector per word (word2vec format): FastText's "
                                         "character n-grams are not kept, so unseen words have no vector; save as "
                                         ".model to keep them").format(name=out.name), highlight=False)
        if json_out:
            print(json_line(result.to_dict()))
        else:
            from seqlab.render.vectors import wordvec_summary

            console().print(wordvec_summary(result), highlight=False)

    @wv_app.command("eval", help=_("Analogy accuracy (top-1 and top-5) per section on a questions file in "
                                   "gensim's questions-words format."))
    def wordvec_eval(
        questions: Path = typer.Argument(None, help=_("Analogy questions in gensim's questions-words format "
                                                      "(default: seqlab's Korean set, 328 questions in 8 relations).")),
        vectors: Path = vectors_opt(), model: str = wordvec_model_opt(), method: str = method_opt(),
        json_out: bool = json_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, json_line
        from seqlab.render.vectors import analogy_eval_table
        from seqlab.vectors.analogy import METHODS
        from seqlab.vectors.analogy_eval import evaluate, read_questions

        check_lang(lang)
        one_of("--method", method, METHODS)
        _check_word_vectors(vectors, model)
        if questions is None:
            from seqlab.vectors.analogy_eval import KOREAN_ANALOGIES as questions
        sections = read_questions(questions)  # a malformed file fails before any vectors are built
        result = evaluate(_word_vectors(vectors, model), questions, method=method, sections=sections)
        if json_out:
            print(json_line(result.to_dict()))
        else:
            console().print(analogy_eval_table(result))


def _corpus_job(file, texts, out, model, pooling, normalize, prefix, precision, batch_size, shard_size, engine,
                workers, device, json_out):
    from seqlab.render.console import console, json_line
    from seqlab.render.progress import counting_bar
    from seqlab.render.vectors import corpus_summary
    from seqlab.vectors.corpus_job import CorpusJobConfig, embed_corpus

    if file is None or texts:
        raise UsageError(_("the corpus job needs -f FILE (one text per line) together with --out DIR"))
    if str(file) == "-":
        raise UsageError(_("the corpus job needs a real file (it resumes by seeking in it), not stdin"))
    config = CorpusJobConfig(model=model or "e5-small", prefix=None if prefix == "none" else prefix_text(prefix, model),
                             pooling=pooling, normalize=normalize, precision=precision, batch_size=batch_size,
                             shard_size=shard_size)
    with counting_bar(_("embedding {name}").format(name=file.name), _("lines")) as report:
        result = embed_corpus(file, out, config, engine=engine, workers=workers, device=device, progress=report)
    if json_out:
        print(json_line(result.to_dict()))
    else:
        console().print(corpus_summary(result), highlight=False)

