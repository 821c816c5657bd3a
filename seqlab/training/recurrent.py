"""Train, load and run the recurrent sentiment classifier (``--model lstm|gru|rnn``)."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from seqlab.errors import InputError
from seqlab.i18n import N_, _
from seqlab.ids.vocab import Vocabulary
from seqlab.training.data import Dataset, split_record
from seqlab.training.kinds import CELLS
from seqlab.training.launch import launched
from seqlab.training.loop import TrainConfig, distributed, predict, train_classifier
from seqlab.training.metrics import classification_metrics
from seqlab.training.networks import RecurrentClassifier, RecurrentConfig, initial_embedding, with_embed_dim
from seqlab.training.prepare import encode_texts, full_split, prepare
from seqlab.training.rundir import RunDir
from seqlab.training.word2vec_init import Word2VecInit, word2vec_embedding

EMBEDDING = "embedding.json"  # what the word2vec vectors covered and took: a resumed run reports the same


def train_recurrent(train: Dataset, val: Dataset, out: Path, model: RecurrentConfig, cfg: TrainConfig,
                    tokenizer: str = "kiwi", min_freq: int = 2, max_length: int = 128, resume: bool = False,
                    vocab: Vocabulary | None = None, on_step=None, on_eval=None, on_phase=None) -> dict:
    """Prepare ids, build the model, run the loop, write the run directory; returns a summary.

    ``vocab`` (e.g. from ``seqlab vocab build``) replaces the vocabulary built from the training texts.
    """
    started = time.perf_counter()
    if on_phase:
        on_phase(N_("tokenizing"))
    train_ids, val_ids = prepare(train.texts, val.texts, tokenizer, min_freq=min_freq, max_length=max_length,
                                 vocab=vocab)
    vocab = train_ids.vocab
    model = replace(with_embed_dim(model), vocab_size=len(vocab), num_classes=len(train.label_names))
    tokenize_seconds = time.perf_counter() - started
    if launched()[1] > 1:  # torchrun: one thread per process (recorded as used)
        cfg = replace(cfg, threads=1)
    threads = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    try:
        torch.manual_seed(cfg.seed)
        net = RecurrentClassifier(model)
        matrix, covered = initial_embedding(model, vocab, cfg.seed)
        run = RunDir(out)
        if model.embedding_init == "word2vec" and resume and (out / EMBEDDING).is_file():
            # the checkpoint holds the embedding the word2vec vectors started; its record says what they covered
            earlier = run.read_json(EMBEDDING)
            covered, embed_seconds = earlier["rows_initialized"], earlier["seconds"]
        elif model.embedding_init == "word2vec" and not resume:  # a resume's checkpoint holds the embedding
            if on_phase:
                on_phase(N_("word2vec on the training texts"))
            w2v = Word2VecInit()
            matrix, covered = word2vec_embedding(train_ids, model.embed_dim, cfg.seed, w2v, matrix=matrix)
            embed_seconds = time.perf_counter() - started - tokenize_seconds
            out.mkdir(parents=True, exist_ok=True)
            run.write_json(EMBEDDING, {"init": "word2vec", "rows_initialized": covered, "seconds": embed_seconds,
                                       "threads": w2v.workers})
        else:
            embed_seconds = time.perf_counter() - started - tokenize_seconds
        with torch.no_grad():
            net.embedding.weight.copy_(torch.from_numpy(matrix))
        if on_phase:
            on_phase(N_("training"))
        state, best = train_classifier(net, train_ids, train.labels, val_ids, val.labels, cfg, out, resume,
                                       on_step, on_eval)
        net.load_state_dict(best)
    finally:
        torch.set_num_threads(threads)
    if distributed()[0] != 0:
        return {}
    probs = predict(net, val_ids, "cpu" if next(net.parameters()).device.type == "cpu" else "cuda")
    metrics = classification_metrics(val.labels, probs.argmax(1), train.label_names)
    config = {"task": "classify", "model": model.cell, "recurrent": model.to_dict(), "train": cfg.to_dict(),
              "tokenizer": tokenizer, "min_freq": min_freq, "max_length": max_length, "labels": train.label_names,
              "data": split_record(train, val)}
    truncated = {"max_length": max_length, "texts": train_ids.cut_texts + val_ids.cut_texts,
                 "tokens_dropped": train_ids.cut_tokens + val_ids.cut_tokens,
                 "train_texts": train_ids.cut_texts, "val_texts": val_ids.cut_texts}  # evaluate's keys, and the split
    summary = {"model": model.cell, "val": metrics.to_dict(), "truncated": truncated,
               "best_step": state.best_step, "steps": state.step,
               "stopped_early": state.stopped, "train_seconds": state.elapsed, "tokenize_seconds": tokenize_seconds,
               "embedding_seconds": embed_seconds,
               "seen_digest": state.seen_digest,
               "seconds": time.perf_counter() - started + state.earlier,  # a resumed run counts its earlier training
               "parameters": sum(p.numel() for p in net.parameters()),
               "embedding_rows_initialized": covered, "history": state.history}
    run.write_model(net)
    run.write_vocab(vocab)
    run.write_val_probabilities(probs)
    run.write_json("metrics.json", summary)
    run.write_json("config.json", config)  # last: a complete config marks a finished run
    return summary


class RecurrentPredictor:
    """A trained recurrent classifier loaded from its run directory."""

    def __init__(self, out: Path, device: str = "cpu"):
        run = RunDir(out)
        self.config = run.finished("classify", CELLS)
        self.vocab = run.read_vocab()
        rc = RecurrentConfig(**self.config["recurrent"])
        self.model = RecurrentClassifier(replace(rc, embedding_init="random"))
        self.model.load_state_dict(run.read_tensors())
        self.model.to(device).eval()
        self.device = device
        self.labels = self.config["labels"]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return predict(self.model, encode_texts(texts, self.vocab), self.device)

    def dropped(self, texts: list[str]) -> tuple[int, list[int]]:
        """(max_length, tokens cut from each text): the model reads at most max_length tokens of a text."""
        limit = self.vocab.meta["max_length"]
        return limit, [max(0, len(t) - limit) for t in full_split(texts, self.vocab.meta["tokenizer"])]


def recurrent_for_trace(out: str | Path, text: str, cell: str, predictor=None, lock=None):
    """The trained recurrent layer (first layer, forward direction) and its real inputs for ``seqlab trace``.

    ``predictor``: the run's, when the caller keeps one (the web app's, read once), used under ``lock``; else it is
    read from ``out``.

    Returns (scratch layer, model name, tokens, inputs (T, E), description, extra, cut): ``cut`` is
    ``{"dropped": n, "max_length": m}`` when the model reads only the text's first ``m`` tokens (else empty).
    """
    import contextlib

    from seqlab.scratch.layers import LAYERS
    from seqlab.scratch.torch_layout import param_names

    out = Path(out)
    if not isinstance(predictor, RecurrentPredictor):
        predictor, lock = RecurrentPredictor(out), None  # read here (a run of another kind is refused in words)
    kind = predictor.config["recurrent"]["cell"]
    if kind != cell:
        raise InputError(_("{out} holds a trained {kind}, not a {cell}").format(out=out, kind=kind, cell=cell),
                         _("Trace it as a {kind}: cell=\"{kind}\".").format(kind=kind),
                         cli_hint=_("Use: seqlab trace {kind} TEXT --checkpoint {out}").format(kind=kind, out=out),
                         page_hint=_("Choose the {kind} cell: the checkpoint holds a trained {kind}.").format(kind=kind))
    encoded = encode_texts([text], predictor.vocab)
    ids = encoded.sequence(0)
    tokens = predictor.vocab.decode(ids)
    table = predictor.model.embedding.weight.detach().double().numpy()
    rnn = predictor.model.rnn
    params = {name: getattr(rnn, name).detach().double().numpy() for name in param_names(0, 0, rnn.bias)}
    layer = LAYERS[kind](rnn.input_size, rnn.hidden_size, bias=rnn.bias, params=params)
    with lock or contextlib.nullcontext():
        probs = predictor.predict_proba([text])[0]
    extra = {"prediction": {"label": predictor.labels[int(probs.argmax())],
                            "probabilities": {n: float(p) for n, p in zip(predictor.labels, probs)}},
             "note": "layer 1, forward direction of the trained model" if rnn.bidirectional or rnn.num_layers > 1
             else "the trained model's recurrent layer",
             "bidirectional": rnn.bidirectional, "layers": rnn.num_layers}
    description = f"trained embedding of {out} ({predictor.vocab.meta['tokenizer']} tokens)"
    cut = {"dropped": encoded.cut_tokens, "max_length": predictor.vocab.meta["max_length"]} if encoded.cut_tokens else {}
    return layer, f"checkpoint {out.name}", tokens, table[ids], description, extra, cut
