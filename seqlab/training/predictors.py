"""Load any trained run directory and predict with it: ``seqlab evaluate`` / ``seqlab predict``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from seqlab.errors import InputError
from seqlab.training.checkpoint import load_json
from seqlab.training.data import load_dataset
from seqlab.training.metrics import Metrics, classification_metrics


def load_predictor(out: str | Path, device: str = "cpu"):
    """The predictor of a classification run (tfidf, lstm/gru/rnn or e5-head)."""
    out = Path(out)
    config = load_json(out / "config.json")
    if config.get("partial"):
        raise InputError(f"{out} holds an unfinished run", "Finish it with: seqlab train ... --out DIR --resume")
    kind = config.get("model")
    if config.get("task") != "classify":
        raise InputError(f"{out} is a {config.get('task')} model, not a classifier",
                         "seqlab predict works on it too; seqlab evaluate scores classifiers.")
    if kind == "tfidf":
        from seqlab.training.tfidf import TfidfPredictor

        return TfidfPredictor(out)
    if kind in ("lstm", "gru", "rnn"):
        from seqlab.training.recurrent import RecurrentPredictor

        return RecurrentPredictor(out, device)
    if kind == "e5-head":
        from seqlab.training.e5_head import E5HeadPredictor

        return E5HeadPredictor(out)
    raise InputError(f"{out} holds an unknown model kind {kind!r}")


def evaluate(out: str | Path, data: str | Path, fmt: str | None = None, text_col: str | None = None,
             label_col: str | None = None) -> tuple[Metrics, dict]:
    """Accuracy, macro-F1 and the confusion matrix of a trained classifier on a labelled file."""
    predictor = load_predictor(out)
    dataset = load_dataset(data, fmt, text_col, label_col, label_names=predictor.labels)
    probs = np.concatenate([predictor.predict_proba(dataset.texts[i : i + 5000])
                            for i in range(0, len(dataset), 5000)])
    return classification_metrics(dataset.labels, probs.argmax(1), predictor.labels), dataset.bad.to_dict()


def predict_texts(out: str | Path, texts: list[str]) -> list[dict]:
    out = Path(out)
    config = load_json(out / "config.json")
    if config.get("task") == "seq2seq":
        from seqlab.training.seq2seq import Seq2SeqPredictor

        return Seq2SeqPredictor(out).predict(texts)
    predictor = load_predictor(out)
    probs = predictor.predict_proba(texts)
    return [{"text": t, "label": predictor.labels[int(p.argmax())], "probability": float(p.max()),
             "probabilities": {name: float(v) for name, v in zip(predictor.labels, p)}} for t, p in zip(texts, probs)]
