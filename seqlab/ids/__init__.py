"""Stage 3, integer encoding, as pure data: the one :class:`Vocabulary` (token <-> id) and padded batches (:class:`Batch`).

It imports nothing of seqlab but ``text``, ``errors`` and ``storage``; the tokenizers (stage 2) build on it.
"""
