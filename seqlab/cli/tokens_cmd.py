"""Stage 1-2 commands: tokenize, compare, vocab build, tokenizer train."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.app import ErrorsOpt, FileOpt, JsonOpt, MarkdownOpt, ModelOpt, NormOpt, VocabOpt, app, exclusive, gather_texts
from seqlab.errors import UsageError
from seqlab.render.console import console, print_json_lines

PREFIXES = {"none": "", "query": "query: ", "passage": "passage: "}


def _prefix(name: str) -> str:
    if name not in PREFIXES:
        raise UsageError(f"unknown prefix {name!r}", "Use --prefix query, passage or none.")
    return PREFIXES[name]


@app.command()
def tokenize(
    texts: list[str] = typer.Argument(None, help="Text(s) to tokenize; - reads stdin."),
    file: Path = FileOpt, model: str = ModelOpt, json_out: bool = JsonOpt, markdown: bool = MarkdownOpt,
    vocab: Path = VocabOpt, normalization: str = NormOpt, errors: str = ErrorsOpt,
    prefix: str = typer.Option("none", "--prefix", help="e5 input prefix: query, passage or none."),
    max_length: int = typer.Option(None, "--max-length", help="Truncate to N tokens and report what was dropped."),
    max_rows: int = typer.Option(200, "--max-rows", help="Rows shown per table in the terminal."),
):
    """Split text into tokens and ids, with offsets into the original text and every [UNK] explained."""
    from seqlab.render.tokens import token_table, tokens_markdown, unk_lines
    from seqlab.tokens.loading import load_tokenizer
    from seqlab.tokens.record import truncate

    exclusive(json=json_out, markdown=markdown)
    if max_length is not None and max_length < 1:
        raise UsageError("--max-length must be at least 1")
    tokenizer = load_tokenizer(model, vocab=vocab, normalization=normalization, prefix=_prefix(prefix))
    all_texts = gather_texts(texts, file, errors)
    out = console()
    for start in range(0, len(all_texts), 1000):
        records = tokenizer.encode_many(all_texts[start : start + 1000], errors)
        if max_length is not None:
            records = [truncate(r, max_length) for r in records]
        if json_out:
            print_json_lines(r.to_dict() for r in records)
            continue
        for r in records:
            if markdown:
                print(tokens_markdown(r) + "\n")
                continue
            out.print(token_table(r, max_rows=max_rows))
            for line in unk_lines(r):
                out.print(f"[red]{line}[/]", highlight=False)
            if r.dropped:
                out.print(f"[yellow]truncated to {max_length} tokens: {r.dropped} tokens dropped[/]")


@app.command()
def compare(
    texts: list[str] = typer.Argument(None, help="Text(s) to compare on; - reads stdin."),
    file: Path = FileOpt,
    models: str = typer.Option("e5-small,minilm,kiwi,char,whitespace", "--models",
                               help="Comma-separated model names."),
    limit: int = typer.Option(None, "--limit", help="Use only the first N texts."),
    json_out: bool = JsonOpt, markdown: bool = MarkdownOpt, errors: str = ErrorsOpt,
):
    """Compare tokenizers by tokens per word, [UNK] rate, vocabulary size and sequence length."""
    from seqlab.render.tokens import comparison_markdown, comparison_table
    from seqlab.tokens.comparison import compare as run_compare
    from seqlab.tokens.loading import load_tokenizer

    exclusive(json=json_out, markdown=markdown)
    names = [m.strip() for m in models.split(",") if m.strip()]
    if not names:
        raise UsageError("--models is empty", "Give names such as --models e5-small,kiwi,char.")
    corpus = gather_texts(texts, file, errors)
    if limit is not None:
        corpus = corpus[:limit]
    rows = run_compare(corpus, [load_tokenizer(n) for n in names])
    if json_out:
        print_json_lines(r.to_dict() for r in rows)
    elif markdown:
        print(comparison_markdown(rows))
    else:
        console().print(comparison_table(rows))


vocab_app = typer.Typer(help="Integer vocabularies for word, morpheme and character tokenizers.", no_args_is_help=True)
app.add_typer(vocab_app, name="vocab")


@vocab_app.command("build")
def vocab_build(
    file: Path = typer.Option(..., "--file", "-f", help="Corpus, one text per line (or a TSV/CSV with --text-col)."),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the vocabulary JSON."),
    tokenizer: str = typer.Option("kiwi", "--tokenizer", "-t", help="kiwi, char, whitespace, or any model name."),
    min_freq: int = typer.Option(2, "--min-freq", help="Keep tokens seen at least this often."),
    max_size: int = typer.Option(None, "--max-size", help="Keep at most this many tokens (specials included)."),
    text_col: str = typer.Option(None, "--text-col", help="Column holding the text in a TSV/CSV file with a header."),
    errors: str = ErrorsOpt, json_out: bool = JsonOpt,
):
    """Count tokens in a corpus and write a vocabulary (<pad>=0, <unk>=1, <bos>, <eos>, then by frequency)."""
    from seqlab.ids.vocab import Vocabulary
    from seqlab.render.console import json_line
    from seqlab.text.reading import iter_texts
    from seqlab.tokens.loading import load_tokenizer

    tok = load_tokenizer(tokenizer, vocab=False) if tokenizer in ("kiwi", "char", "whitespace") else load_tokenizer(tokenizer)
    texts = [t for _, t in iter_texts(file, text_col=text_col, errors=errors)]
    vocab = Vocabulary.build(tok.split_many(texts), min_freq=min_freq, max_size=max_size,
                             meta={"tokenizer": tok.name, "source": str(file), "texts": len(texts)})
    vocab.save(out)
    summary = {"path": str(out), "size": len(vocab), "texts": len(texts), "tokenizer": tok.name,
               "min_freq": min_freq, "max_size": max_size}
    if json_out:
        print(json_line(summary))
    else:
        console().print(f"wrote {len(vocab):,} tokens ({tok.name}, from {len(texts):,} texts, min_freq {min_freq}) "
                        f"to {out}", highlight=False)


tok_app = typer.Typer(help="Train new subword tokenizers.", no_args_is_help=True)
app.add_typer(tok_app, name="tokenizer")


@tok_app.command("train")
def tokenizer_train(
    files: list[Path] = typer.Option(..., "--file", "-f", help="Training text, one text per line (repeatable)."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write (loadable by AutoTokenizer)."),
    kind: str = typer.Option("wordpiece", "--type", help="wordpiece, bpe or unigram."),
    vocab_size: int = typer.Option(32000, "--vocab-size"),
    min_frequency: int = typer.Option(2, "--min-frequency"),
    pre_split: str = typer.Option(None, "--pre-split", help="kiwi: split into morphemes first (as KLUE did)."),
    lowercase: bool = typer.Option(False, "--lowercase"),
    errors: str = ErrorsOpt, json_out: bool = JsonOpt,
):
    """Train a WordPiece, BPE or Unigram tokenizer and save it as a Hugging Face directory."""
    from seqlab.render.console import json_line
    from seqlab.tokens.training import train_tokenizer

    result = train_tokenizer(files, out, kind=kind, vocab_size=vocab_size, min_frequency=min_frequency,
                             pre_split=pre_split, lowercase=lowercase, errors=errors)
    summary = {"path": str(result.path), "type": result.kind, "vocab_size": result.vocab_size, "lines": result.lines,
               "pre_split": result.pre_split, "seconds": round(result.seconds, 2)}
    if json_out:
        print(json_line(summary))
    else:
        console().print(f"trained a {result.kind} tokenizer with {result.vocab_size:,} tokens on {result.lines:,} lines "
                        f"in {result.seconds:.1f} s → {result.path}\nuse it: seqlab tokenize TEXT --model {result.path}",
                        highlight=False)
