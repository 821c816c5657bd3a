"""Batches: many texts as one rectangular array, with padding, truncation and what was cut."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.display import Displayable
from seqlab.errors import InputError, check_choice, check_flag, check_number
from seqlab.i18n import _, ngettext
from seqlab.ids.limits import MAX_LENGTH
from seqlab.ids.positions import kept_positions

PADDING = ("longest", "max_length", "none")


@dataclass(repr=False, eq=False)  # Displayable's short repr; equality by value (__eq__), as arrays cannot compare
class Batch(Displayable):
    """Encoded texts, ready for a model.

    ``input_ids`` is ``(B, L)`` when padded (numpy, or torch after
    :meth:`to_torch`), else a list of lists. ``dropped[i]`` counts the tokens
    truncation removed from text ``i``. As Hugging Face's ``BatchEncoding``, the model inputs are read by name:
    ``batch["input_ids"]``, ``batch.keys()``.
    """

    model: str
    input_ids: np.ndarray | list[list[int]]
    attention_mask: np.ndarray | list[list[int]]
    lengths: np.ndarray  # tokens kept per text, specials included
    dropped: np.ndarray  # tokens cut by truncation per text
    token_type_ids: np.ndarray | list[list[int]] | None = None

    def __len__(self) -> int:
        return len(self.lengths)

    def keys(self) -> list[str]:
        """The model inputs' names: input_ids, attention_mask (and token_type_ids for BERT models)."""
        return ["input_ids", "attention_mask"] + (["token_type_ids"] if self.token_type_ids is not None else [])

    def __iter__(self):
        # len(batch) counts texts, so iterating it as a mapping of names would say two things at once: neither
        raise TypeError("a Batch is not iterated: batch.input_ids[i] is text i's ids, dict(batch) its model inputs")

    def __getitem__(self, name: str):
        if name not in self.keys():  # batch[0] or batch["lengths"]: the model inputs only, by name
            raise KeyError(f"{name!r}: a Batch holds the model inputs {', '.join(self.keys())} (lengths and dropped "
                           "are attributes)")
        return getattr(self, name)

    def __eq__(self, other) -> bool:
        """The same model and the same numbers (b == encode_batch(...) raised "truth value … is ambiguous")."""
        return isinstance(other, Batch) and self.to_dict() == other.to_dict()

    __hash__ = None  # mutable arrays: not a dict key

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.input_ids)) if isinstance(self.input_ids, np.ndarray) else (len(self),)

    def to_dict(self) -> dict:
        """Plain lists and numbers, for JSON (:meth:`to_json`).

        >>> pad_sequences("char", [[5, 6, 7], [8]], pad_id=0).to_dict()["input_ids"]
        [[5, 6, 7], [8, 0, 0]]
        """
        def plain(value):
            return value.tolist() if isinstance(value, np.ndarray) else value

        record = {"model": self.model, "shape": list(self.shape), "input_ids": plain(self.input_ids),
                  "attention_mask": plain(self.attention_mask), "lengths": plain(self.lengths),
                  "dropped": plain(self.dropped)}
        if self.token_type_ids is not None:
            record["token_type_ids"] = plain(self.token_type_ids)
        return record

    def to_torch(self) -> dict:
        """The model inputs as ``torch.long`` tensors (padding required)."""
        import torch

        if not isinstance(self.input_ids, np.ndarray):
            raise InputError(_("only padded batches convert to tensors"), _("Use padding='longest' or 'max_length'."))
        out = {"input_ids": torch.from_numpy(self.input_ids), "attention_mask": torch.from_numpy(self.attention_mask)}
        if self.token_type_ids is not None:
            out["token_type_ids"] = torch.from_numpy(self.token_type_ids)
        return out


# Hugging Face's spellings of the same choices (padding=True pads to the longest; "do_not_truncate" keeps all)
HF_PADDING = {True: "longest", False: "none", "do_not_pad": "none"}
HF_TRUNCATION = {"longest_first": True, "only_first": True, "do_not_truncate": False}


def check_truncation(truncation) -> bool:
    """``truncation`` as a bool: True or False, or Hugging Face's ``"longest_first"`` / ``"do_not_truncate"``.
    Anything else is refused: ``truncation="do_not_truncate"`` was a true value, so it cut."""
    if isinstance(truncation, str) and truncation.lower() in HF_TRUNCATION:
        return HF_TRUNCATION[truncation.lower()]
    if isinstance(truncation, str):  # another of Hugging Face's (only_second: a pair's second text) is not done here
        raise InputError(_("truncation must be True or False, got {value!r}").format(value=truncation),
                         _("Hugging Face's spellings taken here: {names} (one text per row, no pairs).").format(
                             names=", ".join(repr(n) for n in HF_TRUNCATION)), option="truncation")
    return check_flag("truncation", truncation)


def check_padding(padding: str, max_length: int | None) -> str:
    """``padding`` as :data:`PADDING` spells it (any case, as every choice; Hugging Face's True, False and
    ``"do_not_pad"`` too), checked with ``max_length``."""
    hf_spelling = padding.lower() if isinstance(padding, str) else padding
    if isinstance(padding, bool) or hf_spelling == "do_not_pad":  # Hugging Face's True, False, "do_not_pad"
        padding = HF_PADDING[hf_spelling]
    padding = check_choice("padding", padding, PADDING)
    if padding == "max_length" and not max_length:
        raise InputError(_("padding='max_length' needs max_length"),
                         _("Give max_length=N, or pad to the longest text with padding=\"longest\"."))
    check_number("max_length", max_length, 1, MAX_LENGTH, whole=True)  # "8" and 2.5 were a TypeError deep in the
    # slicing, and 10**11 a MemoryError of 745 GiB
    return padding


def check_fits(padding: str, max_length: int | None, lengths: np.ndarray) -> None:
    """``padding="max_length"`` without truncation: a sequence longer than ``max_length`` would make the batch wider
    than asked (it was padded to the longest, with nothing said), so it is refused."""
    longest = int(lengths.max(initial=0))
    if padding == "max_length" and max_length is not None and longest > max_length:
        n = int((lengths > max_length).sum())
        raise InputError(ngettext("padding='max_length' pads to max_length = {m}, but {n} text is longer ({longest} "
                                  "tokens) and truncation=False keeps it whole",
                                  "padding='max_length' pads to max_length = {m}, but {n} texts are longer (the "
                                  "longest {longest} tokens) and truncation=False keeps them whole", n).format(
            m=max_length, n=n, longest=longest),
            _("Cut them (truncation=True), or pad to the longest text (padding=\"longest\")."))


def pad_sequences(model: str, sequences: list[list[int]], pad_id: int, padding: str = "longest",
                  max_length: int | None = None, truncation: bool = True, specials: tuple[int, int] = (0, 0)) -> Batch:
    """Pad (and truncate) id lists into a :class:`Batch`. ``specials``: how many special ids open and close every
    sequence (``<bos> … <eos>``: (1, 1)); truncation keeps them and cuts the content between.

    >>> b = pad_sequences("char", [[5, 6, 7], [8]], pad_id=0, max_length=2)
    >>> b.input_ids.tolist(), b.dropped.tolist()
    ([[5, 6], [8, 0]], [1, 0])
    """
    padding, truncation = check_padding(padding, max_length), check_truncation(truncation)
    full = np.array([len(s) for s in sequences], dtype=np.int64)
    if truncation and max_length is not None:
        lead, trail = specials
        sequences = [s if len(s) <= max_length else
                     [s[i] for i in kept_positions([1] * lead + [0] * (len(s) - lead - trail) + [1] * trail,
                                                   max_length)] for s in sequences]
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    check_fits(padding, max_length, lengths)
    dropped = full - lengths
    if padding == "none":
        return Batch(model, sequences, [[1] * len(s) for s in sequences], lengths, dropped)
    width = max_length if padding == "max_length" else int(lengths.max(initial=0))
    width = max(width, int(lengths.max(initial=0)))
    ids = np.full((len(sequences), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for i, s in enumerate(sequences):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1
    return Batch(model, ids, mask, lengths, dropped)
