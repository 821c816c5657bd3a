"""The width of each initial embedding of the recurrent classifiers, and the check of ``embed_dim`` against it.

No torch here: ``seqlab train`` checks its options with it before anything loads.
"""

from __future__ import annotations

from seqlab.errors import InputError, UsageError
from seqlab.i18n import _

# the embedding width each initializer gives when embed_dim is not set: e5-small's input embeddings, Kiwi's morpheme
# vectors, and seqlab's choices for the vectors it trains (word2vec on the training texts) or draws (random)
INIT_WIDTHS = {"word2vec": 200, "random": 128, "e5": 384, "kiwi": 256}
FIXED_WIDTH = ("e5", "kiwi")  # initializers whose width is their source's own: embed_dim cannot change it


def check_embed_dim(init: str | None, embed_dim: int | None) -> None:
    """Refuse an ``embed_dim`` that the initializer cannot give, before any data is read (it was found only once the
    data was prepared): e5's and Kiwi's own widths, and the width a word2vec file's first line declares. A gensim
    file's width is checked when it is read."""
    if init is None or embed_dim is None:
        return
    if init in FIXED_WIDTH:
        width = INIT_WIDTHS[init]
    elif init in INIT_WIDTHS:
        return
    else:
        from seqlab.vectors.gensim_vectors import declared_width

        width = declared_width(init)
    if width is not None and embed_dim != width:
        raise width_mismatch(init, width, embed_dim)


class WidthMismatch(UsageError, InputError):
    """Two arguments that cannot both hold: a usage error (exit 2 on the command line), still an InputError for
    the library callers that caught it as one."""


def width_mismatch(init: str, dim: int, given: int) -> WidthMismatch:
    return WidthMismatch(_("the {init} vectors are {dim}-dimensional, not embed_dim = {given}").format(
        init=init, dim=dim, given=given), _("Leave embed_dim out: it follows the initializer."), option="embed_dim",
        cli_hint=_("Leave --embed-dim out, or give --embed-dim {dim}.").format(dim=dim))
