"""Classification metrics: accuracy, macro-F1 and the confusion matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.display import Displayable


@dataclass(repr=False)  # Displayable's short repr
class Metrics(Displayable):
    accuracy: float
    macro_f1: float
    n: int
    confusion: list[list[int]]  # rows: true class, columns: predicted class
    labels: list[str]

    def to_dict(self) -> dict:
        return {"accuracy": self.accuracy, "macro_f1": self.macro_f1, "n": self.n, "confusion": self.confusion,
                "labels": self.labels}


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray, labels: list[str]) -> Metrics:
    """Accuracy, macro-F1 and the confusion matrix (rows: true labels, columns: predictions).

    >>> classification_metrics(np.array([0, 1, 1]), np.array([0, 1, 0]), ["0", "1"]).confusion
    [[1, 0], [1, 1]]
    """
    k = len(labels)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (y_true, y_pred), 1)
    tp = np.diag(confusion).astype(float)
    precision = np.divide(tp, confusion.sum(axis=0), out=np.zeros(k), where=confusion.sum(axis=0) > 0)
    recall = np.divide(tp, confusion.sum(axis=1), out=np.zeros(k), where=confusion.sum(axis=1) > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(k), where=(precision + recall) > 0)
    n = len(y_true)
    # rounded to 12 decimals: the sum's float noise (0.8100000000000002) is no digit of the score
    return Metrics(round(float(tp.sum() / n), 12) if n else 0.0, round(float(f1.mean()), 12), n, confusion.tolist(),
                   list(labels))
