"""ids -> vectors with ``AutoModel``: ``last_hidden_state`` of shape ``[batch, seq_len, hidden]``.

Token-level views (``seqlab embed``, ``explain``) run the Hugging Face model
itself, so the numbers shown are ``AutoModel(...).last_hidden_state``. Sentence
vectors for many texts (similarity, search, corpus jobs) run the same weights
through :class:`~seqlab.vectors.packed.PackedEncoder` (no padding work), in
float32 (equal to the HF output) or, with ``precision="bf16"``, in bfloat16
autocast (about 2.5x faster on CPUs with AVX512-BF16/AMX, cosine >= 0.9999).

:meth:`Encoder.use_onnx` hands the token-level forward's encoder layers to ONNX Runtime
(:mod:`seqlab.vectors.onnx_layers`: the same weights, outputs equal to about 3e-6, about twice as
fast for one text on a CPU, 1.2x to 2x in batches); the web server turns it on. Embedding records it computed
say ``"engine": "onnxruntime"`` (records built on them, such as a similarity, do not repeat it).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from seqlab.errors import (
    InputError,
    ModelUnavailable,
    NoVectors,
    UsageError,
    check_choice,
    check_flag,
    check_number,
)
from seqlab.i18n import _
from seqlab.pretrained.install import ensure_obtainable, from_pretrained
from seqlab.pretrained.loading import check_model_directory, load_tokenizer, refuse_run_folder
from seqlab.pretrained.registry import check_role_prefix, e5_prefix, embedded_names, resolve
from seqlab.tokens.base import as_texts
from seqlab.tokens.record import TokenRecord, model_window
from seqlab.vectors.long_texts import check_stride, embed_windows, prefix_tokens
from seqlab.vectors.pooling import METHODS, l2_normalize, pool
from seqlab.vectors.record import EmbeddingRecord

PRECISIONS = ("fp32", "bf16")
DEVICES = ("auto", "cpu", "cuda")  # auto: cuda where a CUDA GPU is seen, else cpu
LONG = ("truncate", "window")  # what embed does with a text longer than the model's window
_lock = threading.Lock()


def default_prefix(model: str | None, role: str) -> str:
    """e5 models are trained with ``"query: "`` and ``"passage: "`` before the text; other models with nothing
    (:func:`seqlab.pretrained.registry.e5_prefix`).

    >>> default_prefix("e5-small", "passage"), default_prefix("minilm", "query")
    ('passage: ', '')
    """
    return e5_prefix(model, role)


def window_records(model: str | None, texts: Sequence[str], prefix: str = "", errors: str = "strict") -> list:
    """The texts tokenized by ``model`` and cut to its window (``model_max_length``, else 512), as ``embed`` does."""
    from seqlab.tokens.record import truncate

    tokenizer = load_tokenizer(resolve(model).name, prefix=prefix)
    limit = model_window(tokenizer)
    return [truncate(r, limit) for r in tokenizer.encode_many(as_texts(texts), errors)]


def check_stride_for(model: str | None, stride: int, prefix: str = "") -> None:
    """:func:`check_stride` for a model named as on the command line, from its tokenizer alone (after
    :func:`check_encoder`, so a model without vectors is said first)."""
    spec = resolve(model)
    check_encoder(spec)
    check_stride(load_tokenizer(spec.name), spec.name, stride, prefix=prefix)


def refuse_tokenizer_only(spec) -> None:
    """NoVectors for a model of the registry that tokenizes only (kiwi, char, whitespace)."""
    if not spec.has_vectors:
        hint = _("Use a transformer model: {names}, a hub id or a directory.").format(names=embedded_names(True))
        if spec.kind == "kiwi":  # its word vectors exist, for another use
            hint += " " + _("(Kiwi's word vectors serve neighbors, analogy and plot.)")
        raise NoVectors(_("{name} is a tokenizer only; it has no sentence or token vectors").format(name=spec.name),
                        hint, page_hint=_("Choose a transformer model: {names}.").format(names=embedded_names(True)))


def check_encoder(spec) -> None:
    """A model that can give vectors here, said in milliseconds, before the seconds of importing torch and
    transformers: a tokenizer-only model (NoVectors) or a hub id neither cached nor reachable is refused."""
    refuse_tokenizer_only(spec)
    folder = Path(spec.name)
    if not spec.embedded and folder.is_dir():
        refuse_run_folder(folder)  # a run of seqlab train is no model either: said as such
    if not spec.embedded and folder.is_dir():
        check_model_directory(folder)  # an empty folder, or one of other files, is no model at all
    if not spec.embedded and folder.is_dir() and not has_model_weights(folder):  # e.g. `seqlab tokenizer train`'s
        raise NoVectors(_("{name} holds a tokenizer only: no model weights (config.json with a model_type, and "
                          "model.safetensors or pytorch_model.bin)").format(name=folder),
                        _("Use the folder with tokenize, compare and vocab (-m {name}); for vectors give a "
                          "transformer model: {names}, a hub id or a folder saved by save_pretrained.")
                        .format(name=folder, names=embedded_names(True)),
                        page_hint=_("It tokenizes only: for vectors choose a transformer model ({names}).").format(
                            names=embedded_names(True)))
    ensure_obtainable(spec, weights=True)


def has_model_weights(folder: Path) -> bool:
    """Whether a local folder holds a model (a config naming its type, and weights), not a tokenizer alone."""
    import json

    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    weights = ("*.safetensors", "pytorch_model*.bin", "*.safetensors.index.json", "pytorch_model.bin.index.json")
    return isinstance(config, dict) and "model_type" in config and any(any(folder.glob(w)) for w in weights)


def pick_device(device: str = "auto") -> str:
    """``device`` (one of :data:`DEVICES`, any case) as torch names it, refused where it cannot run."""
    import torch

    device = check_choice("device", device, DEVICES)
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise InputError(_("device {device!r} was asked for, but no CUDA GPU is available").format(device=device),
                         _("Use device=\"cpu\" or device=\"auto\"."), option="device",
                         cli_hint=_("Use --device cpu or auto."))
    return device


class Encoder:
    """A loaded transformer encoder and its tokenizer.

    >>> enc = load_encoder("e5-small")                         # doctest: +SKIP
    >>> enc.embed("안녕하세요").shape                            # doctest: +SKIP
    [1, 3, 384]
    """

    def __init__(self, name: str, device: str = "cpu"):
        spec = resolve(name)
        check_encoder(spec)
        import torch
        from transformers import AutoModel

        self.name = spec.name
        self.tokenizer = load_tokenizer(spec.name)
        try:
            model = from_pretrained(AutoModel, spec, add_pooling_layer=False)
        except TypeError:  # architectures without a pooler argument
            model = from_pretrained(AutoModel, spec)
        self.device = device
        self.model = model.to(device).eval()
        self.config = model.config
        self.hidden_size = model.config.hidden_size
        self.num_layers = model.config.num_hidden_layers
        self._packed = None
        self._packed_tried = False
        self._attention_lock = threading.Lock()  # builds the eager twin once (_eager_model)
        self._eager = None
        self._onnx = None  # OnnxLayers once use_onnx() has succeeded
        self._torch = torch

    @property
    def engine(self) -> str:
        """What runs the encoder layers of the token-level forward: "torch" or "onnxruntime"."""
        return "torch" if self._onnx is None else "onnxruntime"

    def use_onnx(self) -> None:
        """Run the encoder layers of :meth:`forward_ids` in ONNX Runtime from now on (hidden states of every layer
        and attention weights still come from torch). Exports the layers on first use (15 to 30 s, in a child
        process; cached). Raises :class:`~seqlab.errors.ModelUnavailable` with the reason when it cannot."""
        from seqlab.vectors.onnx_layers import load_layers, unsupported_reason

        reason = unsupported_reason(self.model)
        if reason is not None:
            raise ModelUnavailable(_("{name} cannot run in ONNX Runtime: {reason}").format(name=self.name,
                                                                                        reason=reason),
                                   _("torch runs it instead."))
        self._onnx = load_layers(self.name, self.model)

    def default_prefix(self, role: str) -> str:
        """e5 expects ``"query: "`` or ``"passage: "`` before sentence-level inputs; other models nothing."""
        return default_prefix(self.name, role)

    # ---- token level: the HF model itself -------------------------------------------------
    def forward_ids(self, id_lists: Sequence[Sequence[int]], layers: bool = False, attentions: bool = False,
                    onnx=None):
        """Run the HF model on id lists (right-padded into one batch); returns (output, mask).

        ``onnx``: the ONNX Runtime layers to run (a caller that labels its records reads :attr:`_onnx` once and
        passes it, so that the label and the work agree while another thread switches the engine); default the
        encoder's own.
        """
        torch = self._torch
        T = max(len(ids) for ids in id_lists)
        ids = torch.full((len(id_lists), T), self.tokenizer.pad_id, dtype=torch.long)
        mask = torch.zeros((len(id_lists), T), dtype=torch.long)
        for i, row in enumerate(id_lists):
            ids[i, : len(row)] = torch.as_tensor(row, dtype=torch.long)
            mask[i, : len(row)] = 1
        kwargs = {"input_ids": ids.to(self.device), "attention_mask": mask.to(self.device)}
        if self.tokenizer.has_token_type_ids:
            kwargs["token_type_ids"] = torch.zeros_like(kwargs["input_ids"])
        onnx = self._onnx if onnx is None else onnx
        if onnx is not None and onnx is not TORCH and not layers and not attentions:
            with torch.inference_mode():
                embedded = self.model.embeddings(**{k: v for k, v in kwargs.items() if k != "attention_mask"})
            hidden = onnx.run(embedded.cpu().numpy(), mask.numpy())  # (B, T, H)
            from seqlab.vectors.onnx_layers import OnnxOutput

            return OnnxOutput(torch.from_numpy(hidden)), mask
        if not attentions:
            with torch.inference_mode():
                return self.model(**kwargs, output_hidden_states=layers), mask
        with torch.inference_mode():  # the eager twin: SDPA does not return attention weights
            return self._eager_model()(**kwargs, output_hidden_states=layers, output_attentions=True), mask

    def _eager_model(self):
        """The model again, its attention run eagerly so that it returns its weights, sharing every parameter and
        buffer with :attr:`model` (no second copy of the weights).

        Switching the one model between SDPA and eager raced with the forward passes other threads run on it (the
        web server's embed batches): a padding mask built for SDPA reached the eager kernel, which added it instead
        of masking, and padded texts got wrong vectors with no error.
        """
        with self._attention_lock:
            if self._eager is None:
                import copy

                shared = {id(t): t for t in [*self.model.parameters(), *self.model.buffers()]}
                eager = copy.deepcopy(self.model, shared)  # its own modules and config, the same tensors
                eager.set_attn_implementation("eager")
                self._eager = eager
        return self._eager

    def attentions(self, record: TokenRecord, layers: int | None = None) -> np.ndarray:
        """Attention weights of every head for one text: (layers, heads, T, T), rows sum to 1.

        Args:
            record: the text's tokens (one text: no padding, so no mask).
            layers: compute only the first ``layers`` layers (the model's own layer modules, run in order: the same
                numbers as the full forward's), for a view that shows an early layer; None for all of them.
        """
        if layers is None or layers >= self.num_layers or not self._layer_by_layer():
            output, _unused = self.forward_ids([record.input_ids], attentions=True)
            return np.stack([a[0].float().cpu().numpy() for a in output.attentions])
        torch = self._torch
        ids = torch.as_tensor([record.input_ids], dtype=torch.long, device=self.device)  # (1, T)
        kwargs = {"input_ids": ids}
        if self.tokenizer.has_token_type_ids:
            kwargs["token_type_ids"] = torch.zeros_like(ids)
        weights, model = [], self._eager_model()
        with torch.inference_mode():
            hidden = model.embeddings(**kwargs)  # (1, T, H)
            T, H, heads = ids.shape[1], self.hidden_size, self.config.num_attention_heads
            for layer in model.encoder.layer[:max(layers, 1)]:
                attended, probs = layer.attention(hidden, None)  # probs (1, heads, T, T)
                # transformers' layer internals, not its public API: a change there fails here, by name
                assert probs is not None and tuple(probs.shape) == (1, heads, T, T), "attention weights"
                weights.append(probs[0].float().cpu().numpy())
                hidden = layer.feed_forward_chunk(attended)  # (1, T, H)
                assert tuple(hidden.shape) == (1, T, H), "a layer's output"
        return np.stack(weights)

    def _layer_by_layer(self) -> bool:
        """Whether :meth:`attentions` can stop after a layer: BERT-family encoders, whose layer modules it calls."""
        return (self.config.model_type in ("bert", "roberta", "xlm-roberta") and not self.config.is_decoder
                and hasattr(self.model, "embeddings") and hasattr(self.model, "encoder"))

    def embed_many(self, texts: Sequence[str], prefix: str = "", layers: bool = False, pooling: str | None = None,
                   normalize: bool = False, errors: str = "strict", max_length: int | None = None,
                   long: str = "truncate", stride: int | None = None, batch_size: int = 32) -> list[EmbeddingRecord]:
        """``last_hidden_state`` for each text, with its tokens (one padded batch per ``batch_size`` texts).

        A text longer than the model's window (``max_length``, default the model's own, 512 for
        e5) is cut to it (``long="truncate"``: the record says how many tokens were dropped), or
        read in overlapping windows (``long="window"``): windows start every ``stride`` tokens
        (default half a window), and each token's vector is the mean over the windows that saw it.
        """
        from seqlab.tokens.record import truncate

        check_flag("layers", layers)  # layers="yes" failed deep in transformers
        check_flag("normalize", normalize)
        check_role_prefix(prefix, self.name)  # minilm with prefix="query" read "query: " in silence
        if long not in LONG:
            raise InputError(_("unknown value of long: {long!r}").format(long=long),
                             _("Use one of: {choices}.").format(choices=', '.join(LONG)), option="long")
        limit = max_length or model_window(self.tokenizer)
        tok = self.tokenizer.with_prefix(prefix) if prefix else self.tokenizer
        if long == "window" and stride is not None:  # refused before any text is read, short texts too
            check_stride(self.tokenizer, self.name, stride, limit, prefix)
        elif stride is not None:  # a stride would be ignored: said, not done in silence
            raise UsageError(_("stride is used only with long=\"window\""), _("Pass long=\"window\", or leave "
                                                                         "stride out."), option="stride",
                             cli_hint=_("Add --long window."))
        records = tok.encode_many(as_texts(texts), errors)
        if long == "truncate":
            return self.embed_records([truncate(r, limit) for r in records], layers=layers, pooling=pooling,
                                      normalize=normalize, batch_size=batch_size)
        if layers:
            raise InputError(_("layers and long window do not go together"),
                             _("Use one of them: layers=True or long=\"window\"."), option=("layers", "long"),
                             cli_hint=_("Use one of them."))
        repeated = prefix_tokens(self.tokenizer, prefix)
        onnx = TORCH if self._onnx is None else self._onnx  # read once: every window, and the label, the same

        def forward(ids: list[int]) -> np.ndarray:  # one window's last_hidden_state (T, H)
            output, _unused = self.forward_ids([ids], onnx=onnx)
            return output.last_hidden_state[0].float().cpu().numpy()

        engine = {} if onnx is TORCH else {"engine": "onnxruntime"}
        return [embed_windows(self.name, r, forward, self.hidden_size, limit, stride, pooling, normalize, repeated,
                              engine) if len(r.tokens) > limit else
                self.embed_records([r], pooling=pooling, normalize=normalize)[0] for r in records]

    def embed_records(self, records: Sequence[TokenRecord], layers: bool = False, pooling: str | None = None,
                      normalize: bool = False, batch_size: int = 32) -> list[EmbeddingRecord]:
        """Run the HF model on records this model's tokenizer made, ``batch_size`` at a time; T of each output = its
        token count (padding changes no number: tested)."""
        check_number("batch_size", batch_size, 1, whole=True)
        pooling = None if pooling is None else check_choice("pooling", pooling, METHODS)
        out: list[EmbeddingRecord] = []
        onnx = TORCH if layers or self._onnx is None else self._onnx  # read once: the label says what ran
        engine = {} if onnx is TORCH else {"engine": "onnxruntime"}
        for start in range(0, len(records), batch_size):
            chunk = records[start : start + batch_size]
            output, mask = self.forward_ids([r.input_ids for r in chunk], layers=layers, onnx=onnx)
            hidden = output.last_hidden_state.float().cpu().numpy()  # (B, T, H)
            pooled = pool(hidden, mask.numpy(), pooling) if pooling else None
            if pooled is not None and normalize:
                pooled = l2_normalize(pooled)
            all_layers = (np.stack([h.float().cpu().numpy() for h in output.hidden_states], axis=1)
                          if layers else None)  # (B, L+1, T, H)
            for i, rec in enumerate(chunk):
                n = len(rec.input_ids)
                prefix = rec.extra.get("prefix", "")
                out.append(EmbeddingRecord(
                    self.name, rec, hidden[i, :n], None if all_layers is None else all_layers[i, :, :n],
                    None if pooled is None else pooled[i], pooling, normalize and pooled is not None,
                    ({"prefix": prefix} if prefix else {}) | engine,
                ))
        return out

    def embed(self, text: str, **kwargs) -> EmbeddingRecord:
        return self.embed_many([text], **kwargs)[0]

    # ---- sentence level: packed, many texts -----------------------------------------------
    def _packed_encoder(self):
        if not self._packed_tried:
            self._packed_tried = True
            try:
                from seqlab.vectors.packed import PackedEncoder

                self._packed = PackedEncoder(self.model)
            except ValueError:
                self._packed = None  # an architecture the packed path does not cover: use HF
        return self._packed

    def sentence_vectors(self, texts: Sequence[str], pooling: str = "mean", normalize: bool = True,
                         prefix: str = "", batch_size: int = 64, precision: str = "fp32",
                         progress: Callable[[int], None] | None = None, errors: str = "replace") -> np.ndarray:
        """One vector per text, shape (N, H) float32, in the caller's order.

        Texts are sorted by token length into batches (little attention padding)
        and the result is put back in input order. Inputs longer than the model
        maximum are truncated to it.
        """
        torch = self._torch
        check_number("batch_size", batch_size, 1, whole=True)
        check_flag("normalize", normalize)
        check_role_prefix(prefix, self.name)
        pooling, precision = check_choice("pooling", pooling, METHODS), check_choice("precision", precision, PRECISIONS)
        texts = as_texts(texts)
        out = np.zeros((len(texts), self.hidden_size), dtype=np.float32)
        if not texts:
            return out
        limit = model_window(self.tokenizer)
        tok = self.tokenizer.with_prefix(prefix) if prefix else self.tokenizer
        encoded = tok.batch(texts, padding="none", max_length=limit, errors=errors)
        ids_list, lengths = encoded.input_ids, encoded.lengths
        order = np.argsort(lengths, kind="stable")
        packed = self._packed_encoder()
        autocast = torch.autocast(self.device, dtype=torch.bfloat16, enabled=precision == "bf16")
        with torch.inference_mode(), autocast:
            for start in range(0, len(texts), batch_size):
                idx = order[start : start + batch_size]
                lens = torch.as_tensor(lengths[idx], dtype=torch.long)
                if packed is not None:
                    flat = torch.as_tensor(np.concatenate([ids_list[i] for i in idx]), dtype=torch.long)
                    hidden = packed(flat.to(self.device), lens.to(self.device)).float()
                    vectors = _pool_packed(hidden, lens.to(self.device), pooling)
                else:
                    output, mask = self.forward_ids([ids_list[i] for i in idx])
                    vectors = torch.as_tensor(pool(output.last_hidden_state.float().cpu().numpy(), mask.numpy(),
                                                   pooling))
                out[idx] = vectors.cpu().numpy()
                if progress is not None:
                    progress(len(idx))
        return l2_normalize(out) if normalize else out


TORCH = object()  # forward_ids(onnx=TORCH): torch, whatever the encoder's engine


def _pool_packed(hidden, lengths, pooling: str):
    import torch

    from seqlab.vectors.packed import segment_mean

    if pooling == "mean":
        return segment_mean(hidden, lengths)
    starts = torch.cumsum(lengths, 0) - lengths
    if pooling == "cls":
        return hidden[starts]
    row = torch.repeat_interleave(torch.arange(len(lengths), device=hidden.device), lengths)
    init = hidden.new_full((len(lengths), hidden.shape[1]), float("-inf"))
    return init.scatter_reduce(0, row[:, None].expand_as(hidden), hidden, reduce="amax")


@functools.cache
def _cached(name: str, device: str) -> Encoder:
    return Encoder(name, device)


def load_encoder(name: str | None = None, device: str = "auto") -> Encoder:
    """The shared encoder for ``name`` (loaded once per process)."""
    spec = resolve(name)
    check_encoder(spec)
    device = pick_device(device)
    with _lock:
        return _cached(spec.name, device)
