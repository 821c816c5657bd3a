"""Class probabilities of a saved linear classifier (scikit-learn's logistic regression layout)."""

from __future__ import annotations

import numpy as np


def linear_probabilities(X, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """``predict_proba`` of a logistic regression from its weights: sigmoid for one row of ``coef``
    (binary), softmax otherwise. ``X`` may be dense or sparse (N, F); returns (N, C) float32.

    >>> linear_probabilities(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros(1)).tolist()
    [[0.5, 0.5]]
    """
    scores = np.asarray(X @ coef.T) + intercept
    if scores.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.stack([1 - p, p], axis=1).astype(np.float32)
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
