"""Which rows of an evaluation file the model has already seen: texts that are also in its training file.

A test file that shares rows with the training data gives scores that are partly not held out. NSMC repeats
short reviews ("굿" is 207 rows of train.tsv, "최고" 103), so a few shared rows are normal;
``seqlab evaluate`` counts them and scores the other rows on their own as well, so that a user sees both.

The training file is found from what the run recorded (:func:`seqlab.training.data.split_record`): its absolute
path, checked against its SHA-256, read again the way it was read for training. A file that moved or changed
since is said to be so; nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seqlab.errors import InputError
from seqlab.training.metrics import Metrics, classification_metrics


@dataclass
class TrainingOverlap:
    """The rows of an evaluation file whose text is also a text of the training file (train and validation parts)."""

    checked: bool  # False when the training file could not be read again (``reason`` says why)
    training_file: str
    rows: int = 0  # evaluation rows whose text is in the training file
    of: int = 0  # evaluation rows in all
    unseen: Metrics | None = None  # the scores on the other rows, when some rows are shared and some are not
    reason: str = ""  # why it was not checked: "moved" (no file at the recorded path), "changed" (other bytes) or
    # "unreadable" (it is there but cannot be read: permissions, a damaged file)

    def to_dict(self) -> dict:
        record = {"checked": self.checked, "training_file": self.training_file}
        if not self.checked:
            return {**record, "reason": self.reason}
        record.update(rows=self.rows, of=self.of)
        if self.unseen is not None:
            record["unseen"] = {"accuracy": self.unseen.accuracy, "macro_f1": self.unseen.macro_f1, "n": self.unseen.n}
        return record


def training_overlap(recorded: dict, texts: list[str], labels: np.ndarray, predicted: np.ndarray,
                     label_names: list[str]) -> TrainingOverlap | None:
    """Count the evaluation texts that are in the run's training file, and score the rows that are not.

    Args:
        recorded: the run's ``config["data"]`` (see :func:`seqlab.training.data.split_record`).
        texts, labels, predicted: the evaluation rows, their true and predicted class indices.
        label_names: the model's classes, in index order.

    Returns:
        None for a run that did not record its training file's path (runs from before this check).

    >>> o = training_overlap({}, ["최고"], np.array([1]), np.array([1]), ["0", "1"])
    >>> o is None
    True
    """
    from seqlab.storage import sha256_file
    from seqlab.training.data import load_dataset

    path = recorded.get("source_path")
    if not path:
        return None
    read_as = recorded.get("read_as") or {}
    try:  # the scores stand without this check: a training file that cannot be read is said, not fatal
        if not Path(path).is_file():
            return TrainingOverlap(False, path, reason="moved")
        if recorded.get("source_sha256") and sha256_file(path) != recorded["source_sha256"]:
            return TrainingOverlap(False, path, reason="changed")
        training = set(load_dataset(path, read_as.get("fmt"), read_as.get("text_col"), read_as.get("label_col")).texts)
    except (OSError, InputError):
        return TrainingOverlap(False, path, reason="unreadable")
    seen = np.fromiter((t in training for t in texts), dtype=bool, count=len(texts))
    unseen = None
    if 0 < seen.sum() < len(texts):
        unseen = classification_metrics(labels[~seen], predicted[~seen], label_names)
    return TrainingOverlap(True, path, int(seen.sum()), len(texts), unseen)
