"""Which positions of a sequence a cut to ``max_length`` keeps: the special tokens around it stay, the content is
cut from the end. One rule for every tokenizer's truncation (:func:`seqlab.tokens.record.truncate`, the Hugging Face
batches, :func:`seqlab.ids.batch.pad_sequences`); no NumPy, so that importing it costs nothing."""

from __future__ import annotations


def kept_positions(special: list[int], limit: int) -> list[int]:
    """Positions kept when a sequence is cut to ``limit``: the leading specials, content from the front, the
    trailing specials. A limit that cannot hold the specials is refused: "specials kept" is the contract
    (``max_length=1`` gave e5's ``<s>`` alone, without its ``</s>``)."""
    n = len(special)
    lead = next((i for i, s in enumerate(special) if not s), n)
    trail = next((i for i, s in enumerate(reversed(special)) if not s), 0)
    if limit < lead + trail:
        from seqlab.errors import UsageError
        from seqlab.i18n import _

        raise UsageError(_("max_length {limit} cannot hold the {k} special tokens the model puts around every text")
                         .format(limit=limit, k=lead + trail),
                         _("Give max_length={k} or more ({more} keeps a token of the text).").format(
                             k=lead + trail, more=lead + trail + 1), option="max_length",
                         cli_hint=_("Give --max-length {k} or more ({more} keeps a token of the text).").format(
                             k=lead + trail, more=lead + trail + 1))
    keep = max(0, limit - lead - trail)
    return (list(range(lead + keep)) + list(range(n - trail, n)))[:limit]
