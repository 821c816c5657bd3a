"""Integer vocabularies for word, morpheme and character tokenizers.

Subword models carry their own vocabulary; the ``kiwi``, ``char`` and
``whitespace`` tokenizers need one built from a corpus: count the tokens,
keep those seen at least ``min_freq`` times (at most ``max_size``, most
frequent first), and put the special tokens in front so that ``<pad>`` is 0
and ``<unk>`` is 1.

One class serves every vocabulary in seqlab: ``seqlab vocab build`` writes it,
the tokenizers read it, and the trained classifiers and the Seq2Seq model keep
theirs in the same format, so a file made by one is accepted by the others.
The default vocabularies built from ``wordfreq`` are made in
:mod:`seqlab.tokens.default_vocab`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from seqlab.errors import InputError, check_number
from seqlab.i18n import N_, _
from seqlab.storage import atomic_write_json
from seqlab.text.reading import file_error

# the library's way to make one (the command line's is seqlab vocab build)
BUILD_ONE = N_("Build one with Vocabulary.build(tokenizer.split_many(texts), meta={\"tokenizer\": tokenizer.name})"
               ".save(path).")
SPECIALS = ("<pad>", "<unk>", "<bos>", "<eos>")
FORMAT = "seqlab-vocab"


def checked_ids(ids, size: int) -> list[int]:
    """``ids`` (a list, a NumPy array or a CPU tensor of one text's ids) as a list of ints, each from 0 to
    ``size - 1``; an InputError naming the first that is not.

    >>> checked_ids([4, 1], 5)
    [4, 1]
    >>> checked_ids([4, -1], 5)
    Traceback (most recent call last):
    seqlab.errors.InputError: id -1 (at position 1) is not in the vocabulary: ids go from 0 to 4
    Give ids made by this tokenizer or vocabulary.
    """
    import numpy as np

    if isinstance(ids, (str, bytes)):
        raise InputError(_("ids must be a list of whole numbers, not a string: {ids!r}").format(ids=ids[:40]))
    if not hasattr(ids, "__array__") and not isinstance(ids, (list, tuple)):
        ids = list(ids)  # a generator or another iterable of ids
    values = np.asarray(ids, dtype=object)
    if values.ndim == 2 and values.shape[0] == 1:  # one text's ids as a batch of one ([1, T], as a model takes them)
        values = values[0]
    if values.ndim != 1 and values.size:
        raise InputError(_("ids must be one text's ids (a flat list), got an array of shape {shape}").format(
            shape=list(values.shape)), _("Decode a batch row by row."))
    out = []
    for k, v in enumerate(values.tolist()):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise InputError(_("ids must be whole numbers: {value!r} (at position {k}) is not").format(value=v, k=k))
        if not 0 <= v < size:
            raise InputError(_("id {value} (at position {k}) is not in the vocabulary: ids go from 0 to {last:,}")
                             .format(value=v, k=k, last=size - 1), _("Give ids made by this tokenizer or vocabulary."))
        out.append(int(v))
    return out


def _require_list(tokens) -> None:
    if isinstance(tokens, str):  # "영화 좋다" would count 영, 화, ' ', 좋, 다
        raise InputError(_("Vocabulary.build takes one list of tokens per text, not a string: {text!r}").format(
            text=tokens[:40]), _("Split each text with a tokenizer first (tokenizer.split_many(texts))."))


@dataclass
class Vocabulary:
    """Token <-> id tables. ``tokens[i]`` is the token with id ``i``.

    >>> v = Vocabulary.build([["영화", "가", "좋다"], ["영화", "최고"]], min_freq=2)
    >>> v.tokens, v.encode(["영화", "별로"])
    (['<pad>', '<unk>', '<bos>', '<eos>', '영화'], [4, 1])
    """

    tokens: list[str]
    counts: list[int]
    specials: tuple[str, ...] = SPECIALS
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.stoi = {t: i for i, t in enumerate(self.tokens)}
        if len(self.stoi) != len(self.tokens):
            raise InputError(_("vocabulary has duplicate tokens"))
        missing = [s for s in ("<pad>", "<unk>") if s not in self.stoi]
        if missing:
            raise InputError(_("vocabulary lacks the special tokens {missing}").format(missing=missing))

    def __len__(self) -> int:
        return len(self.tokens)

    pad_id = property(lambda self: self.stoi["<pad>"])
    unk_id = property(lambda self: self.stoi["<unk>"])
    bos_id = property(lambda self: self.stoi.get("<bos>"))
    eos_id = property(lambda self: self.stoi.get("<eos>"))

    def __repr__(self) -> str:  # not every token and count: a vocabulary has thousands
        shown = ", ".join(repr(t) for t in self.tokens[:8])
        return f"Vocabulary({len(self):,} tokens: {shown}{', …' if len(self) > 8 else ''})"

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """The id of each token; a token not in the vocabulary is ``<unk>``'s id."""
        if isinstance(tokens, str):  # "영화/NNG" would be read as 영, 화, /, N, N, G
            raise InputError(_("encode takes a list of tokens, not a string: {text!r}").format(text=tokens[:40]),
                             _("Split the text with a tokenizer first: tokenizer.encode(text) gives its ids."))
        unk, get = self.unk_id, self.stoi.get
        return [get(t, unk) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """The token of each id; an id outside the vocabulary is an error (not ``<unk>``: it comes from elsewhere)."""
        return [self.tokens[i] for i in checked_ids(ids, len(self.tokens))]

    @classmethod
    def build(cls, token_lists: Iterable[Iterable[str]], min_freq: int = 1, max_size: int | None = None,
              specials: tuple[str, ...] = SPECIALS, weights: Iterable[int] | None = None,
              meta: dict | None = None) -> Vocabulary:
        """Count tokens and keep the frequent ones, specials first.

        Args:
            token_lists: one token list per text.
            min_freq: drop tokens seen fewer times.
            max_size: the most tokens to keep, specials included.
            specials: tokens placed first, in this order (``<pad>`` must be among them).
            weights: an optional count per text (e.g. a word's corpus frequency).
        """
        if min_freq is None:  # check_number lets None through (an unset option); here it has no meaning
            raise InputError(_("{option} must be a whole number, got {value!r}").format(option="min_freq", value=None),
                             option="min_freq")
        check_number("min_freq", min_freq, 1, whole=True)  # "2" and None ended in a TypeError; 1.5 was taken
        check_number("max_size", max_size, whole=True)
        if max_size is not None and max_size < len(specials) + 1:  # the specials alone would already be over it
            raise InputError(_("max_size must be at least {least} (the {n} special tokens and one more), got "
                               "{max_size}").format(least=len(specials) + 1, n=len(specials), max_size=max_size))
        counter: Counter[str] = Counter()
        if weights is None:
            for tokens in token_lists:
                _require_list(tokens)
                counter.update(tokens)
        else:
            for tokens, weight in zip(token_lists, weights, strict=True):
                _require_list(tokens)
                for t in tokens:
                    counter[t] += weight
        budget = None if max_size is None else max(0, max_size - len(specials))
        frequent = [(t, c) for t, c in counter.most_common() if c >= min_freq and t not in specials]
        kept = frequent[:budget]
        seen = sum(1 for t in counter if t not in specials)
        cut = {"min_freq": seen - len(frequent), "max_size": len(frequent) - len(kept)}  # what each option left out
        return cls(list(specials) + [t for t, _ in kept], [0] * len(specials) + [c for _k, c in kept],
                   tuple(specials), dict(meta or {}, min_freq=min_freq, max_size=max_size, seen=seen, cut=cut))

    def require_tokens(self, source: str | Path | None = None) -> Vocabulary:
        """The vocabulary itself, or an InputError when ``min_freq`` cut every token it saw: with only its special
        tokens, every text would read as ``<unk>``. ``source``: the corpus to name (default: ``meta["source"]``).

        >>> Vocabulary.build([["영화"], ["최고"]], min_freq=2).require_tokens("reviews.txt")
        Traceback (most recent call last):
        seqlab.errors.InputError: no token of reviews.txt is seen 2 times or more: the vocabulary would hold only its special tokens
        Pass a lower min_freq= (its 2 distinct tokens were all cut).
        """
        seen = self.meta.get("seen", 0)
        if len(self) > len(self.specials) or not seen:  # no token seen at all: the corpus is empty, said by the caller
            return self
        source = source or self.meta.get("source") or _("the corpus")
        raise InputError(_("no token of {path} is seen {min_freq:,} times or more: the vocabulary would hold only "
                           "its special tokens").format(path=source, min_freq=self.meta.get("min_freq", 1)),
                         _("Pass a lower min_freq= (its {seen:,} distinct tokens were all cut).").format(seen=seen),
                         option="min_freq",
                         cli_hint=_("Lower --min-freq (its {seen:,} distinct tokens were all cut).").format(seen=seen))

    def save(self, path: str | Path) -> Path:
        """Write the vocabulary as JSON (atomically)."""
        return atomic_write_json(path, {"format": FORMAT, "version": 1, "specials": list(self.specials),
                                        "meta": self.meta, "tokens": self.tokens, "counts": self.counts})

    @classmethod
    def load(cls, path: str | Path) -> Vocabulary:
        """A vocabulary written by :meth:`save` (or ``seqlab vocab build``); an InputError that says what is wrong
        with any other file."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(_("vocabulary file not found: {path}").format(path=path), _(BUILD_ONE),
                             cli_hint=_("Build one with: seqlab vocab build")) from None
        except OSError as exc:
            raise file_error(path, exc, _("a vocabulary file")) from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(_("{path} is not a seqlab vocabulary: it is not JSON").format(path=path), _(BUILD_ONE),
                             cli_hint=_("Give a file made by seqlab vocab build.")) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError(_('{path} is not a seqlab vocabulary (no "format": "{FORMAT}")')
                             .format(path=path, FORMAT=FORMAT), _(BUILD_ONE),
                             cli_hint=_("Build one with: seqlab vocab build"))
        tokens, counts = data.get("tokens"), data.get("counts")
        specials, meta = data.get("specials", list(SPECIALS)), data.get("meta", {})
        problem = (_('"tokens" is not a list of strings') if not isinstance(tokens, list) or not all(
                       isinstance(t, str) for t in tokens) else
                   _('"counts" ({n:,}) and "tokens" ({k:,}) differ in length').format(n=len(counts), k=len(tokens))
                   if isinstance(counts, list) and counts and len(counts) != len(tokens) else
                   _('"counts" is not a list of whole numbers') if counts is not None and not (
                       isinstance(counts, list) and all(isinstance(c, int) for c in counts)) else
                   _('"specials" is not the list of the first tokens') if not isinstance(specials, list)
                   or tokens[: len(specials)] != specials else
                   _('"meta" is not an object') if not isinstance(meta, dict) else None)
        if problem:  # a file changed by hand or by another tool: said, not a KeyError or a silent shift of ids
            raise InputError(_("{path} is damaged: {problem}").format(path=path, problem=problem),
                             _("Build it again with: seqlab vocab build"))
        return cls(tokens, counts or [0] * len(tokens), tuple(specials), meta)
