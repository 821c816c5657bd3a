"""Cosine similarity between sentence vectors."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from seqlab.display import Displayable


@dataclass(frozen=True, repr=False)  # Displayable's short repr
class SimilarityRecord(Displayable):
    """``seqlab similarity``: the cosine of two sentence vectors, with what the model could not read of each."""

    model: str
    a: str
    b: str
    cosine: float
    pooling: str
    prefix: str
    max_length: int  # the model's window: tokens past it are not read
    dropped: tuple[int, int] = (0, 0)  # tokens of a and of b past the window (said, never silent)
    unknown: tuple[int, int] = (0, 0)  # [UNK] tokens of a and of b: text the model could not read
    same_tokens: bool = False  # different texts, the same token ids: the model cannot tell them apart (cosine 1)

    def to_dict(self) -> dict:
        """JSON-ready, as ``to_json()`` writes it (the pairs as lists)."""
        return {**asdict(self), "dropped": list(self.dropped), "unknown": list(self.unknown)}


def _nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """cos(a, b) = a·b / (‖a‖‖b‖).

    >>> round(cosine(np.array([1.0, 0.0]), np.array([1.0, 1.0])), 4)
    0.7071
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)  # float32 gave 1.0000001 for a = b
    denom = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.clip(a @ b / denom, -1.0, 1.0)) if denom else 0.0


def similarity(a: str, b: str, model: str | None = None, pooling: str = "mean", prefix: str | None = None,
               precision: str = "fp32", embed=None) -> SimilarityRecord:
    """Cosine of the sentence vectors of ``a`` and ``b``.

    For e5 both get ``"query: "`` (the model card's advice for symmetric tasks) unless ``prefix`` is given.
    ``embed``: ``(model, token records) -> embedding records`` (mean-pooled, normalized) to run the forward pass
    elsewhere, e.g. in the web server's shared batches; by default the encoder's packed sentence path.
    """
    from seqlab.i18n import _
    from seqlab.pretrained.install import ensure_obtainable
    from seqlab.pretrained.loading import load_tokenizer
    from seqlab.pretrained.registry import check_role_prefix, resolve
    from seqlab.text.unicode import require_text
    from seqlab.tokens.prefixes import prefix_text
    from seqlab.tokens.record import model_window
    from seqlab.vectors.encoder import default_prefix, load_encoder, window_records

    require_text(a, _("the first sentence"))  # an empty sentence had a cosine (0.83 for "" and "영화")
    require_text(b, _("the second sentence"))
    spec = resolve(model)
    ensure_obtainable(spec, weights=True)  # an unreachable hub id is said as a model with vectors, not a tokenizer
    name = spec.name
    # the text put before each sentence, as the record says it ("query" and "none" are e5's "query: " and "")
    if prefix is not None:
        check_role_prefix(prefix, name)  # minilm with prefix="query" read "query: " in silence
    prefix = default_prefix(name, "query") if prefix is None else prefix_text(prefix)
    records = window_records(name, [a, b], prefix)  # what the model reads: cut to its window
    window = (model_window(load_tokenizer(name, prefix=prefix)), (records[0].dropped, records[1].dropped),
              (len(records[0].unk), len(records[1].unk)),
              # texts that differ (not only in their Unicode form: NFC and NFD 한국어 are one text) read as one
              _nfc(a) != _nfc(b) and records[0].input_ids == records[1].input_ids)
    if embed is not None:  # its records are mean-pooled in fp32: another pooling or precision would not be what ran
        from seqlab.errors import UsageError, canonical
        from seqlab.vectors.encoder import PRECISIONS
        from seqlab.vectors.pooling import METHODS

        if (canonical(pooling, METHODS), canonical(precision, PRECISIONS)) != ("mean", "fp32"):  # MEAN is mean
            raise UsageError(_("embed= computes mean-pooled fp32 vectors: pooling={pooling!r}, precision={precision!r} "
                               "cannot be used with it").format(pooling=pooling, precision=precision),
                             _("Leave pooling and precision out, or leave out embed."), option=("pooling", "precision"))
        ra, rb = embed(name, records)
        return SimilarityRecord(name, a, b, cosine(ra.pooled, rb.pooled), "mean", prefix, *window)
    from seqlab.errors import canonical
    from seqlab.vectors.pooling import METHODS

    enc = load_encoder(name)
    pooling = canonical(pooling, METHODS)  # recorded as the CLI's JSON writes it: CLS is cls
    va, vb = enc.sentence_vectors([a, b], pooling=pooling, normalize=True, prefix=prefix, precision=precision)
    return SimilarityRecord(enc.name, a, b, cosine(va, vb), pooling, prefix, *window)
