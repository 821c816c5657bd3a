"""``seqlab explain``: walk one text through every stage and keep the numbers of each.

Each stage adds one record to the :class:`ExplainReport`; renderers (terminal,
Markdown, JSON, HTML) only read the report. Later stages (embedding, recurrent
models) attach their own records to the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seqlab.pipeline.tracing import run_trace
from seqlab.pretrained.loading import load_tokenizer
from seqlab.pretrained.registry import resolve
from seqlab.text.unicode import clean_surrogates, normalize
from seqlab.tokens.record import TokenRecord

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


@dataclass
class ExplainReport:
    """Everything ``seqlab explain`` shows, stage by stage."""

    model: str
    text: str
    normalization: NormalizationStep
    tokens: TokenRecord
    stages: dict = field(default_factory=dict)  # later stages: name -> record with to_dict()

    def to_dict(self) -> dict:
        out = {"model": self.model, "text": self.text, "normalization": self.normalization.to_dict(),
               "tokens": self.tokens.to_dict()}
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
    return NormalizationStep(form, text, norm.text, model_normalized, changes)


def explain(text: str, model: str | None = None, *, normalization: str = "NFC", errors: str = "strict",
            vocab=None) -> ExplainReport:
    """Run ``text`` through the pipeline and return every stage's numbers.

    >>> r = explain("안녕하세요", model="char")
    >>> r.tokens.tokens, r.normalization.changes, list(r.stages)
    (['안', '녕', '하', '세', '요'], [], [])
    """
    text = clean_surrogates(text, errors)
    tokenizer = load_tokenizer(model, normalization=normalization, vocab=vocab)
    record = tokenizer.encode(text)
    step = normalization_step(text, normalization, record.model_normalized)
    report = ExplainReport(tokenizer.name, text, step, record)
    if resolve(tokenizer.name).has_vectors:  # tokenizer-only models (kiwi, char...) have no vectors
        from seqlab.tokens.record import truncate
        from seqlab.vectors.encoder import load_encoder

        encoder = load_encoder(tokenizer.name)
        limit = encoder.tokenizer.model_max_length or 512
        (embedding,) = encoder.embed_records([truncate(record, limit)], pooling="mean", normalize=True)
        report.stages["embedding"] = embedding
        report.stages["lstm"] = run_trace("lstm", text, tokenizer.name, hidden=EXPLAIN_LSTM_HIDDEN, seed=0,
                                          record=embedding.tokens)
    return report
