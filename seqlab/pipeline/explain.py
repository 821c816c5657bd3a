"""``seqlab explain``: walk one text through every stage and keep the numbers of each.

Each stage adds one record to the :class:`ExplainReport`; renderers (terminal,
Markdown, JSON, HTML) only read the report. Later stages (embedding, recurrent
models) attach their own records to the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seqlab.display import Displayable
from seqlab.pipeline.tracing import run_trace
from seqlab.pretrained.loading import load_tokenizer
from seqlab.pretrained.registry import resolve
from seqlab.text.unicode import DEFAULT_FORM, clean_surrogates, normalize, require_text
from seqlab.tokens.record import TokenRecord, model_window, truncate

EXPLAIN_LSTM_HIDDEN = 4  # small enough to read every gate of every step


@dataclass
class NormalizationChange:
    """One stretch of the original text that normalization rewrote."""

    start: int
    end: int
    original: str
    normalized: str

    @property
    def original_codepoints(self) -> list[str]:
        return [f"U+{ord(c):04X}" for c in self.original]

    @property
    def normalized_codepoints(self) -> list[str]:
        return [f"U+{ord(c):04X}" for c in self.normalized]


@dataclass
class NormalizationStep:
    form: str
    original: str
    normalized: str
    model_normalized: str | None  # after the tokenizer's own normalizer (lowercase, NFKC map...)
    changes: list[NormalizationChange]

    def to_dict(self) -> dict:
        return {
            "form": self.form, "original": self.original, "normalized": self.normalized,
            "model_normalized": self.model_normalized,
            "original_codepoints": len(self.original), "normalized_codepoints": len(self.normalized),
            "changes": [{"start": c.start, "end": c.end, "original": c.original, "normalized": c.normalized,
                         "original_codepoints": c.original_codepoints,
                         "normalized_codepoints": c.normalized_codepoints} for c in self.changes],
        }


STAGES = ("normalization", "tokens", "ids", "embedding", "lstm")  # stage k is STAGES[k - 1]


@dataclass
class WordSplit:
    """A whitespace-separated word (어절) that the tokenizer cut into several tokens."""

    word: str
    pieces: list[str]
    subword: bool = False  # a piece continues the one before it (## / no leading ▁): not only a split at punctuation

    def to_dict(self) -> dict:
        return {"word": self.word, "pieces": self.pieces, "subword": self.subword}


@dataclass(repr=False)  # Displayable's short repr
class ExplainReport(Displayable):
    """Everything ``seqlab explain`` shows, stage by stage (``STAGES``; the numbers are 1-based)."""

    model: str
    text: str
    normalization: NormalizationStep
    tokens: TokenRecord  # cut to the model's window when the text is longer (tokens.dropped says how much)
    vocab_size: int = 0
    word_splits: list[WordSplit] = field(default_factory=list)
    stages: dict = field(default_factory=dict)  # later stages: name -> record with to_dict()
    skipped: dict = field(default_factory=dict)  # stage name -> why it was not run ("no_vectors")

    @property
    def content_tokens(self) -> int:
        return len(self.tokens) - sum(self.tokens.special_tokens_mask)

    def to_dict(self) -> dict:
        out = {"model": self.model, "text": self.text, "normalization": self.normalization.to_dict(),
               "tokens": self.tokens.to_dict(), "vocab_size": self.vocab_size,
               "word_splits": [w.to_dict() for w in self.word_splits]}
        if self.skipped:
            out["skipped"] = self.skipped
        for name, record in self.stages.items():
            out[name] = record.to_dict()
        return out


def normalization_step(text: str, form: str, model_normalized: str | None) -> NormalizationStep:
    norm = normalize(text, form)
    changes: list[NormalizationChange] = []
    if norm.changed:
        i = 0
        n = len(norm.text)
        while i < n:
            start, end = norm.to_original(i, i + 1)
            j = i + 1
            while j < n and norm.to_original(j, j + 1) == (start, end):
                j += 1
            piece = norm.text[i:j]
            if text[start:end] != piece:
                changes.append(NormalizationChange(start, end, text[start:end], piece))
            i = j
    return NormalizationStep(norm.form, text, norm.text, model_normalized, changes)  # as FORMS spell it: nfkc → NFKC


def explain(text: str, model: str | None = None, *, normalization: str = DEFAULT_FORM, errors: str = "strict",
            vocab=None) -> ExplainReport:
    """Run ``text`` through the pipeline and return every stage's numbers.

    Args:
        text: the text, as written.
        model: any tokenizer (default e5-small); a model with vectors adds the embedding and LSTM stages.
        normalization: the Unicode form every stage reads (``NFC``, ``NFKC``, ``NFD``, ``NFKD`` or ``none``).
        errors: ``"strict"`` refuses lone surrogates; ``"replace"`` puts U+FFFD in their place.
        vocab: a vocabulary for kiwi, char and whitespace (default: their built-in one).

    Returns:
        an :class:`ExplainReport`: normalization, tokens, ids, and ``stages`` (``embedding``, ``lstm``) where the
        model has vectors; ``skipped`` says why a stage was left out.

    >>> r = explain("안녕하세요", model="char")
    >>> r.tokens.tokens, r.normalization.changes, list(r.stages)
    (['안', '녕', '하', '세', '요'], [], [])
    """
    text = clean_surrogates(require_text(text), errors)  # "" ran every stage on <s></s> alone, as the CLI never does
    tokenizer = load_tokenizer(model, normalization=normalization, vocab=vocab)
    record = tokenizer.encode(text)
    step = normalization_step(text, normalization, record.model_normalized)
    spec = resolve(tokenizer.name)
    if spec.has_vectors:  # every stage works on the tokens the model can read
        record = truncate(record, model_window(tokenizer))
    report = ExplainReport(tokenizer.name, text, step, record, tokenizer.vocab_size, word_splits(record))
    if not spec.has_vectors:  # tokenizer-only models (kiwi, char, whitespace) have no vectors
        report.skipped = {"embedding": "no_vectors", "lstm": "no_vectors"}
        return report
    from seqlab.vectors.numpy_encoder import numpy_encoder

    light = numpy_encoder(tokenizer.name)  # one sentence: NumPy on the model's own weights, no torch start-up
    if light is not None:
        embedding = light.embed_record(tokenizer.name, record, pooling="mean", normalize=True)
    else:
        from seqlab.vectors.encoder import load_encoder

        (embedding,) = load_encoder(tokenizer.name).embed_records([record], pooling="mean", normalize=True)
    report.stages["embedding"] = embedding
    report.stages["lstm"] = run_trace("lstm", text, tokenizer.name, hidden=EXPLAIN_LSTM_HIDDEN, seed=0, record=record)
    return report


def word_splits(record: TokenRecord) -> list[WordSplit]:
    """The words that became more than one token, with their tokens, in reading order."""
    groups: dict[int, list[int]] = {}
    for i, w in enumerate(record.word_ids):
        if w is not None and not record.special_tokens_mask[i]:
            groups.setdefault(w, []).append(i)
    out = []
    for indices in groups.values():
        if len(indices) > 1:
            start = min(record.offsets[i][0] for i in indices)
            end = max(record.offsets[i][1] for i in indices)
            out.append(WordSplit(record.text[start:end].strip(), [record.tokens[i] for i in indices],
                                 any(record.continuation[i] for i in indices[1:])))
    return out
