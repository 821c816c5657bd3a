"""Load any trained run directory and predict with it: ``seqlab evaluate`` / ``seqlab predict``."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seqlab.display import Displayable
from seqlab.errors import DamagedFile, InputError, check_path
from seqlab.i18n import _, ngettext
from seqlab.progress import Progress
from seqlab.training.data import load_dataset
from seqlab.training.kinds import CELLS
from seqlab.training.metrics import Metrics, classification_metrics
from seqlab.training.overlap import TrainingOverlap, training_overlap
from seqlab.training.rundir import RunDir


def load_predictor(out: str | Path, device: str = "cpu"):
    """The predictor of a classification run (tfidf, nbsvm, lstm/gru/rnn, e5-head, e5-tune or best), on
    ``device`` (cpu, cuda or auto), checked first for every kind: device="cuda" on a machine without a GPU is
    refused even for tfidf, which would not have used it."""
    from seqlab.vectors.encoder import pick_device

    out = check_path("out", out)
    if device != "cpu":  # device="gpu" was torch's own error, after the run was read (cpu needs no torch: tfidf)
        device = pick_device(device)
    kind = RunDir(out).finished("classify").get("model")
    if kind == "tfidf":
        from seqlab.training.tfidf import TfidfPredictor

        return TfidfPredictor(out)
    if kind in CELLS:
        from seqlab.training.recurrent import RecurrentPredictor

        return RecurrentPredictor(out, device)
    if kind == "nbsvm":
        from seqlab.training.nbsvm import NbsvmPredictor

        return NbsvmPredictor(out)
    if kind == "best":
        from seqlab.training.ensemble import EnsemblePredictor

        return EnsemblePredictor(out, lambda member: load_predictor(member, device))
    if kind == "e5-head":
        from seqlab.training.e5_head import E5HeadPredictor

        return E5HeadPredictor(out)
    if kind == "e5-tune":
        from seqlab.training.e5_tune import E5TunePredictor

        return E5TunePredictor(out, device)
    raise DamagedFile(_("{out} holds an unknown model kind {kind!r}").format(out=out, kind=kind),
                      _("Its config.json was changed, or made by a newer seqlab: train the run again, or restore the "
                        "file."), reason=f"model {kind!r}")


@dataclass(repr=False)  # Displayable's short repr
class Evaluation(Displayable):
    """``seqlab evaluate``: the scores on the usable rows, and the rows that could not be used."""

    run: str
    data: str
    metrics: Metrics
    bad_rows: dict  # {"total", "counts", "example_lines"}
    truncated: dict | None = None  # a recurrent model: see truncation()
    trained_on: bool = False  # the data is the file the model was trained on: the scores are not held out
    label_meanings: dict | None = None  # what each label stands for, as the run recorded it (NSMC: 1 positive)
    seen_in_training: TrainingOverlap | None = None  # rows whose text is also in the training file (None: unknown)

    def to_dict(self) -> dict:
        record = {**self.metrics.to_dict(), "bad_rows": self.bad_rows, "run": self.run, "data": self.data,
                  "trained_on": self.trained_on}
        if self.seen_in_training is not None:
            record["seen_in_training"] = self.seen_in_training.to_dict()
        if self.label_meanings:
            record["label_meanings"] = self.label_meanings
        if self.truncated is not None:
            record["truncated"] = self.truncated
        return record


def evaluate(out: str | Path, data: str | Path, fmt: str | None = None, text_col: str | None = None,
             label_col: str | None = None) -> Evaluation:
    """Accuracy, macro-F1 and the confusion matrix of a trained classifier on a labelled file."""
    out, data = check_path("out", out), check_path("data", data)
    predictor = load_predictor(out)
    recorded = RunDir(out).config.get("data") or {}
    dataset = _run_columns(recorded, data, fmt, predictor.labels) if text_col is None and label_col is None else None
    if dataset is None:
        dataset = load_dataset(data, fmt, text_col, label_col, label_names=predictor.labels)
    chunks, limit, dropped = [], None, []
    for i in range(0, len(dataset), 5000):
        texts = dataset.texts[i : i + 5000]
        chunks.append(predictor.predict_proba(texts))
        if hasattr(predictor, "dropped"):  # from the split predict_proba just made (kept in memory): no second split
            limit, cut = predictor.dropped(texts) or (None, [])
            dropped += cut
    predicted = np.concatenate(chunks).argmax(1)
    metrics = classification_metrics(dataset.labels, predicted, predictor.labels)
    truncated = None if limit is None else truncation(limit, dropped)
    trained_on = _trained_on(recorded, data)
    # the training file itself needs no count; another file may still share some of its rows
    overlap = None if trained_on else training_overlap(recorded, dataset.texts, dataset.labels, predicted,
                                                       predictor.labels)
    return Evaluation(str(out), str(data), metrics, dataset.bad.to_dict(), truncated, trained_on,
                      recorded.get("label_meanings"), overlap)


def _run_columns(recorded: dict, data, fmt: str | None, labels: list[str]):
    """``data`` read by the columns the run was trained with (``--text-col review --label-col sentiment``), when it
    has them, whatever its format (a run trained on a CSV evaluates a JSONL or TSV file with the same columns: the
    other format was read by ``document``, a column the user never named); None when the run used the defaults or
    the file lacks those columns (read as usual then)."""
    from seqlab.training.data import MissingColumn

    read = recorded.get("read_as") or {}
    columns = read.get("text_col"), read.get("label_col")
    if read.get("fmt") == "nsmc" or None in columns or columns == ("document", "label"):
        return None
    try:
        return load_dataset(data, fmt, *columns, label_names=labels)
    except MissingColumn:  # a file without those columns is read as usual; any other problem is said as is
        return None


def _trained_on(recorded: dict, data: str | Path) -> bool:
    """Whether ``data`` is the file a run was trained on: the same bytes (its SHA-256), or, for a run from before that
    record, the same path."""
    from seqlab.storage import sha256_file

    if recorded.get("source_sha256"):
        return sha256_file(data) == recorded["source_sha256"]
    source = Path(recorded.get("source") or "")
    return bool(recorded.get("source")) and source.is_file() and source.resolve() == Path(data).resolve()


def truncation(max_length: int, dropped: list[int]) -> dict:
    """What a model reading at most ``max_length`` tokens did not read: the texts cut, and their tokens left out."""
    return {"max_length": max_length, "texts": sum(1 for d in dropped if d), "tokens_dropped": int(sum(dropped))}


def truncation_text(truncated: dict | None) -> str | None:
    """:func:`truncation`'s record in words (train, evaluate, the notebook), or None when no text was cut."""
    if not truncated or not truncated["texts"]:
        return None
    return ngettext("{texts:,} text was longer than max_length = {max_length} tokens: the model read its first "
                    "{max_length} ({dropped:,} tokens not read)",
                    "{texts:,} texts were longer than max_length = {max_length} tokens: the model read their first "
                    "{max_length} ({dropped:,} tokens not read)", truncated["texts"]).format(
        texts=truncated["texts"], max_length=truncated["max_length"], dropped=truncated["tokens_dropped"])


def predictable_run(out: Path) -> dict:
    """The config of a run that predicts texts (classify or seq2seq), or the error that says why ``out`` is none (no
    run there, or a forecast): checked before any text is read (``predict -f`` of blank lines only checked nothing)."""
    config = RunDir(out).config
    if config.get("task") not in (None, "classify", "seq2seq"):  # a forecast: its predictions are in its own files
        raise InputError(_("{out} holds a {task} run; predict reads texts with a classify or seq2seq run").format(
            out=out, task=config.get("task")),
            _("A forecaster's predictions are in {out}/metrics.json and its plot; give predict_texts the folder of a "
              "classify or seq2seq run.").format(out=out),
            cli_hint=_("A forecaster's predictions are in {out}/metrics.json and its plot; give predict the --out "
                       "folder of seqlab train --task classify or --task seq2seq.").format(out=out))
    return config


def predict_texts(out: str | Path, texts: str | list[str], progress: Progress | None = None) -> list[dict] | dict:
    """One record per text: the label, its probability and every label's (classify), or the output (seq2seq).

    Texts are read in chunks of :data:`PREDICT_CHUNK`, with ``progress(done, total)`` after each.

    Args:
        out: a run folder of ``seqlab train`` (classify or seq2seq).
        texts: one text (one record back) or a list of texts (a list back, in the same order).

    >>> predict_texts("runs/lstm", "최고의 영화")["label"]          # doctest: +SKIP
    '1'
    """
    from seqlab.text.unicode import require_texts
    from seqlab.tokens.base import as_texts

    if isinstance(texts, str):
        return predict_texts(out, [texts], progress)[0]
    texts = require_texts(as_texts(texts))  # a blank text had a label (positive 0.50): refused, as the CLI does
    out = check_path("out", out)
    config = predictable_run(out)
    if config.get("task") == "seq2seq":
        from seqlab.training.seq2seq import Seq2SeqPredictor

        predictor = Seq2SeqPredictor(out)
        return [r for part in _chunks(texts, progress) for r in predictor.predict(part)]
    predictor = kept_predictor(out)
    meanings = config.get("data", {}).get("label_meanings") or {}
    with PREDICTING:  # one kept predictor, one caller at a time (web requests come from several threads)
        return _predict_all(predictor, texts, progress, meanings)


def _predict_all(predictor, texts: list[str], progress, meanings: dict) -> list[dict]:
    results = []
    for part in _chunks(texts, progress):
        if hasattr(predictor, "features"):  # a linear model: its features once, for the answer and what it read
            X = predictor.features(part)
            probs, seen = predictor.probabilities(X), X.getnnz(axis=1).tolist()
        else:
            probs, seen = predictor.predict_proba(part), [None] * len(part)
        cuts = predictor.dropped(part) if hasattr(predictor, "dropped") else None
        limit, dropped = cuts if cuts else (None, [0] * len(part))
        for t, p, cut, found in zip(part, probs, dropped, seen):
            label = predictor.labels[int(p.argmax())]
            result = {"text": t, "label": label, "probability": float(p.max()),
                      "probabilities": {name: float(v) for name, v in zip(predictor.labels, p)}}
            if cut:  # a recurrent model read only the first max_length tokens
                result.update(dropped=cut, max_length=limit)
            if found == 0:  # "😀😀" for tfidf: no n-gram it knows, so the answer is its bias alone (said)
                result["features_seen"] = 0
            if label in meanings:
                result["meaning"] = meanings[label]  # what the label stands for (NSMC: negative or positive)
            results.append(result)
    return results


PREDICTING = threading.Lock()  # one caller at a time of a kept predictor (web requests come from several threads)


def run_stamp(out: Path) -> tuple:
    """Every file of a run folder, an ensemble's ``members/`` too, by path, time and size: a member trained again is
    read again, not served from memory."""
    return tuple(sorted((str(p.relative_to(out)), p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*")
                        if p.is_file()))


def kept_predictor(out: str | Path):
    """The predictor of a finished classification run, loaded once while its files are unchanged (use it under
    :data:`PREDICTING`): /api/predict and a trace of the trained model read the same one."""
    out = check_path("out", out)
    return _kept_predictor(str(out.resolve()), run_stamp(out))


@functools.lru_cache(maxsize=2)
def _kept_predictor(out: str, stamp: tuple):
    """The predictor of a run, kept while the run folder's files are unchanged (``stamp``: names, times, sizes): the
    web app's /api/predict loaded it at every request (6 s for e5-tune). A changed run is loaded afresh."""
    return load_predictor(out)


PREDICT_CHUNK = 2000  # texts per call: a bar moves on a 150,000-line file, and batching stays efficient
PREDICT_BLOCK = 5 * PREDICT_CHUNK  # texts ``seqlab predict -f`` answers before it writes them (it streams its output)


def _chunks(texts: list[str], progress: Progress | None):
    """``texts`` in chunks of :data:`PREDICT_CHUNK`, reporting ``progress(done, total)`` at the start and once each
    is done."""
    if progress:
        progress(0, len(texts))
    for start in range(0, len(texts), PREDICT_CHUNK):
        yield texts[start:start + PREDICT_CHUNK]
        if progress:
            progress(min(start + PREDICT_CHUNK, len(texts)), len(texts))


def seq2seq_attention(out: str | Path, text: str) -> dict:
    """A trained Seq2Seq's decoding of ``text`` with the attention weights of every output step."""
    from seqlab.training.seq2seq import Seq2SeqPredictor

    (result,) = Seq2SeqPredictor(check_path("out", out)).predict([text], keep_attention=True)
    return result
