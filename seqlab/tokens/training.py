"""Train a new WordPiece, BPE or Unigram tokenizer with the ``tokenizers`` library.

KLUE built its vocabulary from morpheme-split text: training on ``안녕 하 세요``
instead of ``안녕하세요`` makes pieces follow morpheme boundaries. With
``pre_split="kiwi"`` the corpus is split by Kiwi before training; the saved
tokenizer itself takes raw text, as KLUE's does.

The result is a directory that ``AutoTokenizer.from_pretrained`` loads.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from seqlab.errors import InputError, check_number, check_path
from seqlab.i18n import _, ngettext
from seqlab.ids.limits import MAX_MIN_COUNT, MAX_VOCAB, MIN_TRAINED_VOCAB
from seqlab.progress import Progress, new_phase
from seqlab.storage import atomic_directory, atomic_write_json
from seqlab.tokens.corpus import check_corpus, write_split_corpus

KINDS = ("wordpiece", "bpe", "unigram")


@dataclass(frozen=True)
class TrainedTokenizer:
    path: Path
    kind: str
    vocab_size: int
    lines: int
    pre_split: str | None
    seconds: float
    characters: int = 0  # distinct characters of the corpus (after normalization, spaces aside): for every kind
    characters_left_out: int = 0  # the rarest of them, outside the alphabet: they become the unknown token
    left_out_share: float = 0.0  # their share of all character occurrences of the corpus
    replaced_lines: dict = field(default_factory=dict)  # errors="replace": each file's lines that were not UTF-8

    @property
    def reproducible(self) -> bool:
        """Whether training again on the same text gives the same file: BPE yes; WordPiece and Unigram not always,
        since tokenizers' trainers break count ties in hash order (huggingface/tokenizers#1794)."""
        return self.kind == "bpe"


def _specials(kind: str) -> dict[str, str]:
    if kind == "wordpiece":
        return {"pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]",
                "mask_token": "[MASK]"}
    return {"pad_token": "<pad>", "unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>",
            "mask_token": "<mask>", "cls_token": "<s>", "sep_token": "</s>"}


def _alphabet(tok, corpus: Path, size: int | None) -> tuple[list[str], dict[str, int], int]:
    """(the ``size`` most frequent characters of what the trainer sees, ties broken by code point; every
    character's count; how many distinct characters the text itself has, spaces aside: the same for every
    kind, where what the trainer sees holds Metaspace's ▁ too). ``size`` None keeps them all.

    Counted on the corpus after ``tok``'s normalizer and pre-tokenizer (so ``▁``, which Metaspace adds, is
    counted too). tokenizers' own ``limit_alphabet`` breaks ties in hash order (another alphabet in every
    process); given this list as the initial alphabet, the characters kept are the same in every run.
    """
    import collections

    counts: collections.Counter = collections.Counter()
    in_text: set[str] = set()  # the text's own characters: without the ▁ that Metaspace puts for a space
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            text = tok.normalizer.normalize_str(line) if tok.normalizer else line
            in_text.update(text)
            for piece, _span in tok.pre_tokenizer.pre_tokenize_str(text):
                counts.update(piece)
    chars = sorted((c for c in counts if not c.isspace()), key=lambda c: (-counts[c], c))
    return chars[:size], {c: counts[c] for c in chars}, sum(1 for c in in_text if not c.isspace())


def _build(kind: str, vocab_size: int, min_frequency: int, lowercase: bool, corpus: Path):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    specials = _specials(kind)
    ordered = list(dict.fromkeys(specials.values()))
    norm = [normalizers.NFC()] + ([normalizers.Lowercase()] if lowercase else [])
    if kind == "wordpiece":
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]", continuing_subword_prefix="##"))
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece(prefix="##")
    else:
        tok = Tokenizer(models.BPE(unk_token="<unk>") if kind == "bpe" else models.Unigram())
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
        tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.normalizer = normalizers.Sequence(norm)
    # Korean has thousands of syllables: keep the most frequent characters, the rest become unknown
    # (Unigram keeps every character: its vocabulary must hold them all)
    alphabet, counts, in_text = _alphabet(tok, corpus, max(100, vocab_size // 4) if kind != "unigram" else None)
    kept = alphabet if kind != "unigram" else []
    if kind == "wordpiece":
        trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, min_frequency=min_frequency,
                                            special_tokens=ordered, continuing_subword_prefix="##",
                                            initial_alphabet=kept, limit_alphabet=len(kept),
                                            show_progress=False)
        cls, sep = "[CLS]", "[SEP]"
    else:
        if kind == "bpe":
            trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=ordered,
                                          initial_alphabet=kept, limit_alphabet=len(kept), show_progress=False)
        else:
            trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=ordered, unk_token="<unk>",
                                              show_progress=False)
        cls, sep = "<s>", "</s>"
    return tok, trainer, cls, sep, (alphabet, counts, in_text)


def _canonical_wordpiece(tok):
    """The trained WordPiece with its character block in code-point order, so that one corpus gives one file.

    tokenizers' trainer lists the alphabet in hash order (a new order every process); WordPiece tokenizes by
    the set of its pieces alone, so renumbering them changes ids only, never a tokenization.
    """
    import json

    from tokenizers import Tokenizer

    spec = json.loads(tok.to_str())
    vocab = spec["model"]["vocab"]
    ordered = sorted(vocab, key=vocab.get)
    start = next(i for i, t in enumerate(ordered) if not (t.startswith("[") and t.endswith("]")))
    end = start
    while end < len(ordered) and len(ordered[end]) == 1:
        end += 1
    ordered[start:end] = sorted(ordered[start:end])
    spec["model"]["vocab"] = {t: i for i, t in enumerate(ordered)}
    return Tokenizer.from_str(json.dumps(spec, ensure_ascii=False))


def train_tokenizer(files: list[str | Path], out: str | Path, kind: str = "wordpiece", vocab_size: int = 32000,
                    min_frequency: int | None = None, pre_split: str | None = None, lowercase: bool = False,
                    errors: str = "strict", text_col: str | None = None,
                    progress: Progress | None = None) -> TrainedTokenizer:
    """Train a tokenizer on text files (one text per line) and save it to ``out``.

    Args:
        files: UTF-8 text files.
        out: the directory to create (replaced atomically if it exists).
        kind: ``wordpiece`` (BERT/KLUE style), ``bpe`` or ``unigram`` (SentencePiece style).
        vocab_size: the target vocabulary size, special tokens included (100 to 1,000,000).
        min_frequency: merge only pairs seen this often (WordPiece, BPE; default 2). Unigram prunes pieces by
            likelihood, not by a count: giving it one is refused, not ignored.
        pre_split: ``"kiwi"`` to split the corpus into morphemes first.
        lowercase: lowercase before tokenizing (only sensible for English).
        text_col: the column of the text in a TSV/CSV file with a header (NSMC's header is read by its ``document``
            column without it).
        progress: ``progress(done, total)`` over the lines while they are read (and split by Kiwi), then
            ``progress(0, 0)`` as the trainer starts: tokenizers' trainer does not report how far it is, so that
            phase has no count (:func:`seqlab.progress.new_phase` names each phase).
    """
    from tokenizers import processors

    if kind not in KINDS:
        raise InputError(_("unknown tokenizer type {kind!r}").format(kind=kind),
                         _("Use one of: {choices}.").format(choices=', '.join(KINDS)))
    if pre_split not in (None, "kiwi"):
        raise InputError(_("unknown pre-split {pre_split!r}").format(pre_split=pre_split),
                         _("Use pre_split=\"kiwi\", or leave it out."), option="pre_split",
                         cli_hint=_("Use --pre-split kiwi, or leave it out."))
    check_number("vocab_size", vocab_size, MIN_TRAINED_VOCAB, MAX_VOCAB, whole=True)
    check_number("min_frequency", min_frequency, 1, MAX_MIN_COUNT, whole=True)
    if kind == "unigram" and min_frequency is not None:
        raise InputError(_("min_frequency is not used by a unigram tokenizer"),
                         _("Unigram prunes pieces by likelihood, not by a count: leave min_frequency out."),
                         option="min_frequency")
    min_frequency = 2 if min_frequency is None else min_frequency
    files, out = check_corpus(files, errors), check_path("out", out)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        new_phase(progress, _("splitting into Kiwi morphemes") if pre_split == "kiwi" else _("reading the texts"),
                  _("lines"))
        replaced: dict[str, list[int]] = {}
        lines, _unused = write_split_corpus(files, corpus, pre_split, text_col=text_col, errors=errors,
                                            chunk=2_000, progress=progress,  # Kiwi's speed: about a second a chunk
                                            replaced=replaced)
        if lines == 0:
            raise InputError(ngettext("{files} holds no text (no lines, or only blank ones)",
                                      "{files} hold no text (no lines, or only blank ones)", len(files)).format(
                files=", ".join(_("standard input") if str(f) == "-" else str(f) for f in files)),
                _("Give a file with one text per line."))
        new_phase(progress, _("training the {kind} model…").format(kind=kind))
        if progress:
            progress(0, 0)  # a phase without a count: the trainer (and the alphabet's count before it) says nothing
        tok, trainer, cls, sep, (alphabet, counts, in_text) = _build(kind, vocab_size, min_frequency, lowercase,
                                                                     corpus)
        try:
            tok.train([str(corpus)], trainer)
        except Exception as exc:  # the Rust trainer raises plain Exceptions
            if "not large enough" in str(exc):
                raise InputError(_("vocab_size {vocab_size} is too small: a {kind} vocabulary must hold every "
                                   "character of the corpus").format(vocab_size=vocab_size, kind=kind),
                                 _("Use a larger vocab_size (Korean text has thousands of distinct syllables), or "
                                   "wordpiece/bpe, which drop rare characters."), option="vocab_size",
                                 cli_hint=_("Use a larger --vocab-size (Korean text has thousands of distinct "
                                            "syllables), or wordpiece/bpe, which drop rare characters.")) from None
            raise
    if kind == "wordpiece":
        tok = _canonical_wordpiece(tok)
    tok.post_processor = processors.TemplateProcessing(
        single=f"{cls} $A {sep}", pair=f"{cls} $A {sep} $B:1 {sep}:1",
        special_tokens=[(cls, tok.token_to_id(cls)), (sep, tok.token_to_id(sep))],
    )
    specials = _specials(kind)
    with atomic_directory(out) as tmpdir:
        tok.save(str(tmpdir / "tokenizer.json"))
        atomic_write_json(tmpdir / "tokenizer_config.json", {
            # PreTrainedTokenizerFast loads tokenizer.json exactly as trained (transformers 5.x)
            "tokenizer_class": "PreTrainedTokenizerFast", **specials, "model_max_length": 512,
            "clean_up_tokenization_spaces": False,
            "seqlab": {"kind": kind, "pre_split": pre_split, "lowercase": lowercase, "lines": lines},
        })
        atomic_write_json(tmpdir / "special_tokens_map.json", specials)
    left_out = set(counts) - set(alphabet)
    total = sum(counts.values())
    return TrainedTokenizer(Path(out), kind, tok.get_vocab_size(), lines, pre_split, time.perf_counter() - start,
                            characters=in_text, characters_left_out=len(left_out),
                            left_out_share=sum(counts[c] for c in left_out) / total if total else 0.0,
                            replaced_lines={name: lines for name, lines in replaced.items() if lines})
