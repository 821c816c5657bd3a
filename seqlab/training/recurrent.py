"""Train, load and run the recurrent sentiment classifier (``--model lstm|gru|rnn``)."""

from __future__ import annotations

import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import torch

from seqlab.errors import InputError
from seqlab.training.checkpoint import load_json, load_weights, save_model
from seqlab.training.data import Dataset, split_record
from seqlab.training.loop import TrainConfig, predict, train_classifier
from seqlab.training.models import RecurrentClassifier, RecurrentConfig, initial_embedding
from seqlab.training.prepare import TokenVocab, encode_texts, prepare


def train_recurrent(train: Dataset, val: Dataset, out: Path, model: RecurrentConfig, cfg: TrainConfig,
                    tokenizer: str = "kiwi", min_freq: int = 2, max_length: int = 128, resume: bool = False,
                    on_step=None, on_eval=None, on_phase=None) -> dict:
    """Prepare ids, build the model, run the loop, write the run directory; returns a summary."""
    started = time.perf_counter()
    if on_phase:
        on_phase("tokenizing")
    train_ids, val_ids = prepare(train.texts, val.texts, tokenizer, min_freq=min_freq, max_length=max_length)
    vocab = train_ids.vocab
    model = replace(model, vocab_size=len(vocab.tokens), num_classes=len(train.label_names))
    tokenize_seconds = time.perf_counter() - started
    torch.manual_seed(cfg.seed)
    net = RecurrentClassifier(model)
    with torch.no_grad():
        net.embedding.weight.copy_(torch.from_numpy(initial_embedding(model, vocab.tokens, vocab.source_ids,
                                                                      vocab.tokenizer, cfg.seed)))
    covered = getattr(initial_embedding, "covered", 0)
    if on_phase:
        on_phase("training")
    state, best = train_classifier(net, train_ids, train.labels, val_ids, val.labels, cfg, out, resume, on_step,
                                   on_eval)
    net.load_state_dict(best)
    from seqlab.training.loop import distributed

    if distributed()[0] != 0:
        return {}
    from seqlab.training.metrics import classification_metrics

    probs = predict(net, val_ids, "cpu" if next(net.parameters()).device.type == "cpu" else "cuda")
    metrics = classification_metrics(val.labels, probs.argmax(1), train.label_names)
    config = {"task": "classify", "model": model.cell, "recurrent": model.to_dict(), "train": cfg.to_dict(),
              "tokenizer": tokenizer, "min_freq": min_freq, "max_length": max_length, "labels": train.label_names,
              "data": split_record(train, val)}
    summary = {"model": model.cell, "val": metrics.to_dict(), "best_step": state.best_step, "steps": state.step,
               "stopped_early": state.stopped, "train_seconds": state.elapsed, "tokenize_seconds": tokenize_seconds,
               "seen_digest": state.seen_digest,
               "seconds": time.perf_counter() - started, "parameters": sum(p.numel() for p in net.parameters()),
               "embedding_rows_initialized": covered, "history": state.history}
    save_model(out, net, config, vocab.to_dict(), summary)
    from seqlab.training.curves import plot_curves

    plot_curves(state.history, out / "curves.png", f"{model.cell} · {Path(train.source).name}")
    return summary


class RecurrentPredictor:
    """A trained recurrent classifier loaded from its run directory."""

    def __init__(self, out: Path, device: str = "cpu"):
        self.config = load_json(out / "config.json")
        self.vocab = TokenVocab.from_dict(load_json(out / "vocab.json"))
        rc = RecurrentConfig(**self.config["recurrent"])
        self.model = RecurrentClassifier(replace(rc, embedding_init="random"))
        self.model.load_state_dict(load_weights(out / "model.safetensors"))
        self.model.to(device).eval()
        self.device = device
        self.labels = self.config["labels"]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return predict(self.model, encode_texts(texts, self.vocab), self.device)


def recurrent_config_from(options: dict) -> RecurrentConfig:
    fields = set(asdict(RecurrentConfig()))
    unknown = set(options) - fields
    if unknown:
        raise InputError(f"unknown model options {sorted(unknown)}")
    return RecurrentConfig(**options)


def recurrent_for_trace(out: str | Path, text: str, cell: str):
    """The trained recurrent layer (first layer, forward direction) and its real inputs for ``seqlab trace``.

    Returns (scratch layer, model name, tokens, inputs (T, E), description, extra).
    """
    from seqlab.scratch.layers import LAYERS

    out = Path(out)
    predictor = RecurrentPredictor(out)
    kind = predictor.config["recurrent"]["cell"]
    if kind != cell:
        raise InputError(f"{out} holds a trained {kind}, not a {cell}", f"Use: seqlab trace {kind} TEXT --checkpoint {out}")
    encoded = encode_texts([text], predictor.vocab)
    ids = encoded.sequence(0)
    tokens = [predictor.vocab.tokens[i] for i in ids]
    table = predictor.model.embedding.weight.detach().double().numpy()
    rnn = predictor.model.rnn
    import torch

    single = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](
        rnn.input_size, rnn.hidden_size, batch_first=True, bias=rnn.bias)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            if hasattr(single, name):
                getattr(single, name).copy_(getattr(rnn, name))
    layer = LAYERS[kind].from_torch(single)
    probs = predictor.predict_proba([text])[0]
    extra = {"prediction": {"label": predictor.labels[int(probs.argmax())],
                            "probabilities": {n: float(p) for n, p in zip(predictor.labels, probs)}},
             "note": "layer 1, forward direction of the trained model" if rnn.bidirectional or rnn.num_layers > 1
             else "the trained model's recurrent layer"}
    description = f"trained embedding of {out} ({predictor.vocab.tokenizer} tokens)"
    return layer, f"checkpoint {out.name}", tokens, table[ids], description, extra
