"""A BERT-family encoder's forward pass in NumPy, read straight from ``model.safetensors``.

``seqlab explain`` and ``seqlab trace`` look at one sentence. Importing torch and
transformers to run it would take most of their start-up (about 3 s on two
cores), so for a model folder with ``config.json`` and ``model.safetensors``
(every embedded model) seqlab computes ``last_hidden_state`` here, with the
model's own float32 weights and the equations of the lecture::

    x   = LayerNorm(E_word[ids] + E_pos[positions] + E_type[0])
    for each layer:
        Q, K, V = x·W_qᵀ + b_q,  x·W_kᵀ + b_k,  x·W_vᵀ + b_v          (split into heads)
        A   = softmax(Q·Kᵀ / √d_head)                                  (one matrix per head)
        x   = LayerNorm(x + concat(A·V)·W_oᵀ + b_o)
        x   = LayerNorm(x + GELU(x·W_1ᵀ + b_1)·W_2ᵀ + b_2)             (exact GELU: x·Φ(x))

It equals ``AutoModel(...).last_hidden_state`` to about 1e-5 in float32 and
1e-10 in float64 (tested on e5-small and MiniLM). Only the rows of the input
embedding matrix that a text uses are read from disk.
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path

import numpy as np

SUPPORTED = ("bert", "roberta", "xlm-roberta")
_lock = threading.Lock()


def readable(directory: str | Path) -> bool:
    """Whether ``directory`` holds an encoder this module runs exactly: a supported config, and float32 or float16
    safetensors with every tensor the forward pass reads (anything else goes to the torch path)."""
    directory = Path(directory)
    try:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        if not (config.get("model_type") in SUPPORTED and config.get("hidden_act") == "gelu"
                and config.get("position_embedding_type", "absolute") == "absolute"
                and not config.get("is_decoder", False)
                and all(isinstance(config.get(k), int) for k in ("hidden_size", "num_hidden_layers",
                                                                 "num_attention_heads"))):
            return False
        from safetensors import safe_open

        with safe_open(str(directory / "model.safetensors"), framework="np") as f:
            keys = set(f.keys())
            prefix = _prefix(keys)
            if prefix is None:
                return False
            needed = [prefix + name for name in _tensor_names(config["num_hidden_layers"])]
            return all(k in keys and f.get_slice(k).get_dtype() in ("F32", "F16") for k in needed)
    except Exception:  # noqa: BLE001 - no file, bad JSON, an unreadable header: not for this path
        return False


def _prefix(keys) -> str | None:
    return next((p for p in ("", "bert.", "roberta.") if f"{p}embeddings.word_embeddings.weight" in keys), None)


def _tensor_names(layers: int) -> list[str]:
    names = ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
             "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"]
    for k in range(layers):
        for part in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                     "intermediate.dense", "output.dense"):
            names += [f"encoder.layer.{k}.{part}.weight", f"encoder.layer.{k}.{part}.bias"]
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            names += [f"encoder.layer.{k}.{norm}.weight", f"encoder.layer.{k}.{norm}.bias"]
    return names


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


class NumpyEncoder:
    """``NumpyEncoder(directory).last_hidden_state(ids)`` -> (T, H) for one text's ids.

    Args:
        directory: a Hugging Face model folder (``config.json``, ``model.safetensors``).
        dtype: ``np.float32`` (the model's own precision) or ``np.float64`` (for checks).
    """

    def __init__(self, directory: str | Path, dtype=np.float32):
        from safetensors import safe_open

        self.directory = Path(directory)
        config = json.loads((self.directory / "config.json").read_text(encoding="utf-8"))
        self.config = config
        self.dtype = dtype
        self.hidden_size = config["hidden_size"]
        self.num_layers = config["num_hidden_layers"]
        self.heads = config["num_attention_heads"]
        self.eps = config.get("layer_norm_eps", 1e-12)  # transformers' defaults where a config leaves them out
        # RoBERTa/XLM-R number positions from padding_idx + 1; BERT from 0
        self.position_offset = config.get("pad_token_id", 1) + 1 if config["model_type"] != "bert" else 0
        self._file = safe_open(str(self.directory / "model.safetensors"), framework="np")
        prefix = _prefix(set(self._file.keys()))
        if prefix is None:
            raise ValueError(f"{directory}: no embeddings.word_embeddings.weight in model.safetensors")
        self._prefix = prefix
        self._weights: dict[str, np.ndarray] = {}

    def _w(self, name: str) -> np.ndarray:
        if name not in self._weights:
            self._weights[name] = self._file.get_tensor(self._prefix + name).astype(self.dtype)
        return self._weights[name]

    def word_rows(self, ids) -> np.ndarray:
        """Rows ``ids`` of the input embedding matrix (the token embeddings), float32 as stored: (T, H)."""
        table = self._file.get_slice(self._prefix + "embeddings.word_embeddings.weight")
        return np.stack([table[i : i + 1][0] for i in ids]) if len(ids) else \
            np.zeros((0, self.hidden_size), dtype=np.float32)

    def last_hidden_state(self, ids) -> np.ndarray:
        """The encoder's output for one text's ids (special tokens included, no padding): (T, H)."""
        ids = [int(i) for i in ids]
        T, H = len(ids), self.hidden_size
        positions = np.arange(T) + self.position_offset
        x = (self.word_rows(ids).astype(self.dtype) + self._w("embeddings.position_embeddings.weight")[positions]
             + self._w("embeddings.token_type_embeddings.weight")[0])
        x = _layer_norm(x, self._w("embeddings.LayerNorm.weight"), self._w("embeddings.LayerNorm.bias"), self.eps)
        d = H // self.heads
        for k in range(self.num_layers):
            p = f"encoder.layer.{k}."

            def linear(v, name, p=p):
                return v @ self._w(p + name + ".weight").T + self._w(p + name + ".bias")

            q, key, v = (linear(x, f"attention.self.{n}").reshape(T, self.heads, d).transpose(1, 0, 2)
                         for n in ("query", "key", "value"))
            attention = _softmax(q @ key.transpose(0, 2, 1) / np.sqrt(d))  # (heads, T, T)
            context = (attention @ v).transpose(1, 0, 2).reshape(T, H)
            x = _layer_norm(x + linear(context, "attention.output.dense"), self._w(p + "attention.output.LayerNorm.weight"),
                            self._w(p + "attention.output.LayerNorm.bias"), self.eps)
            inner = _gelu(linear(x, "intermediate.dense"))
            x = _layer_norm(x + linear(inner, "output.dense"), self._w(p + "output.LayerNorm.weight"),
                            self._w(p + "output.LayerNorm.bias"), self.eps)
        return x

    def embed_record(self, name: str, record, pooling: str = "mean", normalize: bool = True):
        """The :class:`EmbeddingRecord` of one tokenized text, as :meth:`Encoder.embed_records` makes it."""
        from seqlab.vectors.pooling import sentence_vector
        from seqlab.vectors.record import EmbeddingRecord

        hidden = self.last_hidden_state(record.input_ids).astype(np.float32)
        pooled = sentence_vector(hidden, pooling, normalize)
        prefix = record.extra.get("prefix", "")
        return EmbeddingRecord(name, record, hidden, None, pooled, pooling, normalize and pooled is not None,
                               {"prefix": prefix} if prefix else {})


@functools.cache
def _cached(directory: str) -> NumpyEncoder:
    return NumpyEncoder(directory)


def numpy_encoder(model: str | None) -> NumpyEncoder | None:
    """The shared NumPy encoder of a registry name or local folder, or None when it has no readable folder."""
    from seqlab.pretrained.install import hf_directory
    from seqlab.pretrained.registry import resolve

    spec = resolve(model)
    if not spec.has_vectors or not (spec.embedded or Path(spec.name).is_dir()):
        return None
    directory = Path(hf_directory(spec))
    if not readable(directory):
        return None
    with _lock:
        return _cached(str(directory.resolve()))
