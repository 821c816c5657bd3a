"""Stage 3 commands: embed, similarity, search, neighbors, analogy, plot, wordvec train/eval."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

from seqlab.cli.app import ErrorsOpt, FileOpt, JsonOpt, MarkdownOpt, ModelOpt, app, exclusive, gather_texts
from seqlab.cli.tokens_cmd import PREFIXES, _prefix
from seqlab.errors import UsageError
from seqlab.render.console import console, json_line

VectorsOpt = typer.Option(None, "--vectors", help="gensim vectors (.model/.kv or word2vec .txt/.bin) instead of "
                          "the embedded model's word vectors.")
DeviceOpt = typer.Option("auto", "--device", help="auto, cpu or cuda.")


@app.command()
def embed(
    texts: list[str] = typer.Argument(None, help="Text(s) to embed; - reads stdin."),
    file: Path = FileOpt, model: str = ModelOpt, json_out: bool = JsonOpt, markdown: bool = MarkdownOpt,
    pool: str = typer.Option(None, "--pool", help="Also give a sentence vector: cls, mean or max pooling."),
    normalize: bool = typer.Option(True, "--normalize/--no-normalize", help="L2-normalize the pooled vector."),
    layers: bool = typer.Option(False, "--layers", help="Return the hidden states of every layer."),
    full: bool = typer.Option(False, "--full", help="JSON: include every number of last_hidden_state."),
    prefix: str = typer.Option("none", "--prefix", help="e5 input prefix: query, passage or none."),
    preview: int = typer.Option(6, "--preview", help="Numbers shown per token vector."),
    words: str = typer.Option(None, "--words", help="Also aggregate pieces into words: first, mean or last."),
    morphemes: str = typer.Option(None, "--morphemes", help="Also aggregate pieces into Kiwi morphemes."),
    out: Path = typer.Option(None, "--out", "-o", help="Corpus job: write float32 .npy shards + manifest.json here."),
    engine: str = typer.Option("local", "--engine", help="Corpus job engine: local or ray."),
    workers: int = typer.Option(None, "--workers", help="Ray workers (default: every CPU)."),
    precision: str = typer.Option("fp32", "--precision", help="Corpus job: fp32 (exact) or bf16 (fast)."),
    batch_size: int = typer.Option(64, "--batch-size"),
    shard_size: int = typer.Option(10_000, "--shard-size", help="Lines per shard."),
    device: str = DeviceOpt, errors: str = ErrorsOpt,
):
    """Run AutoModel: last_hidden_state [1, T, H] per text, or embed a whole corpus file with --out."""
    exclusive(json=json_out, markdown=markdown)
    if out is not None:
        return _corpus_job(file, texts, out, model, pool or "mean", normalize, prefix, precision, batch_size,
                           shard_size, engine, workers, device, json_out)
    from seqlab.render.vectors import embedding_markdown, groups_table, render_embedding
    from seqlab.vectors.aggregate import aggregate_morphemes, aggregate_words
    from seqlab.vectors.encoder import load_encoder

    encoder = load_encoder(model, device)
    all_texts = gather_texts(texts, file, errors)
    records = encoder.embed_many(all_texts, prefix=_prefix(prefix), layers=layers, pooling=pool,
                                 normalize=normalize, errors=errors)
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


def _corpus_job(file, texts, out, model, pooling, normalize, prefix, precision, batch_size, shard_size, engine,
                workers, device, json_out):
    from seqlab.render.progress import progress_bar
    from seqlab.vectors.corpus_job import CorpusJobConfig, embed_corpus

    if file is None or texts:
        raise UsageError("the corpus job needs -f FILE (one text per line) together with --out DIR")
    if str(file) == "-":
        raise UsageError("the corpus job needs a real file (it resumes by seeking in it), not stdin")
    config = CorpusJobConfig(model=model or "e5-small", prefix=None if prefix == "none" else PREFIXES[prefix],
                             pooling=pooling, normalize=normalize, precision=precision, batch_size=batch_size,
                             shard_size=shard_size)
    with contextlib.ExitStack() as stack:
        advance = {"fn": None}

        def start(total, done):
            advance["fn"] = stack.enter_context(progress_bar(f"embedding {file.name}", total, "lines"))
            advance["fn"](done)

        result = embed_corpus(file, out, config, engine=engine, workers=workers, device=device,
                              progress=lambda n: advance["fn"] and advance["fn"](n), on_start=start)
    summary = result.to_dict()
    if json_out:
        print(json_line(summary))
        return
    note = f" (resumed after {result.resumed_from:,} rows)" if result.resumed_from else ""
    console().print(f"{result.rows:,} rows in {result.shards} shards → {result.out}{note}\n"
                    f"bad UTF-8 lines: {result.bad_lines} · empty lines: {result.empty_lines} · "
                    f"load with seqlab.read_embeddings({str(result.out)!r})", highlight=False)


@app.command()
def similarity(
    a: str = typer.Argument(..., help="First sentence."), b: str = typer.Argument(..., help="Second sentence."),
    model: str = ModelOpt, pool: str = typer.Option("mean", "--pool", help="cls, mean or max."),
    json_out: bool = JsonOpt, errors: str = ErrorsOpt,
):
    """Cosine similarity of two sentence vectors (e5: both with the "query: " prefix)."""
    from seqlab.text.unicode import clean_surrogates
    from seqlab.vectors.similarity import similarity as run

    rec = run(clean_surrogates(a, errors), clean_surrogates(b, errors), model, pooling=pool)
    if json_out:
        print(json_line(rec.to_dict()))
    else:
        console().print(f"cosine = {rec.cosine:.4f}   ({rec.model}, {rec.pooling} pooling"
                        f"{', prefix ' + repr(rec.prefix) if rec.prefix else ''})", highlight=False)


@app.command()
def search(
    query: str = typer.Argument(..., help="What to look for."),
    corpus: Path = typer.Option(..., "--corpus", help="Text file, one document per line."),
    k: int = typer.Option(10, "-k", "--top", help="How many results."),
    model: str = ModelOpt, json_out: bool = JsonOpt,
):
    """Top-k semantic search; the corpus index is built once, saved, and reused."""
    from seqlab.render.progress import progress_bar
    from seqlab.render.vectors import search_table
    from seqlab.vectors.search import search as run

    with contextlib.ExitStack() as stack:
        advance = {"fn": None}

        def start(total, done):
            if done < total:
                advance["fn"] = stack.enter_context(progress_bar(f"indexing {corpus.name}", total, "lines"))
                advance["fn"](done)

        result = run(query, corpus, model, k, progress=lambda n: advance["fn"] and advance["fn"](n), on_start=start)
    if json_out:
        print(json_line(result.to_dict()))
    else:
        console().print(search_table(result))


def _word_vectors(vectors, model):
    from seqlab.render.progress import progress_bar
    from seqlab.vectors.wordvectors import load_word_vectors, model_vectors_path

    if vectors is None:
        from seqlab.vectors.encoder import load_encoder

        if not model_vectors_path(load_encoder(model).name).exists():
            with progress_bar("building word vectors (once)", None, "words") as advance:
                last = {"n": 0}

                def report(done, total):
                    advance(done - last["n"])
                    last["n"] = done

                return load_word_vectors(None, model, report)
    return load_word_vectors(vectors, model)


@app.command()
def neighbors(
    word: str = typer.Argument(..., help="A word, e.g. 영화."),
    k: int = typer.Option(10, "-k", "--top"), vectors: Path = VectorsOpt, model: str = ModelOpt,
    json_out: bool = JsonOpt,
):
    """Nearest words by cosine, in the embedded model's word vectors or in --vectors."""
    from seqlab.render.vectors import neighbors_table

    wv = _word_vectors(vectors, model)
    rows = wv.neighbors(word, k)
    if json_out:
        print(json_line({"word": word, "source": wv.source, "results": [n.to_dict() for n in rows]}))
    else:
        console().print(neighbors_table(f"neighbours of {word!r} · {wv.source}", rows))


@app.command()
def analogy(
    expression: str = typer.Argument(..., help='e.g. "왕 - 남자 + 여자"'),
    k: int = typer.Option(10, "-k", "--top"), vectors: Path = VectorsOpt, model: str = ModelOpt,
    json_out: bool = JsonOpt,
):
    """Word analogies by vector arithmetic (3CosAdd); the input words are left out of the results."""
    from seqlab.render.vectors import neighbors_table

    wv = _word_vectors(vectors, model)
    result = wv.solve(expression, k)
    if json_out:
        print(json_line(result.to_dict()))
    else:
        console().print(neighbors_table(f"{expression}  ≈ ? · {wv.source}", result.results))


@app.command()
def plot(
    items: list[str] = typer.Argument(None, help="Words (or sentences with --sentences)."),
    file: Path = FileOpt,
    out: Path = typer.Option(..., "--out", "-o", help="FILE.png or FILE.html"),
    sentences: bool = typer.Option(False, "--sentences", help="Plot sentence vectors instead of word vectors."),
    method: str = typer.Option("pca", "--method", help="pca or umap (needs umap-learn)."),
    vectors: Path = VectorsOpt, model: str = ModelOpt, json_out: bool = JsonOpt, errors: str = ErrorsOpt,
):
    """Project word or sentence vectors to 2-D (PCA/UMAP) and draw them as PNG or self-contained HTML."""
    import numpy as np

    from seqlab.render.plots import write_scatter
    from seqlab.vectors.projection import project

    labels = gather_texts(items, file, errors)
    if sentences:
        from seqlab.vectors.encoder import load_encoder

        enc = load_encoder(model)
        matrix = enc.sentence_vectors(labels, prefix=enc.default_prefix("query"))
        source = f"{enc.name} sentence vectors"
    else:
        wv = _word_vectors(vectors, model)
        matrix = np.stack([wv.vector(w) for w in labels])
        source = wv.source
    proj = project(labels, matrix, method, source)
    subtitle = f"{source} · {method.upper()}"
    if proj.explained:
        subtitle += f" · explained variance {proj.explained[0]:.1%} + {proj.explained[1]:.1%}"
    path = write_scatter(labels, proj.points, out, f"{len(labels)} {'sentences' if sentences else 'words'}", subtitle)
    if json_out:
        print(json_line({**proj.to_dict(), "path": str(path)}))
    else:
        console().print(f"wrote {path} ({subtitle})", highlight=False)


wv_app = typer.Typer(help="Train and evaluate Word2Vec/FastText word vectors (gensim).", no_args_is_help=True)
app.add_typer(wv_app, name="wordvec")


@wv_app.command("train")
def wordvec_train(
    files: list[Path] = typer.Option(..., "--file", "-f", help="Corpus (repeatable)."),
    out: Path = typer.Option(..., "--out", "-o", help="Where to save the gensim model (.model); .kv beside it."),
    kind: str = typer.Option("word2vec", "--kind", help="word2vec or fasttext."),
    split: str = typer.Option("kiwi", "--split", help="kiwi morphemes or whitespace words."),
    text_col: str = typer.Option(None, "--text-col", help="Text column of a TSV/CSV with a header."),
    dim: int = typer.Option(100, "--dim"), window: int = typer.Option(5, "--window"),
    min_count: int = typer.Option(5, "--min-count"), epochs: int = typer.Option(5, "--epochs"),
    cbow: bool = typer.Option(False, "--cbow", help="CBOW instead of skip-gram."),
    tags: bool = typer.Option(False, "--tags", help="Keep POS tags in tokens (영화/NNG)."),
    seed: int = typer.Option(1, "--seed"), json_out: bool = JsonOpt, errors: str = ErrorsOpt,
):
    """Train Word2Vec or FastText on a corpus split into Kiwi morphemes; saved in gensim's format."""
    from seqlab.vectors.wordvec_training import train_word_vectors

    result = train_word_vectors(files, out, kind=kind, split=split, dim=dim, window=window, min_count=min_count,
                                epochs=epochs, sg=not cbow, seed=seed, tags=tags, text_col=text_col, errors=errors)
    if json_out:
        print(json_line(result.to_dict()))
    else:
        console().print(f"{result.kind}: {result.vocab_size:,} words × {result.dim} from {result.lines:,} lines "
                        f"({result.tokens:,} tokens) in {result.seconds:.1f} s → {result.path}\n"
                        f"try: seqlab neighbors 영화 --vectors {result.path}", highlight=False)


@wv_app.command("eval")
def wordvec_eval(
    questions: Path = typer.Argument(..., help="Analogy questions in gensim's questions-words format."),
    vectors: Path = VectorsOpt, model: str = ModelOpt, json_out: bool = JsonOpt,
):
    """Analogy accuracy on a questions-words file (per section and overall)."""
    from rich.table import Table

    from seqlab.vectors.analogy_eval import evaluate

    result = evaluate(_word_vectors(vectors, model), questions)
    if json_out:
        print(json_line(result.to_dict()))
        return
    table = Table(title=f"analogy accuracy · {result.source}", title_justify="left")
    for col in ("section", "correct", "asked", "skipped (OOV)", "accuracy"):
        table.add_column(col, justify="left" if col == "section" else "right")
    for s in result.sections:
        table.add_row(s.name, str(s.correct), str(s.total), str(s.skipped), f"{s.accuracy:.1%}")
    table.add_row("[bold]all[/]", str(result.correct), str(result.total),
                  str(sum(s.skipped for s in result.sections)), f"[bold]{result.accuracy:.1%}[/]")
    console().print(table)
