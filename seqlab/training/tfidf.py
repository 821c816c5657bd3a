"""The classical baseline: TF-IDF over character n-grams and Kiwi morphemes -> logistic regression.

A deep model should always be compared with this. Saved without pickle: the
vocabularies as JSON, the IDF weights and the classifier's coefficients as
safetensors; prediction recomputes ``softmax(X @ W.T + b)`` from them, which is
exactly what scikit-learn's ``predict_proba`` does (tested).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import N_, _
from seqlab.training.data import Dataset, split_record
from seqlab.training.metrics import classification_metrics
from seqlab.training.rundir import RunDir

SMALL_DATA = 200  # below this many training texts every feature counts (min_df 1)


@dataclass
class TfidfConfig:
    char_ngrams: tuple[int, int] = (1, 4)  # character n-gram range (within word boundaries)
    word_ngrams: tuple[int, int] = (1, 2)  # n-grams of Kiwi morphemes
    min_df: int = 2  # ignore features seen in fewer documents
    max_features: int = 600_000  # per vectorizer, most frequent first
    C: float = 3.0  # inverse regularization strength of the logistic regression
    max_iter: int = 300

    def to_dict(self) -> dict:
        return asdict(self)


def _morphemes(texts: list[str]) -> list[str]:
    from seqlab.tokens.kiwi import kiwi_instance

    return [" ".join(t.form for t in tokens) for tokens in kiwi_instance().tokenize(texts)]


def _vectorizers(cfg: TfidfConfig):
    from sklearn.feature_extraction.text import TfidfVectorizer

    char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(cfg.char_ngrams), min_df=cfg.min_df,
                           max_features=cfg.max_features, sublinear_tf=True, lowercase=True, dtype=np.float32)
    word = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=tuple(cfg.word_ngrams),
                           min_df=cfg.min_df, max_features=cfg.max_features, sublinear_tf=True, lowercase=True,
                           dtype=np.float32)
    return char, word


def _features(char, word, texts: list[str], morphemes: list[str]):
    from scipy.sparse import hstack

    return hstack([char.transform(texts), word.transform(morphemes)]).tocsr()


def train_tfidf(train: Dataset, val: Dataset, out: Path, cfg: TfidfConfig | None = None, on_phase=None) -> dict:
    cfg = cfg or TfidfConfig()
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    if on_phase:
        on_phase(N_("morphemes (Kiwi)"))
    train_m, val_m = _morphemes(train.texts), _morphemes(val.texts)
    if on_phase:
        on_phase(N_("TF-IDF features"))
    if len(train) < SMALL_DATA:  # a feature seen in two texts is too rare a demand for a handful of texts
        cfg = replace(cfg, min_df=1)
    char, word = _vectorizers(cfg)
    try:
        X = hstack([char.fit_transform(train.texts), word.fit_transform(train_m)]).tocsr()
    except ValueError as exc:  # scikit-learn: "empty vocabulary"
        raise InputError(_("the {n} training texts give no TF-IDF features ({reason})").format(n=len(train), reason=exc),
                         _("Train on more text.")) from None
    if on_phase:
        on_phase(N_("logistic regression"))
    clf = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, solver="liblinear" if len(train.label_names) == 2
                             else "lbfgs")
    clf.fit(X, train.labels)
    Xv = _features(char, word, val.texts, val_m)
    pred = clf.predict(Xv)
    metrics = classification_metrics(val.labels, pred, train.label_names)
    coef = clf.coef_.astype(np.float32)
    intercept = clf.intercept_.astype(np.float32)
    summary = {"model": "tfidf", "val": metrics.to_dict(), "seconds": time.perf_counter() - started,
               "parameters": int(coef.size + intercept.size), "features": int(X.shape[1])}
    run = RunDir(out)
    run.write_tensors({"char_idf": char.idf_.astype(np.float32), "word_idf": word.idf_.astype(np.float32),
                       "coef": coef, "intercept": intercept})
    run.write_json("vocab.json", {"char": {k: int(v) for k, v in char.vocabulary_.items()},
                                  "word": {k: int(v) for k, v in word.vocabulary_.items()}})
    run.write_json("metrics.json", summary)
    run.write_json("config.json", {"task": "classify", "model": "tfidf", "tfidf": cfg.to_dict(),
                                   "labels": train.label_names, "data": split_record(train, val)})
    return summary


class TfidfPredictor:
    """The saved baseline, rebuilt from JSON + safetensors (no pickle)."""

    def __init__(self, out: Path):
        run = RunDir(out)
        self.config = run.config
        self.labels = self.config["labels"]
        cfg = TfidfConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in self.config["tfidf"].items()})
        vocab = run.read_json("vocab.json")
        weights = run.read_tensors(framework="np")
        self.char, self.word = _vectorizers(cfg)
        self.char.vocabulary_, self.word.vocabulary_ = vocab["char"], vocab["word"]
        self.char.idf_, self.word.idf_ = weights["char_idf"], weights["word_idf"]
        self.coef, self.intercept = weights["coef"], weights["intercept"]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        from seqlab.training.logistic import linear_probabilities

        return linear_probabilities(_features(self.char, self.word, texts, _morphemes(texts)), self.coef,
                                    self.intercept)
