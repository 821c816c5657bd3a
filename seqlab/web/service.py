"""What each API route computes: one library call per route, plus the server's own settings.

Routes in :mod:`seqlab.web.app` parse the request, call one of these methods and
send back what it returns: a record's ``to_dict()``, sometimes with what the page
shows beside it (the shape explained, a heatmap's numbers). Everything here is
shared by concurrent requests: the library caches loaded models process-wide and
guards the few shared switches (attention mode, seeded initialization) with locks.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from seqlab.errors import InputError, ModelUnavailable
from seqlab.i18n import _
from seqlab.pretrained.registry import DEFAULT_MODEL, EMBEDDED, describe, resolve
from seqlab.text.unicode import clean_surrogates

SAMPLE = "안녕하세요, 오늘 날씨가 정말 좋네요"
MAX_TRACE_TOKENS = 256  # per /api/trace request: the backward keeps a (4H x H) matrix per step


@dataclass
class ServeConfig:
    """How ``seqlab serve`` was started."""

    host: str = "127.0.0.1"  # another host must be asked for explicitly
    port: int = 8000
    allow_models: tuple[str, ...] = ()  # hub ids or directories allowed besides the registry
    checkpoint: Path | None = None  # a trained classifier for the prediction panel
    timeout_s: float = 20.0  # per request
    max_body: int = 256 * 1024  # bytes; larger bodies get 413
    wordvec_korean: int = 30_000  # vocabulary of the analogy panel (wordfreq words)
    wordvec_english: int = 20_000


@dataclass
class Service:
    config: ServeConfig
    _wordvectors: object = None
    _wordvec_error: str | None = None
    _wordvec_thread: threading.Thread | None = field(default=None, repr=False)

    # -- models --------------------------------------------------------------------------------
    def preload(self) -> None:
        """Load the default tokenizer, Kiwi and the default encoder once, before serving."""
        import transformers  # noqa: F401  the lazy module resolves its attributes on first use
        from transformers import AutoModel, AutoTokenizer  # noqa: F401

        from seqlab.pretrained.loading import load_tokenizer
        from seqlab.vectors.encoder import load_encoder

        load_tokenizer(DEFAULT_MODEL)
        load_tokenizer("kiwi").encode("준비")
        load_encoder(DEFAULT_MODEL)

    def allowed(self) -> list[str]:
        return [*EMBEDDED, *self.config.allow_models]

    def model(self, name: str | None, vectors: bool = False) -> str:
        """A model name from the registry or the allowlist; nothing else (no paths from the browser)."""
        name = name or DEFAULT_MODEL
        if name not in self.allowed():
            raise ModelUnavailable(_("model {name!r} is not offered by this server").format(name=name),
                                   _("Use one of: {choices}.").format(choices=', '.join(self.allowed())))
        if vectors and not resolve(name).has_vectors:
            raise InputError(_("{name} is a tokenizer only; it has no vectors").format(name=name),
                             _("Use e5-small or minilm."))
        return name

    def text(self, text: str) -> str:
        return clean_surrogates(text, "strict")

    def models(self) -> list[dict]:
        """The registry's own description of each model, plus the hub ids or directories allowed at start."""
        extra = [{**resolve(name).describe(), "source": "allowed at start"} for name in self.config.allow_models]
        return describe() + extra

    # -- stages --------------------------------------------------------------------------------
    def tokenize(self, text: str, model: str | None) -> dict:
        from seqlab.pretrained.loading import load_tokenizer

        text = self.text(text)
        record = load_tokenizer(self.model(model)).encode(text).to_dict()
        kiwi = load_tokenizer("kiwi").encode(text)
        record["morphemes"] = [{"token": t, "start": s, "end": e} for t, (s, e) in zip(kiwi.tokens, kiwi.offsets)]
        return record

    def embed(self, text: str, model: str | None, preview: int, full: bool) -> dict:
        from seqlab.vectors.encoder import load_encoder

        record = load_encoder(self.model(model, vectors=True)).embed(self.text(text), pooling="mean", normalize=True)
        out = record.to_dict(full=full, preview=preview)
        from seqlab.render.vectors import shape_lines

        out["shape_explained"] = shape_lines(record)
        out["heatmap"] = record.hidden[:, :64].round(4).tolist()  # the first 64 dimensions of every token
        return out

    def similarity(self, a: str, b: str, model: str | None) -> dict:
        from seqlab.vectors.similarity import similarity

        return similarity(self.text(a), self.text(b), self.model(model, vectors=True)).to_dict()

    def attention(self, text: str, model: str | None) -> dict:
        from seqlab.vectors.encoder import load_encoder

        enc = load_encoder(self.model(model, vectors=True))
        record = enc.tokenizer.encode(self.text(text))
        if len(record.tokens) > 128:
            raise InputError(_("{n} tokens: the attention view takes at most 128").format(n=len(record.tokens)),
                             _("Use a shorter text."))
        weights = enc.attentions(record)  # (layers, heads, T, T)
        return {"model": enc.name, "tokens": record.tokens, "shape": list(weights.shape),
                "attentions": weights.round(4).tolist()}

    # -- word vectors (built once in the background: the first build takes about a minute) -----
    def start_wordvectors(self) -> None:
        if self._wordvec_thread is None:
            self._wordvec_thread = threading.Thread(target=self._build_wordvectors, daemon=True)
            self._wordvec_thread.start()

    def _build_wordvectors(self) -> None:
        from seqlab.vectors.wordvectors import from_model

        try:
            self._wordvectors = from_model(DEFAULT_MODEL, korean=self.config.wordvec_korean,
                                           english=self.config.wordvec_english)
        except Exception as exc:  # noqa: BLE001  reported to the caller of every word-vector route
            self._wordvec_error = f"{type(exc).__name__}: {exc}"

    def wordvectors(self):
        self.start_wordvectors()
        if self._wordvectors is None:
            from seqlab.web.errors import NotReady

            raise NotReady(self._wordvec_error or "the word vectors are being built (about a minute the first time)")
        return self._wordvectors

    def analogy(self, expression: str, k: int) -> dict:
        return self.wordvectors().solve(self.text(expression), k).to_dict()

    def neighbors(self, word: str, k: int) -> dict:
        return self.wordvectors().neighbors(self.text(word), k).to_dict()

    # -- sequence models -----------------------------------------------------------------------
    def trace(self, body) -> dict:
        from seqlab.pipeline.tracing import run_trace

        checkpoint = None
        if body.checkpoint:
            if self.config.checkpoint is None:
                raise InputError(_("this server was started without --checkpoint"),
                                 _("Start it with: seqlab serve --checkpoint DIR"))
            checkpoint = self.config.checkpoint
        text = self.text(body.text)
        if not checkpoint:
            self.model(body.model, vectors=True)
        report = run_trace(body.cell, text, body.model, hidden=body.hidden, input_dim=body.input_dim,
                           seed=body.seed, backward=body.backward, checkpoint=checkpoint, max_tokens=MAX_TRACE_TOKENS)
        return report.to_dict() if body.full else report.to_dict(decimals=6, full_weights=False)

    def gradflow(self, body) -> dict:
        from seqlab.lab.gradflow import gradflow

        return gradflow(list(dict.fromkeys(body.cells)), body.steps, body.hidden, forget_bias=body.forget_bias,
                        seed=body.seed).to_dict()

    def predict(self, text: str) -> dict:
        if self.config.checkpoint is None:
            raise InputError(_("no trained classifier is loaded"),
                             _("Start the server with: seqlab serve --checkpoint DIR"))
        from seqlab.training.predictors import predict_texts
        from seqlab.training.rundir import RunDir

        (result,) = predict_texts(self.config.checkpoint, [self.text(text)])
        cell = None
        kind = RunDir(self.config.checkpoint).config.get("model")
        if kind in ("lstm", "gru", "rnn"):
            from seqlab.pipeline.tracing import run_trace

            cell = run_trace(kind, result["text"], checkpoint=self.config.checkpoint).to_dict(6, full_weights=False)
        return {**result, "trace": cell}
