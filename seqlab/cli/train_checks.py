"""``seqlab train``'s refusal of the options its task and models would not use, every one named at once.

:func:`check_unused` runs first in :func:`seqlab.cli.train_run.run`: an option a model ignores is refused
(exit 2) before any data is read, never dropped in silence.
"""

from __future__ import annotations

from seqlab.cli.options import UNUSED_HINT, in_range
from seqlab.errors import UsageError
from seqlab.i18n import _
from seqlab.training.option_use import E5_HEAD, RECURRENT_FIELDS, unused_groups, unused_message


def _flag(a, field: str) -> tuple[str, object]:
    """The option of a TrainOptions field and its value in ``a`` (None: not given)."""
    if field == "bucket":
        return "--no-bucket", a.no_bucket or None
    if field == "freeze_embedding":
        return "--freeze-embedding", a.freeze_embedding or None
    return "--" + field.replace("_", "-"), getattr(a, field)


def check_unused(a, names: list[str]) -> None:
    """Options that the chosen task or models would not use are refused, not ignored (``a``: the command's
    :class:`~seqlab.cli.train_run.TrainArgs`, ``names``: its models). Which model reads which option is the
    library's table (:func:`seqlab.training.option_use.unused_groups`); the task's options are the command's."""
    recurrent = dict(_flag(a, f) for f in RECURRENT_FIELDS)
    data_options = {"--val-fraction": a.val_fraction, "--format": a.fmt, "--text-col": a.text_col,
                    "--label-col": a.label_col, "--max-length": a.max_length}
    e5_head = dict(_flag(a, f) for f in E5_HEAD)
    refused: list[tuple[list[str], str]] = []  # every group at once: not one refusal per run of the command

    def refuse(options: dict, what: str) -> None:
        given = [flag for flag, value in options.items() if value is not None and flag not in
                 {f for flags, _w in refused for f in flags}]
        same = next((flags for flags, w in refused if w == what), None)
        if given and same is not None:
            same.extend(given)
        elif given:
            refused.append((given, what))

    if a.task == "classify":
        for group, who in unused_groups(names):
            refuse(dict(_flag(a, f) for f in group), who)
    if a.task == "classify":  # each model's own narrower ranges, from the library's table (e5-tune's max-length)
        from seqlab.training.runs import MODEL_RANGES

        for name in names:
            for field_name, (low, high, _whole) in MODEL_RANGES.get(name, {}).items():
                in_range(*_flag(a, field_name), low, high)
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
        raise UsageError(unused_message(refused), hint or _(UNUSED_HINT))
    if a.task == "forecast" and a.model.lower() != "lstm":  # in any case, as every choice (--model LSTM)
        raise UsageError(_("--task forecast trains an LSTM forecaster; --model {model} does not apply")
                         .format(model=a.model), _("Leave out --model (or give --model lstm)."))
