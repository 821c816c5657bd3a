"""NB-SVM-style classifier (Wang & Manning 2012): n-gram presence scaled by Naive Bayes log-count ratios.

Each feature f gets the ratio ``r_f = log((p_f / |p|) / (q_f / |q|))`` of its
(smoothed) counts in positive (p) and negative (q) texts; a logistic regression
then learns on ``x ⊙ r``, where ``x`` marks which n-grams a text contains. The
ratios act as a strong per-feature prior, which helps on short texts such as
movie reviews. Binary (two-class) data only. It shares the TF-IDF model's
n-grams (characters and Kiwi morphemes; :mod:`seqlab.training.tfidf`) and is
saved the same way: JSON vocabularies, safetensors weights, no pickle.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import N_, _
from seqlab.training.data import Dataset, split_record
from seqlab.training.metrics import classification_metrics
from seqlab.training.rundir import RunDir
from seqlab.training.tfidf import (
    TfidfConfig,
    fit_features,
    load_vectorizers,
    plain_morphemes,
    save_vectorizers,
    small_data_config,
    text_features,
)


@dataclass
class NbsvmConfig:
    alpha: float = 1.0  # additive smoothing of the n-gram counts
    C: float = 0.1  # inverse regularization strength of the logistic regression
    max_iter: int = 300

    def to_dict(self) -> dict:
        return asdict(self)


def log_count_ratio(B, y: np.ndarray, alpha: float) -> np.ndarray:
    """r (F,) from binary features B (N, F) and labels y in {0, 1}.

    >>> log_count_ratio(np.array([[1, 0], [0, 1]]), np.array([1, 0]), 1.0).astype(float).round(3).tolist()
    [0.693, -0.693]
    """
    p = np.asarray(B[y == 1].sum(axis=0)).ravel() + alpha
    q = np.asarray(B[y == 0].sum(axis=0)).ravel() + alpha
    return np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)


def _scaled(X, r: np.ndarray):
    """Presence of each n-gram (from TF-IDF values > 0) times its ratio; stays sparse."""
    B = X.copy()
    B.data = np.ones_like(B.data)
    return B.multiply(r[None, :]).tocsr()


def train_nbsvm(train: Dataset, val: Dataset, out: Path, cfg: NbsvmConfig | None = None,
                features: TfidfConfig | None = None, on_phase=None) -> dict:
    started = time.perf_counter()  # the whole of it, as every trainer counts (the import included)
    from sklearn.linear_model import LogisticRegression

    if len(train.label_names) != 2:
        raise InputError(_("nbsvm needs exactly two classes; the data has {n}").format(n=len(train.label_names)),
                         _("Use tfidf for more classes."))
    cfg = cfg or NbsvmConfig()
    features = small_data_config(features or TfidfConfig(), len(train))
    f = fit_features(train, val, features, on_phase)
    if on_phase:
        on_phase(N_("NB-SVM: log-count ratios, logistic regression"))
    B = f.X.copy()
    B.data = np.ones_like(B.data)
    r = log_count_ratio(B, train.labels, cfg.alpha)
    clf = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, solver="liblinear")
    clf.fit(_scaled(f.X, r), train.labels)
    probs = clf.predict_proba(_scaled(f.Xv, r)).astype(np.float32)
    metrics = classification_metrics(val.labels, probs.argmax(1), train.label_names)
    coef = clf.coef_.astype(np.float32)
    intercept = clf.intercept_.astype(np.float32)
    summary = {"model": "nbsvm", "val": metrics.to_dict(), "seconds": time.perf_counter() - started,
               "parameters": int(coef.size + intercept.size), "features": int(f.X.shape[1])}
    run = RunDir(out)
    save_vectorizers(run, f, {"ratio": r, "coef": coef, "intercept": intercept})
    run.write_val_probabilities(probs)
    run.write_json("metrics.json", summary)
    run.write_json("config.json", {"task": "classify", "model": "nbsvm", "nbsvm": cfg.to_dict(),
                                   "tfidf": features.to_dict(), "labels": train.label_names,
                                   "data": split_record(train, val)})
    return summary


class NbsvmPredictor:
    """The saved NB-SVM, rebuilt from JSON + safetensors (no pickle)."""

    def __init__(self, out: Path):
        run = RunDir(out)
        self.config = run.config
        self.labels = self.config["labels"]
        self.char, self.word, weights = load_vectorizers(run, self.config["tfidf"])
        self.ratio, self.coef, self.intercept = weights["ratio"], weights["coef"], weights["intercept"]

    def features(self, texts: list[str]):
        """The texts' n-gram features (sparse, one row per text): a row without any read nothing the model knows."""
        return text_features(self.char, self.word, texts, plain_morphemes(texts))

    def probabilities(self, X) -> np.ndarray:
        from seqlab.training.logistic import linear_probabilities

        return linear_probabilities(_scaled(X, self.ratio), self.coef, self.intercept)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return self.probabilities(self.features(texts))
