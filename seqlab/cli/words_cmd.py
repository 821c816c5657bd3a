"""Stage 4 commands on words: neighbors, analogy, plot (words or sentences), wordvec train/eval."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import (
    MAX_K,
    MAX_MIN_COUNT,
    SEED_MAX,
    check_lang,
    errors_opt,
    exclusive,
    file_opt,
    first_of_each,
    gather_texts,
    group,
    in_range,
    json_opt,
    k_opt,
    lang_opt,
    markdown_opt,
    no_duplicates,
    number_range,
    one_of,
    say_replaced,
    text_col_opt,
    unused,
)
from seqlab.cli.outputs import NOTHING_WRITTEN, check_output, check_plot, keep_aside, on_interrupt, written
from seqlab.errors import InputError, UsageError, shown_number
from seqlab.i18n import N_, _, ngettext
from seqlab.limits import ERROR_MODES
from seqlab.vectors.limits import WORDVEC_DIM, WORDVEC_EPOCHS, WORDVEC_WINDOW, WORDVEC_WORKERS


def vectors_opt():
    return typer.Option(None, "--vectors", help=_("gensim vectors (.model/.kv or word2vec .txt/.bin) instead of "
                                                  "the embedded model's word vectors."), readable=False)


def embed_oov_opt():
    return typer.Option(False, "--embed-oov", help=_("Build a vector from its pieces for a word outside the "
                                                     "vocabulary, instead of reporting it as unknown. FastText "
                                                     "vectors (--vectors) always build one from character n-grams, "
                                                     "as FastText does, and say so."))


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
        from seqlab.vectors.wordvectors import word_vector_kind

        word_vector_kind(model)


def _say_notes(result) -> None:
    """Say on stderr what the table is read with beside it (:func:`seqlab.render.words.word_notes`)."""
    from seqlab.render.console import note
    from seqlab.render.words import word_notes

    for line in word_notes(result):
        note(_("note: {what}").format(what=line))


def _word_vectors(vectors, model):
    """Trained vectors, or the default/named model's (built once, with a progress bar that has a total and an ETA)."""
    from seqlab.render.console import note
    from seqlab.render.progress import counting_bar
    from seqlab.vectors.kiwi_word_vectors import kiwi_vectors_path
    from seqlab.vectors.wordvectors import (
        DEFAULT_WORD_VECTORS,
        ENGLISH_WORDS,
        KOREAN_WORDS,
        RECIPE,
        from_model,
        is_built,
        model_vectors_path,
    )

    if vectors is not None:
        from seqlab.vectors.gensim_vectors import from_gensim

        return from_gensim(vectors)
    if is_built(model):
        return from_model(model)
    from seqlab.pretrained.registry import resolve

    spec = resolve(model or DEFAULT_WORD_VECTORS)
    on_interrupt(N_("the word-vector build did not finish; its unfinished step is not kept, and the next use of "
                    "these vectors starts that step again."))
    if spec.kind == "kiwi":
        note(_(
            "Building Kiwi's word vectors once (under a minute): its morpheme and context vectors are recovered from "
            "its own cosines, then each of the {ko:,} most frequent Korean entries of wordfreq (with verbs and "
            "adjectives in their dictionary and past forms, and nouns + 하다 such as 사랑하다) is composed from its "
            "morphemes. Cached in {path}.").format(ko=KOREAN_WORDS, path=kiwi_vectors_path()))
        with counting_bar(_("building Kiwi's word vectors"), _("items")) as report:
            built = from_model(model, report)
        note(_(
            "Kiwi's word vectors: {n:,} words of {candidates:,} candidates; {left:,} were left out (a part Kiwi's "
            "model keeps no vector for, a bare particle or ending, or a fragment of a phrase).").format(
            n=len(built.words), candidates=built.candidates, left=built.candidates - len(built.words)))
        return built  # caches of older recipes were removed by the build, and said
    from seqlab.vectors.encoder import load_encoder

    # the model first (a folder without weights is refused here, before any promise); the recipe's layers follow
    # its depth (MiniLM has 6), as the build's own, and so does the cache's name
    recipe = RECIPE.for_depth(load_encoder(spec.name).num_layers)
    note(_(
        "Building the word vectors of {model} once (several minutes: e5-small took 3 to 6 on two cores): the "
        "{ko:,} most frequent Korean entries of wordfreq (with verbs and adjectives in their dictionary and past "
        "forms, by Kiwi, and nouns + 하다) and {en:,} English words, each run through the model alone ({recipe}). "
        "Cached in {path}.").format(
        model=spec.name, ko=KOREAN_WORDS, en=ENGLISH_WORDS, recipe=recipe.describe(),
        path=model_vectors_path(spec.name, recipe=recipe)))
    with counting_bar(_("building word vectors"), _("items")) as report:
        return from_model(model, report)


def one_expression(words: list[str]) -> str:
    """The analogy as one argument. Unquoted, with its operators (왕 - 남자 + 여자: the shell splits it), it is joined
    back as typed; words given apart without operators (gensim's order: 왕 남자 여자) get the expression to type."""
    if len(words) == 1:
        return words[0]
    from seqlab.vectors.word_input import has_operator

    if any(has_operator(w) for w in words):
        return " ".join(words)
    example = f"{words[0]} - {words[1]} + {words[2]}" if len(words) == 3 else "왕 - 남자 + 여자"  # no operator here
    raise UsageError(_("the analogy is one argument in quotes, with + and - between the words; got {n} arguments")
                     .format(n=len(words)), _('e.g. seqlab analogy "{example}"').format(example=example))


def register(app: typer.Typer) -> None:
    @app.command(help=_("Nearest words by cosine, in Kiwi's word vectors (the default), a transformer's (--model) or "
                        "--vectors."))
    def neighbors(
        word: str = typer.Argument(..., help=_("A word, e.g. 영화.")),
        k: int = k_opt(), vectors: Path = vectors_opt(), model: str = wordvec_model_opt(),
        json_out: bool = json_opt("one"), markdown: bool = markdown_opt(), embed_oov: bool = embed_oov_opt(),
        lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, print_json
        from seqlab.render.words import neighbors_markdown, neighbors_table
        from seqlab.vectors.word_input import check_word, source_label

        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        in_range("-k", k, 1, MAX_K)
        _check_word_vectors(vectors, model)
        check_word(word)  # "the word is empty: give a word", as the library and the page say it (not "a text")
        if vectors is None:
            from seqlab.vectors.wordvectors import is_built, refuse_unknown_pieces

            if not is_built(model):  # once built, the vectors say it themselves, without loading Kiwi for every word
                refuse_unknown_pieces([word.strip()], model)  # before the first build, which takes minutes
        result = _word_vectors(vectors, model).neighbors(word.strip(), k, embed_oov=embed_oov or None)
        _say_notes(result)
        if json_out:
            print_json(result.to_dict())
        else:
            from seqlab.render.visible import visible
            from seqlab.render.words import word_caveats

            # Kiwi's ending ᆫ as ㄴ, as the table shows it (a lone conjoining jamo has no agreed width or look)
            title = " · ".join([_("neighbours of {word!r} · {source}").format(
                word=visible(result.word), source=source_label(result.source)), *word_caveats(result)])
            if markdown:
                print(neighbors_markdown(title, result.results))
            else:
                console().print(neighbors_table(title, result.results))

    @app.command(short_help=_("Word analogies by vector arithmetic, e.g. 왕 - 남자 + 여자 → ? (3CosAdd or 3CosMul)."),
                 help=_("Word analogies by vector arithmetic (3CosAdd: the words whose vectors are closest to "
                        "왕 - 남자 + 여자, or 3CosMul); the input words are left out of the results. A word outside "
                        "the vocabulary is reported as unknown. The lecture's 여왕 comes first with -m e5-small; "
                        "Kiwi's vectors (the default) rank 왕전, a compound of 왕, first."))
    def analogy(
        expression: list[str] = typer.Argument(..., help=_('e.g. "왕 - 남자 + 여자"')),
        k: int = k_opt(), vectors: Path = vectors_opt(), model: str = wordvec_model_opt(), method: str = method_opt(),
        embed_oov: bool = embed_oov_opt(), json_out: bool = json_opt("one"), markdown: bool = markdown_opt(),
        lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, print_json
        from seqlab.render.words import neighbors_markdown, neighbors_table
        from seqlab.vectors.analogy import METHODS
        from seqlab.vectors.word_input import parse_expression, source_label
        from seqlab.vectors.wordvectors import is_built, refuse_unknown_pieces

        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        expression = one_expression(expression)
        in_range("-k", k, 1, MAX_K)
        method = one_of("--method", method, METHODS)
        _check_word_vectors(vectors, model)
        positive, negative = parse_expression(expression)  # a malformed expression fails before any build
        if vectors is None and not is_built(model):
            refuse_unknown_pieces([*positive, *negative], model)  # before the first build, which takes minutes
        result = _word_vectors(vectors, model).solve(expression, k, method, embed_oov=embed_oov or None)
        _say_notes(result)  # one word is no analogy: its neighbours, said, not shown as an answer in silence
        if json_out:
            print_json(result.to_dict())
        else:
            from seqlab.render.words import word_caveats
            from seqlab.vectors.analogy import METHOD_NAMES

            title = " · ".join([f"{expression}  ≈ ? · {source_label(result.source)} · {METHOD_NAMES[result.method]}",
                                *word_caveats(result)])
            score = _("3CosMul score") if result.method == "3cosmul" else None
            if markdown:
                print(neighbors_markdown(title, result.results, score))
            else:
                console().print(neighbors_table(title, result.results, score))

    @app.command(help=_("Project word or sentence vectors to 2-D (PCA/UMAP) and draw them as PNG or "
                        "self-contained HTML."))
    def plot(
        items: list[str] = typer.Argument(None, help=_("Words (or sentences with --sentences).")),
        file: Path = file_opt(),
        out: Path = typer.Option(..., "--out", "-o", help=_("FILE.png or FILE.html"), readable=False),
        sentences: bool = typer.Option(False, "--sentences", help=_("Plot sentence vectors instead of word vectors.")),
        method: str = typer.Option("pca", "--method", help=_("pca or umap (needs umap-learn).")),
        vectors: Path = vectors_opt(),
        model: str = typer.Option(None, "--model", "-m", help=_("Words: kiwi (default), e5-small or minilm word "
                                                                "vectors. --sentences: the sentence encoder (default "
                                                                "e5-small).")),
        embed_oov: bool = embed_oov_opt(),
        json_out: bool = json_opt("document"), errors: str = errors_opt(), text_col: str = text_col_opt(),
        lang: str = lang_opt(),
    ):
        from seqlab.render.console import note, print_json, say
        from seqlab.render.plots import KEY_CHARS, KEY_ROWS, LABEL_CHARS, SPREAD_MAX, labels_spread, write_scatter
        from seqlab.render.progress import counting_bar
        from seqlab.vectors.projection import METHODS, check_count, project_items
        from seqlab.vectors.wordvectors import is_built, refuse_unknown_pieces

        check_lang(lang)
        method = one_of("--method", method, METHODS)
        if sentences:  # sentence vectors come from the encoder: word-vector options are refused, not dropped
            unused({"--vectors": vectors, "--embed-oov": embed_oov or None}, "--sentences",
                   _("They are for word vectors: drop --sentences to plot words, or drop them to plot sentences."))
        else:
            _check_word_vectors(vectors, model)
        check_plot(out, "--out", notes=False)  # a usage error (2) before any work, as --plot everywhere
        skipped: list[int] = []  # a file's blank lines, said on stderr and in --json
        numbers: list[int] = []  # each item's line in the file, or its place among the arguments
        labels = gather_texts(items, file, errors, skipped=skipped, numbers=numbers, text_col=text_col)
        from_lines = file is not None or items == ["-"]  # numbered by line, not by place among the arguments
        if not sentences:  # a file of reviews without --sentences: said as such, not as a bad analogy word
            spaced = next((k for k, label in enumerate(labels) if len(label.split()) > 1), None)
            if spaced is not None:
                where = (_("line {k}") if from_lines else _("item {k}")).format(k=numbers[spaced])
                raise InputError(_("{where} is more than one word: {item!r}").format(where=where,
                                                                                    item=labels[spaced][:60]),
                    _("plot draws word vectors by default: add --sentences to draw each text as a sentence vector, "
                      "or give one word per item."))
        given = len(labels)
        # a point drawn twice would lie on itself: each item once, and the repeats said (NSMC has many a "굳")
        labels, repeated = first_of_each(labels, numbers, from_lines)
        for r in repeated[:5]:
            note(_("note: {item!r} is given {n} times ({where}): drawn once").format(
                item=r["item"], n=len(r["at"]), where=(_("lines {numbers}") if r["lines"] else _("items {numbers}"))
                .format(numbers=", ".join(map(str, r["at"])))))
        if len(repeated) > 5:
            note(_("note: {n:,} more items are given more than once: each is drawn once").format(n=len(repeated) - 5))
        check_count(len(labels), given)  # before the vectors load (or build: minutes the first time)
        check_plot(out, "--out")  # its notes (a folder to make, a file to replace) once the items hold up
        if sentences:
            with counting_bar(_("embedding {n:,} sentences").format(n=len(labels)), _("texts"),
                              enabled=from_lines) as report:
                proj = project_items(labels, None, method, model=model, progress=report)
        else:
            if embed_oov is False and vectors is None and not is_built(model):
                refuse_unknown_pieces(labels, model)  # before the first build, which takes minutes
            proj = project_items(labels, _word_vectors(vectors, model), method, embed_oov=embed_oov or None)
            if proj.oov:
                note(_("built from pieces: {words}").format(words=", ".join(proj.oov)))
        if len(labels) > SPREAD_MAX or file is not None:  # a few seconds of drawing (labels, fonts): said, not silent
            note(_("drawing {n:,} points into {name} …").format(n=len(labels), name=out.name))
        path = write_scatter(proj, out, sentences)
        spread = labels_spread(len(proj.labels))
        if json_out:
            print_json({**proj.to_dict(), "path": str(path), "labels_spread": spread, "skipped_lines": skipped,
                        "labels_numbered": sentences, "repeated": repeated})
        else:
            say(_("wrote {path}").format(path=path))
            html = path.suffix.lower() == ".html"
            if not spread:
                note((_(
                    "note: {n} points; labels are moved apart only up to {max} points, so some may overlap (hover a "
                    "point for its label).") if html else _(
                    "note: {n} points; labels are moved apart only up to {max} points, so some may overlap (an --out "
                    "FILE.html plot shows each label when a point is hovered).")).format(
                    n=len(proj.labels), max=SPREAD_MAX))
            if sentences and not html and len(proj.labels) > KEY_ROWS:
                note(_("note: the key beside the points lists the first {max} of the {n:,} sentences (an --out "
                       "FILE.html plot lists every one).").format(max=KEY_ROWS, n=len(proj.labels)))
            # sentences are numbered points with a key: cut in a PNG's key, whole in the HTML's list
            limit = None if sentences and html else KEY_CHARS if sentences else LABEL_CHARS
            listed = proj.labels[:KEY_ROWS] if sentences and not html else proj.labels  # a PNG's key stops there
            cut = sum(len(label) > limit for label in listed) if limit else 0
            if cut:
                note(ngettext(
                    "note: {n:,} label is longer than {max} characters and is shown cut, with …",
                    "note: {n:,} labels are longer than {max} characters and are shown cut, with …", cut).format(
                    n=cut, max=limit))

    wv_app = group(_("Train and evaluate Word2Vec/FastText word vectors (gensim)."))
    app.add_typer(wv_app, name="wordvec")

    @wv_app.command("train", help=_("Train Word2Vec or FastText on a corpus split into Kiwi morphemes; saved in "
                                    "gensim's format."))
    def wordvec_train(
        files: list[Path] = typer.Option(..., "--file", "-f", help=_("Corpus, one text per line."), readable=False),
        out: Path = typer.Option(..., "--out", "-o", help=_("Where to save: FILE.model (gensim's full model, .kv "
                                                            "beside it) or FILE.txt, .vec, .bin (word2vec format: "
                                                            "one vector per word; FastText's n-grams are not kept)."),
                                 readable=False),
        kind: str = typer.Option("word2vec", "--kind", help=_("word2vec or fasttext.")),
        split: str = typer.Option("kiwi", "--split", help=_("kiwi morphemes or whitespace words.")),
        text_col: str = typer.Option(None, "--text-col", help=_("Text column of a TSV/CSV with a header.")),
        dim: int = typer.Option(100, "--dim", help=_("Vector size, {range}.").format(range=number_range(*WORDVEC_DIM))),
        window: int = typer.Option(5, "--window", help=_("Context words on each side, {range}.").format(range=number_range(*WORDVEC_WINDOW))),
        min_count: int = typer.Option(5, "--min-count", "--min-freq", "--min-frequency",
                                      help=_("Ignore words seen fewer times, 1 to {n}.").format(n=shown_number(MAX_MIN_COUNT))),
        epochs: int = typer.Option(5, "--epochs", help=_("Passes over the corpus, {range}.").format(range=number_range(*WORDVEC_EPOCHS))),
        cbow: bool = typer.Option(False, "--cbow", help=_("CBOW instead of skip-gram.")),
        tags: bool = typer.Option(False, "--tags", help=_("--split kiwi: keep POS tags in tokens (영화/NNG).")),
        seed: int = typer.Option(1, "--seed", help=_("Seed of the training, {seeds} (the same vectors again "
                                                     "with --workers 1 only).").format(seeds=number_range(0, SEED_MAX))),
        workers: int = typer.Option(2, "--workers", help=_("gensim's threads, {range}. With more than one, two runs "
                                                           "with the same --seed give slightly different vectors.").format(
                                         range=number_range(*WORDVEC_WORKERS))),
        json_out: bool = json_opt("document"), errors: str = errors_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import note, print_json, say
        from seqlab.render.progress import counting_bar
        from seqlab.tokens.corpus import check_corpus
        from seqlab.vectors.wordvec_training import TEXT_FORMATS, companion_files, train_word_vectors

        check_lang(lang)
        no_duplicates("--file", [str(f) if str(f) == "-" else str(Path(f).resolve()) for f in files],
                      [str(f) for f in files])  # read twice, it would count every text twice
        errors = one_of("--errors", errors, ERROR_MODES)
        kind = one_of("--kind", kind, ("word2vec", "fasttext"))
        split = one_of("--split", split, ("kiwi", "whitespace"))
        if split != "kiwi":
            unused({"--tags": tags or None}, "--split " + split, _("POS tags come from Kiwi: use --split kiwi."))
        in_range("--dim", dim, *WORDVEC_DIM)
        in_range("--window", window, *WORDVEC_WINDOW)
        in_range("--min-count", min_count, 1, MAX_MIN_COUNT)
        in_range("--epochs", epochs, *WORDVEC_EPOCHS)
        in_range("--seed", seed, 0, SEED_MAX)
        in_range("--workers", workers, *WORDVEC_WORKERS)
        if out.suffix.lower() not in (".model", *TEXT_FORMATS) and not out.is_dir():  # the name decides the format
            # (never guessed); a folder is named as a folder by check_output, as in every command
            raise UsageError(_("--out {name}: its extension names no format seqlab writes").format(name=out.name),
                             _("End it in .model (gensim's full model) or .txt, .vec, .bin (word2vec format)."))
        check_output("--out", out, inputs=files, notes=False)
        check_corpus(files, errors)  # a missing, empty or binary file: said before a note about --out
        check_output("--out", out, inputs=files)  # its "kept as NAME.bak" note once the name itself holds up
        for companion in companion_files(out):  # gensim's NAME.kv and arrays beside a .model: kept as .bak too
            keep_aside("--out", companion)
        on_interrupt(NOTHING_WRITTEN)  # gensim's files are written aside and moved into place at the end
        with counting_bar(_("training word vectors"), _("items")) as report:
            result = train_word_vectors(files, out, kind=kind, split=split, dim=dim, window=window,
                                        min_count=min_count, epochs=epochs, sg=not cbow, seed=seed, tags=tags,
                                        text_col=text_col, errors=errors, progress=report, workers=workers)
        written(out)
        for name, lines in result.replaced_lines.items():  # --errors replace is said, as by every other reader
            say_replaced(name, lines)
        if kind == "fasttext" and out.suffix.lower() in TEXT_FORMATS:
            note(_("note: {name} holds one vector per word (word2vec format): FastText's "
                   "character n-grams are not kept, so unseen words have no vector; save as "
                   ".model to keep them").format(name=out.name))
        from seqlab.render.words import wordvec_notes, wordvec_summary

        for line in wordvec_notes(result):  # on stderr in both modes, before the summary's "try: …"
            note(_("note: {what}").format(what=line))
        if json_out:
            print_json(result.to_dict())
        else:
            say(wordvec_summary(result))

    @wv_app.command("eval", help=_("Analogy accuracy (top-1 and top-5) per section on a questions file in "
                                   "gensim's questions-words format."))
    def wordvec_eval(
        questions: Path = typer.Argument(None, help=_("Analogy questions in gensim's questions-words format "
                                                      "(default: seqlab's Korean set, 328 questions in 8 relations)."),
                                        readable=False),
        vectors: Path = vectors_opt(), model: str = wordvec_model_opt(), method: str = method_opt(),
        json_out: bool = json_opt("document"), errors: str = errors_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, print_json
        from seqlab.render.words import analogy_eval_table
        from seqlab.vectors.analogy import METHODS
        from seqlab.vectors.analogy_eval import evaluate, read_questions

        check_lang(lang)
        method = one_of("--method", method, METHODS)
        _check_word_vectors(vectors, model)
        if questions is None:
            from seqlab.vectors.analogy_eval import KOREAN_ANALOGIES as questions
        errors = one_of("--errors", errors, ERROR_MODES)
        sections = read_questions(questions, errors)  # a malformed file fails before any vectors are built
        result = evaluate(_word_vectors(vectors, model), questions, method=method, sections=sections)
        if json_out:
            print_json(result.to_dict())
        else:
            console().print(analogy_eval_table(result))
