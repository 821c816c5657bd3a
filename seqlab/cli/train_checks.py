"""``seqlab train``'s refusal of the options its task and models would not use, every one named at once.

:func:`check_unused` runs first in :func:`seqlab.cli.train_run.run`: an option a model ignores is refused
(exit 2) before any data is read, never dropped in silence.
"""

from __future__ import annotations

from seqlab.cli.options import in_range, unused
from seqlab.errors import UsageError
from seqlab.i18n import _
from seqlab.training.kinds import CELLS, LINEAR

RECURRENT = (*CELLS, "best")  # networks built by seqlab (best: its lstm member)
TUNE_OPTIONS = ("--adversarial", "--patience", "--no-bucket")  # what e5-tune takes besides --epochs, --batch-size, --lr


def check_unused(a, names: list[str]) -> None:
    """Options that the chosen task or models would not use are refused, not ignored (``a``: the command's
    :class:`~seqlab.cli.train_run.TrainArgs`, ``names``: its models)."""
    network = {"--epochs": a.epochs, "--batch-size": a.batch_size, "--lr": a.lr, "--hidden": a.hidden}
    recurrent = {"--layers": a.layers, "--dropout": a.dropout, "--bidirectional": a.bidirectional,
                 "--adversarial": a.adversarial, "--patience": a.patience, "--embedding": a.embedding,
                 "--embed-dim": a.embed_dim, "--freeze-embedding": a.freeze_embedding or None,
                 "--tokenizer": a.tokenizer, "--vocab": a.vocab, "--min-freq": a.min_freq,
                 "--no-bucket": a.no_bucket or None}
    data_options = {"--val-fraction": a.val_fraction, "--format": a.fmt, "--text-col": a.text_col,
                    "--label-col": a.label_col, "--max-length": a.max_length}
    e5_head = {"--head": a.head, "--precision": a.precision}
    refused: list[tuple[list[str], str]] = []  # every group at once: not one refusal per run of the command

    def refuse(options: dict, what: str) -> None:
        given = [flag for flag, value in options.items() if value is not None and flag not in
                 {f for flags, _w in refused for f in flags}]
        same = next((flags for flags, w in refused if w == what), None)
        if given and same is not None:
            same.extend(given)
        elif given:
            refused.append((given, what))

    if a.task == "classify" and all(n in LINEAR for n in names):
        refuse(recurrent | network | {"--max-length": a.max_length, "--checkpoint-every": a.checkpoint_every},
               _("{models} (their settings are their own)").format(models=", ".join(names)))
    if a.task == "classify" and not set(names) & set(RECURRENT) and not all(n in LINEAR for n in names):
        # e5-tune (with or without linear models): the loop's options apply, the recurrent network's do not
        refuse({k: v for k, v in recurrent.items() if k not in TUNE_OPTIONS} | {"--hidden": a.hidden},
               _("{models} (they are for lstm, gru and rnn)").format(models=", ".join(names)))
    if a.task == "classify" and "e5-tune" in names:  # the library's own narrower range for e5-tune
        from seqlab.training.runs import MODEL_RANGES

        low, high, _whole = MODEL_RANGES["e5-tune"]["max_length"]
        in_range("--max-length", a.max_length, low, high)
    if a.task == "classify" and not set(names) & {*RECURRENT, "e5-tune"}:  # the others train without torch threads
        refuse({"--threads": a.threads}, _("{models} (it is for lstm, gru, rnn and e5-tune)").format(
            models=", ".join(names)))
    if a.task == "classify" and "e5-head" not in names:
        refuse(e5_head, _("{models} (they are for e5-head)").format(models=", ".join(names)))
    if a.task != "classify":
        refuse(recurrent | data_options | e5_head, "--task " + a.task)
    if a.task != "forecast":
        refuse({"--series": a.series, "--baselines/--no-baselines": a.baselines, "--season": a.season},
               "--task " + a.task)
    if a.task != "seq2seq":
        refuse({"--attention": a.attention}, "--task " + a.task)
    if a.task == "forecast":
        refuse({"--batch-size": a.batch_size, "--data": a.data, "--checkpoint-every": a.checkpoint_every},
               "--task forecast")
    if refused:
        hint = (_("A forecast reads --series: a CSV file, or a series that statsmodels ships (see seqlab train "
                  "--help).") if any("--data" in flags for flags, what in refused if what == "--task forecast")
                else None)
        if len(refused) == 1:
            unused(dict.fromkeys(refused[0][0], True), refused[0][1], hint)
        raise UsageError(_("options the task and models chosen do not use: {groups}").format(groups="; ".join(
            _("{options}: not used by {what}").format(options=", ".join(flags), what=what) for flags, what in refused)),
            hint or _("Leave them out, or choose a task and models that use them (see seqlab train --help)."))
    if a.task == "forecast" and a.model.lower() != "lstm":  # in any case, as every choice (--model LSTM)
        raise UsageError(_("--task forecast trains an LSTM forecaster; --model {model} does not apply")
                         .format(model=a.model), _("Leave out --model (or give --model lstm)."))
