"""Which :class:`~seqlab.training.runs.TrainOptions` fields each classifier reads: one table for the library and
``seqlab train``.

A field set for models that would not read it (``hidden=8`` for tfidf, ``head="mlp"`` without e5-head) is refused,
never ignored in silence. :func:`unused_groups` says which groups of fields a choice of models leaves unread; the
library names the fields (:func:`unused_fields`), the command names its options.
"""

from __future__ import annotations

from dataclasses import fields

from seqlab.i18n import _
from seqlab.training.kinds import CELLS, LINEAR

RECURRENT_MODELS = (*CELLS, "best")  # networks built by seqlab (best: its lstm member)
NETWORK = ("epochs", "batch_size", "lr", "hidden")  # every network's training loop (hidden: not e5-tune's)
RECURRENT_FIELDS = ("layers", "dropout", "bidirectional", "adversarial", "patience", "embedding", "embed_dim",
                    "freeze_embedding", "tokenizer", "vocab", "min_freq", "bucket")  # seqlab's recurrent networks
TUNE_USES = ("adversarial", "patience", "bucket")  # what e5-tune reads besides epochs, batch_size and lr
E5_HEAD = ("head", "precision")


def unused_groups(names) -> list[tuple[tuple[str, ...], str]]:
    """``(fields, who)`` for each group of fields that none of the classifiers ``names`` reads, ``who`` worded for
    "not used by {who}" (the command's task options, forecast's and seq2seq's, are the command's own)."""
    names = list(names)
    models = ", ".join(names)
    groups: list[tuple[tuple[str, ...], str]] = []
    if all(n in LINEAR for n in names):
        groups.append(((*RECURRENT_FIELDS, *NETWORK, "max_length", "checkpoint_every"),
                       _("{models} (their settings are their own)").format(models=models)))
    elif not set(names) & set(RECURRENT_MODELS):  # e5-tune (with or without linear models): the loop's options
        groups.append(((*(f for f in RECURRENT_FIELDS if f not in TUNE_USES), "hidden"),
                       _("{models} (they are for lstm, gru and rnn)").format(models=models)))
    if not set(names) & {*RECURRENT_MODELS, "e5-tune"}:  # the others train without torch threads
        groups.append((("threads",), _("{models} (it is for lstm, gru, rnn and e5-tune)").format(models=models)))
    if "e5-head" not in names:
        groups.append((E5_HEAD, _("{models} (they are for e5-head)").format(models=models)))
    return groups


def unused_fields(opts, names) -> list[tuple[list[str], str]]:
    """The fields of ``opts`` set away from their default that the classifiers ``names`` would not read, grouped
    as :func:`unused_groups` groups them (each field named once)."""
    defaults = {f.name: f.default for f in fields(opts)}
    found: list[tuple[list[str], str]] = []
    named: set[str] = set()
    for group, who in unused_groups(names):
        given = [f for f in group if f not in named and getattr(opts, f) != defaults[f]]
        named.update(given)
        if given:
            found.append((given, who))
    return found


def unused_message(found: list[tuple[list[str], str]]) -> str:
    """The refusal of options nothing reads, worded once for the library (fields) and ``seqlab train`` (options):
    one group is "not used by tfidf (…): hidden, lr", several are listed each with whom they are not for."""
    if len(found) == 1:
        return _("not used by {what}: {options}").format(options=", ".join(found[0][0]), what=found[0][1])
    groups = [_("{options}: not used by {what}").format(options=", ".join(names), what=who) for names, who in found]
    joined = groups[0]
    for group in groups[1:]:  # "; " in English, the sentence's end in Korean (its rule: no semicolons)
        joined = _("{clause}; {more}").format(clause=joined, more=group)
    return _("options the task and models chosen do not use: {groups}").format(groups=joined)
