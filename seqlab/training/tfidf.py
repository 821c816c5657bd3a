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
    """The ``tfidf`` baseline: character and Kiwi-morpheme n-grams, TF-IDF weighted, into a logistic regression."""

    char_ngrams: tuple[int, int] = (1, 5)  # character n-gram range
    char_analyzer: str = "char"  # char: n-grams across spaces (Korean spacing is loose); char_wb: within words
    word_ngrams: tuple[int, int] = (1, 3)  # n-grams of Kiwi morphemes
    min_df: int = 2  # ignore features seen in fewer documents
    max_features: int = 600_000  # per vectorizer, most frequent first
    C: float = 3.0  # inverse regularization strength of the logistic regression
    max_iter: int = 300

    def to_dict(self) -> dict:
        return asdict(self)


def plain_morphemes(texts: list[str]) -> list[str]:
    """Kiwi morphemes without their tags, space-separated (the split is shared with the recurrent models)."""
    from seqlab.training.prepare import split_tokens

    return [" ".join(t.rsplit("/", 1)[0] for t in tokens) for tokens in split_tokens(texts, "kiwi", 10**9)]


def _vectorizers(cfg: TfidfConfig):
    from sklearn.feature_extraction.text import TfidfVectorizer

    char = TfidfVectorizer(analyzer=cfg.char_analyzer, ngram_range=tuple(cfg.char_ngrams), min_df=cfg.min_df,
                           max_features=cfg.max_features, sublinear_tf=True, lowercase=True, dtype=np.float32)
    word = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=tuple(cfg.word_ngrams),
                           min_df=cfg.min_df, max_features=cfg.max_features, sublinear_tf=True, lowercase=True,
                           dtype=np.float32)
    return char, word


def text_features(char, word, texts: list[str], morphemes: list[str]):
    from scipy.sparse import hstack

    return hstack([char.transform(texts), word.transform(morphemes)]).tocsr()


@dataclass
class Features:
    """Fitted vectorizers and the feature matrices of both splits."""

    char: object  # TfidfVectorizer over characters
    word: object  # TfidfVectorizer over morphemes
    X: object  # (N_train, F) sparse
    Xv: object  # (N_val, F) sparse


_FEATURES_MEMO: dict[tuple, Features] = {}  # the latest fit only: tfidf and nbsvm in one run share it


def fit_features(train: Dataset, val: Dataset, cfg: TfidfConfig, on_phase=None) -> Features:
    """Fit the vectorizers on the training texts and featurize both splits (kept in memory for the next model)."""
    from seqlab.training.prepare import digest

    key = (digest(train.texts), digest(val.texts), repr(cfg))
    if key in _FEATURES_MEMO:
        return _FEATURES_MEMO[key]
    from scipy.sparse import hstack

    if on_phase:
        on_phase(N_("morphemes (Kiwi)"))
    morphemes = plain_morphemes(train.texts + val.texts)
    train_m, val_m = morphemes[: len(train)], morphemes[len(train):]
    if on_phase:
        on_phase(N_("TF-IDF features"))
    char, word = _vectorizers(cfg)
    try:
        X = hstack([char.fit_transform(train.texts), word.fit_transform(train_m)]).tocsr()
    except ValueError as exc:  # scikit-learn: "empty vocabulary"
        raise InputError(_("the {n} training texts give no TF-IDF features ({reason})").format(n=len(train), reason=exc),
                         _("Train on more text.")) from None
    features = Features(char, word, X, text_features(char, word, val.texts, val_m))
    _FEATURES_MEMO.clear()
    _FEATURES_MEMO[key] = features
    return features


def small_data_config(cfg: TfidfConfig, n: int) -> TfidfConfig:
    """A feature seen in two texts is too rare a demand for a handful of texts: min_df 1 below SMALL_DATA."""
    return replace(cfg, min_df=1) if n < SMALL_DATA else cfg


def save_vectorizers(run: RunDir, f: Features, tensors: dict) -> None:
    """The vocabularies as JSON, the IDF weights beside ``tensors`` in model.safetensors."""
    run.write_tensors({"char_idf": f.char.idf_.astype(np.float32), "word_idf": f.word.idf_.astype(np.float32),
                       **tensors})
    run.write_json("vocab.json", {"char": {k: int(v) for k, v in f.char.vocabulary_.items()},
                                  "word": {k: int(v) for k, v in f.word.vocabulary_.items()}})


def load_vectorizers(run: RunDir, saved: dict):
    """(char, word, tensors) of a saved run; ``saved`` is its config's vectorizer settings."""
    saved = {"char_analyzer": "char_wb", **saved}  # runs saved before char_analyzer existed used char_wb
    cfg = TfidfConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in saved.items()})
    vocab = run.read_json("vocab.json")
    weights = run.read_tensors(framework="np")
    char, word = _vectorizers(cfg)
    char.vocabulary_, word.vocabulary_ = vocab["char"], vocab["word"]
    char.idf_, word.idf_ = weights["char_idf"], weights["word_idf"]
    return char, word, weights


def train_tfidf(train: Dataset, val: Dataset, out: Path, cfg: TfidfConfig | None = None, on_phase=None) -> dict:
    """Fit the n-gram features and the logistic regression on ``train``, score ``val``, and write the run to ``out``
    (JSON and safetensors, no pickle). Returns the summary also written to ``metrics.json``; ``on_phase(name)`` is
    called at each phase (features, logistic regression). Its ``seconds`` count the whole of it, as every trainer's
    do (scikit-learn's import too: it was left out, so tfidf looked faster in a comparison)."""
    started = time.perf_counter()
    from sklearn.linear_model import LogisticRegression

    cfg = small_data_config(cfg or TfidfConfig(), len(train))
    f = fit_features(train, val, cfg, on_phase)
    if on_phase:
        on_phase(N_("logistic regression"))
    clf = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, solver="liblinear" if len(train.label_names) == 2
                             else "lbfgs")
    clf.fit(f.X, train.labels)
    probs = clf.predict_proba(f.Xv).astype(np.float32)
    metrics = classification_metrics(val.labels, probs.argmax(1), train.label_names)
    coef = clf.coef_.astype(np.float32)
    intercept = clf.intercept_.astype(np.float32)
    summary = {"model": "tfidf", "val": metrics.to_dict(), "seconds": time.perf_counter() - started,
               "parameters": int(coef.size + intercept.size), "features": int(f.X.shape[1])}
    run = RunDir(out)
    save_vectorizers(run, f, {"coef": coef, "intercept": intercept})
    run.write_val_probabilities(probs)
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
        self.char, self.word, weights = load_vectorizers(run, self.config["tfidf"])
        self.coef, self.intercept = weights["coef"], weights["intercept"]

    def features(self, texts: list[str]):
        """The texts' n-gram features (sparse, one row per text): a row without any read nothing the model knows."""
        return text_features(self.char, self.word, texts, plain_morphemes(texts))

    def probabilities(self, X) -> np.ndarray:
        from seqlab.training.logistic import linear_probabilities

        return linear_probabilities(X, self.coef, self.intercept)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """(len(texts), labels) probabilities, in the order of ``self.labels``."""
        return self.probabilities(self.features(texts))
