"""Stage 1, the text itself: Unicode normalization with offsets, and reading text safely (imports only errors)."""

from seqlab.text.reading import iter_lines, read_lines
from seqlab.text.unicode import NormalizedText, clean_surrogates, normalize

__all__ = ["NormalizedText", "clean_surrogates", "iter_lines", "normalize", "read_lines"]
