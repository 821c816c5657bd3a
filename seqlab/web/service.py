"""What each API route computes: one library call per route, plus the server's own settings and state.

Routes in :mod:`seqlab.web.app` parse the request, call one of these methods and
send back what it returns: a record's ``to_dict()`` with its numbers rounded to the
precision the page shows, sometimes with what the page shows beside it (the shape
explained, a heatmap's numbers, the model's window). Everything here is shared by
concurrent requests: the library caches loaded models process-wide and guards the
few shared switches (attention mode, seeded initialization) with locks.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from seqlab.errors import InputError, ModelUnavailable
from seqlab.i18n import _
from seqlab.pretrained.registry import DEFAULT_MODEL, EMBEDDED, describe, resolve
from seqlab.render.rounding import rounded
from seqlab.render.view_records import DECIMALS, embedding_view, tokens_json, trace_view  # the page and notebooks alike
from seqlab.text.unicode import DEFAULT_FORM, clean_surrogates
from seqlab.training.kinds import CELLS
from seqlab.vectors.encoder import refuse_tokenizer_only
from seqlab.vectors.limits import EXPORT_SECONDS
from seqlab.web.batching import EncoderBatcher
from seqlab.web.errors import NotReady

SAMPLE = "안녕하세요, 오늘 날씨가 정말 좋네요"
SECOND = "오늘은 날씨가 참 맑네요"
MAX_TRACE_TOKENS = 256  # per /api/trace request: the backward keeps a (4H x H) matrix per step
ATTENTION_CACHE = 4  # texts whose attention weights are kept, so that changing layer or head costs nothing


@dataclass
class ServeConfig:
    """How ``seqlab serve`` was started."""

    host: str = "127.0.0.1"  # another host must be asked for explicitly
    port: int = 8000
    allow_models: tuple[str, ...] = ()  # hub ids or directories allowed besides the registry
    checkpoint: Path | None = None  # a trained classifier for the prediction panel
    timeout_s: float = 20.0  # per request
    max_body: int = 256 * 1024  # bytes; larger bodies get 413
    wordvec_korean: int | None = None  # vocabulary of the analogy panel (None: the library's, 30,000 words)
    wordvec_english: int | None = None  # (None: 20,000)
    allow_hosts: tuple[str, ...] = ()  # Host header names answered besides loopback and ``host`` (tests: testserver)
    onnx: bool = True  # the default model's encoder layers in ONNX Runtime (exported in the background at start)
    lang: str | None = None  # the page's language when neither ?lang= nor the page's toggle chose one (`serve --lang`);
    #                          None: the browser's Accept-Language
    torch_threads: int | None = 1  # per operation: concurrent requests already share the cores, and on a busy
    #                                machine two threads per op wait on each other (45 ms -> 0.5-1.9 s per forward)


@dataclass
class EngineState:
    """What runs the default model's encoder layers, as ``/api/models`` says it (``engine``)."""

    model: str
    engine: str = "torch"  # torch, or onnxruntime once the switch is done
    state: str = "off"  # off (seqlab serve --engine torch, or not started), exporting, ready, failed
    error: str | None = None  # why it failed, in the language the server was started in (a child's stderr as it is)

    def failed(self, reason: str) -> None:
        self.state, self.error = "failed", reason

    def to_dict(self) -> dict:
        """The state, with a sentence in the request's language (rendered here, at the request)."""
        note = {"off": _("torch runs the encoder layers (seqlab serve --engine torch, or no export asked for)."),
                "exporting": _("torch runs the encoder layers while they are exported for ONNX Runtime "
                               "(about {seconds} s the first time).").format(seconds=EXPORT_SECONDS),
                "ready": _("ONNX Runtime runs the encoder layers: the same weights, about twice as fast for one "
                           "text."),
                "failed": _("torch runs the encoder layers: ONNX Runtime could not be used (error says why).")}
        return {"model": self.model, "engine": self.engine, "state": self.state, "error": self.error,
                "note": note[self.state]}


@dataclass
class WordVectorBuild:
    """Where the background build of the analogy panel's word vectors stands."""

    state: str = "idle"  # idle, building, ready, failed
    done: int = 0
    total: int | None = None
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    words: int | None = None  # once ready: how many words the vectors hold (fewer than the candidates read)
    source: str | None = None  # once ready: whose word vectors they are ("Kiwi")
    phase_name: str | None = None  # the build's current step (its English name: each request translates it)
    phase_started: float | None = None
    steps: int = 0  # how many steps have begun

    def __call__(self, done: int, total: int) -> None:
        """The build's progress listener: ``done`` of ``total`` in the current step."""
        self.done, self.total = done, total

    def phase(self, name: str, unit: str | None = None) -> None:
        """A new step of the build (:func:`seqlab.progress.new_phase`): its counts start again."""
        self.phase_name, self.phase_started, self.done, self.total = name, time.monotonic(), 0, None
        self.steps += 1

    def to_dict(self) -> dict:
        now = time.monotonic()
        elapsed = ((self.finished or now) - self.started) if self.started else 0.0
        eta = None  # of the current step: the next steps' work is not known yet
        if self.state == "building" and self.total and self.done:
            eta = (now - (self.phase_started or self.started)) / self.done * (self.total - self.done)
        name = self.phase_name
        return {"state": self.state, "done": self.done, "total": self.total, "elapsed_s": round(elapsed, 1),
                "eta_s": None if eta is None else round(eta, 1), "error": self.error, "words": self.words,
                "source": self.source, "step": self.steps or None, "phase": _(name) if name else None}


def word_answer(result) -> dict:
    """A neighbours or analogy result as the API sends it, with ``notes``: what the command says beside its table
    (words built from pieces or cancelling out, Kiwi's reading, one word, fewer results), in the request's language."""
    from seqlab.render.words import word_caveats, word_notes

    return {**rounded(result.to_dict(), DECIMALS), "notes": word_caveats(result) + word_notes(result)}


@dataclass
class Service:
    config: ServeConfig
    build: WordVectorBuild = field(default_factory=WordVectorBuild)
    _wordvectors: object = None
    _wordvec_thread: threading.Thread | None = field(default=None, repr=False)
    build_hint: str | None = None  # the failed build's own remedy, when it was a SeqlabError
    _attention: collections.OrderedDict = field(default_factory=collections.OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    batcher: EncoderBatcher = field(default_factory=EncoderBatcher, repr=False)  # embed and similarity share passes
    engine: EngineState = field(default_factory=lambda: EngineState(DEFAULT_MODEL))  # runs the default model's layers

    # -- models --------------------------------------------------------------------------------
    def preload(self) -> None:
        """Load the default tokenizer, Kiwi and the default encoder once, before serving."""
        import torch
        import transformers  # noqa: F401  the lazy module resolves its attributes on first use
        from transformers import AutoModel, AutoTokenizer  # noqa: F401

        if self.config.torch_threads:
            torch.set_num_threads(self.config.torch_threads)

        from seqlab.pretrained.loading import load_tokenizer
        from seqlab.vectors.encoder import load_encoder

        for name in EMBEDDED:
            tokenizer = load_tokenizer(name)
            tokenizer.encode("준비")
            tokenizer.load_all()  # a server tokenizes everything: the whole vocabulary now, not piece by piece
        load_encoder(DEFAULT_MODEL)

    def allowed(self) -> list[str]:
        return [*EMBEDDED, *self.config.allow_models]

    def model(self, name: str | None, vectors: bool = False) -> str:
        """A model name from the registry or the allowlist; nothing else (no paths from the browser)."""
        name = name or DEFAULT_MODEL
        if name not in self.allowed():
            raise ModelUnavailable(_("model {name!r} is not offered by this server").format(name=name),
                                   _("Use one of: {choices}.").format(choices=', '.join(self.allowed())))
        if vectors:
            refuse_tokenizer_only(resolve(name))  # the library's words, with the page's hint
        return name

    def text(self, text: str) -> str:
        return clean_surrogates(text, "strict")

    def models(self) -> list[dict]:
        """The registry's own description of each model, plus the hub ids or directories allowed at start."""
        extra = [{**resolve(name).describe(), "source": "allowed at start"} for name in self.config.allow_models]
        return describe() + extra

    # -- text and tokens -----------------------------------------------------------------------
    def normalize(self, text: str, form: str) -> dict:
        """Stage 1: what Unicode normalization changes, and every invisible or direction-changing character."""
        from seqlab.pipeline.explain import normalization_step
        from seqlab.render.visible import invisible_characters

        text = self.text(text)
        out = normalization_step(text, form, None).to_dict()
        out["invisible"] = invisible_characters(text)
        out["later_stages"] = DEFAULT_FORM  # the form the page's tokenize, embed and trace read (load_tokenizer's)
        return out

    def tokenize(self, text: str, model: str | None) -> dict:
        """Stage 2-3: the record, Kiwi's morphemes alongside, and what the model's window would cut."""
        from seqlab.pretrained.loading import load_tokenizer
        from seqlab.tokens.record import model_window, truncate

        text = self.text(text)
        name = self.model(model)
        tok = load_tokenizer(name)
        record = tok.encode(text)
        out = record.to_dict()
        out["vocab_size"] = tok.vocab_size
        out["vectors"] = resolve(name).has_vectors
        window = model_window(tok) if out["vectors"] else None  # what /api/embed cuts the text to (window_records)
        out["window"] = None if not window else {"max_length": window, "dropped": truncate(record, window).dropped}
        kiwi = load_tokenizer("kiwi").encode(text)
        unknown = {u.index for u in kiwi.unk}  # marked as in the tokenizer comparison's kiwi row
        out["morphemes"] = [{"token": t, "start": s, "end": e, "unknown": i in unknown, "continuation": c}
                            for i, (t, (s, e), c) in enumerate(zip(kiwi.tokens, kiwi.offsets, kiwi.continuation))]
        return out

    def compare(self, text: str) -> dict:
        """The same text through every embedded tokenizer: tokens, counts and [UNK]s side by side. Each row is cut to the
        first ``view_records.MAX_TOKENS`` (256) tokens drawn as chips (``shown_of`` holds the whole count, ``summary``
        counts the whole text): five rows of 2,000 emoji chips kept the page from answering for a second."""
        from seqlab.pretrained.loading import load_tokenizer
        from seqlab.tokens.comparison import compare_text

        text = self.text(text)
        out = []
        keys = ("tokens", "special_tokens_mask", "continuation", "offsets", "unk", "uncovered", "unit", "shown_of")
        for rec, row in compare_text(text, [load_tokenizer(name) for name in EMBEDDED]):
            record, _notes = tokens_json(rec)  # each field as /api/tokenize sends it, cut for drawing
            out.append({"model": row.model, **{k: record[k] for k in keys if k in record},
                        "summary": rounded(row.to_dict(), 4)})
        return {"text": text, "tokenizers": out}

    # -- vectors -------------------------------------------------------------------------------
    def embed(self, text: str, model: str | None, preview: int, full: bool) -> dict:
        from seqlab.vectors.encoder import window_records

        name = self.model(model, vectors=True)
        (record,) = self.batcher.embed(name, window_records(name, [self.text(text)]), self.config.timeout_s)
        out = embedding_view(record, preview, full)  # every token (the window holds at most 512)
        out.setdefault("engine", "torch")  # said either way: a page or script comparing answers sees which ran
        return out

    def similarity(self, a: str, b: str, model: str | None) -> dict:
        """The library's similarity, its forward pass in the shared batches (web.batching)."""
        from seqlab.vectors.similarity import similarity

        record = similarity(self.text(a), self.text(b), self.model(model, vectors=True),
                            embed=lambda name, records: self.batcher.embed(name, records, self.config.timeout_s))
        return rounded(record.to_dict(), DECIMALS)

    def attention(self, text: str, model: str | None, layer: int, head: int | None) -> dict:
        """One attention matrix (a head, or the mean over a layer's heads); the record is kept for the next ask.

        A text's first ask computes the layers up to the one asked (layer 0, the page's default, is one of e5-small's
        12 layers of work); a later ask for a deeper layer computes them all, so that further changes cost nothing.
        """
        from seqlab.pipeline.attention import attention, check_layer_head
        from seqlab.vectors.encoder import load_encoder

        key = (self.model(model, vectors=True), self.text(text))
        enc = load_encoder(key[0])  # loaded once; a layer or head it lacks is refused before any forward pass
        check_layer_head(enc.name, enc.num_layers, enc.config.num_attention_heads, layer, head)
        with self._lock:
            record = self._attention.get(key)
            if record is not None:
                self._attention.move_to_end(key)
        if record is None or record.computed <= layer < record.layers:  # a layer the model has and the record lacks
            record = attention(key[1], key[0], layers=None if record is not None else layer + 1)
            with self._lock:
                kept = self._attention.get(key)  # two first asks at once: the record with more layers stays
                if kept is None or kept.computed < record.computed:
                    self._attention[key] = record
                while len(self._attention) > ATTENTION_CACHE:
                    self._attention.popitem(last=False)
        return record.to_dict(layer, head, decimals=3)

    def warm_by_hand(self) -> None:
        """Compute the default model's vocabulary PCA (cached on disk) that "by hand" traces need: about a minute
        on a small machine the first time, better spent at start-up than in the first visitor's request."""
        from seqlab.pipeline.tracing import token_inputs

        with contextlib.suppress(Exception):  # the trace request itself will report any problem
            token_inputs("준비", DEFAULT_MODEL, 2)

    # -- ONNX Runtime for the default model (exported once, in the background) ------------------
    def start_onnx(self) -> None:
        """Hand the default model's encoder layers to ONNX Runtime once they are exported (torch answers meanwhile)."""
        if self.config.onnx and self.engine.state == "off":
            self.engine.state = "exporting"
            context = contextvars.copy_context()  # the language it was started in (serve --lang) words its error
            threading.Thread(target=context.run, args=(self._use_onnx,), name="seqlab-onnx", daemon=True).start()

    def _use_onnx(self) -> None:
        from seqlab.errors import SeqlabError
        from seqlab.vectors.encoder import load_encoder

        log = logging.getLogger("uvicorn.error")
        log.info("preparing %s for ONNX Runtime in the background (about %d s the first time)", DEFAULT_MODEL,
                 EXPORT_SECONDS)
        try:
            encoder = load_encoder(DEFAULT_MODEL)
            encoder.use_onnx()
        except SeqlabError as exc:
            self.engine.failed(exc.message)
        except Exception as exc:  # noqa: BLE001  whatever it was, the server goes on with torch and says so
            self.engine.failed(f"{type(exc).__name__}: {exc}")
        else:
            self.engine.engine, self.engine.state = encoder.engine, "ready"
            log.info("%s now runs its encoder layers in ONNX Runtime", DEFAULT_MODEL)
            return
        # serve says it in the user's language (cli/web_cmd.announce_engine): the log keeps it at info, not twice
        log.info("%s stays on torch: %s", DEFAULT_MODEL, self.engine.error)

    # -- word vectors (built once in the background) --------------------------------------------
    def start_wordvectors(self) -> None:
        with self._lock:
            if self._wordvec_thread is None:
                context = contextvars.copy_context()  # the language it was started in (serve --lang) words its error
                self._wordvec_thread = threading.Thread(target=context.run, args=(self._build_wordvectors,),
                                                        daemon=True)
                self._wordvec_thread.start()

    def _build_wordvectors(self) -> None:
        from seqlab.errors import SeqlabError
        from seqlab.vectors.wordvectors import DEFAULT_WORD_VECTORS, from_model

        progress = self.build  # counts and steps (seqlab.progress.new_phase)
        log = logging.getLogger("uvicorn.error")  # the server's own log, on its terminal
        log.info("building the analogy panel's word vectors in the background (about a minute the first time)")
        self.build.state, self.build.started = "building", time.monotonic()
        try:
            # wordvec_korean/english: a smaller vocabulary (tests, small machines); None: the default one
            vectors = from_model(DEFAULT_WORD_VECTORS, progress=progress, korean=self.config.wordvec_korean,
                                 english=self.config.wordvec_english)
            from seqlab.vectors.word_input import SOURCE_SUFFIX

            self._wordvectors = vectors
            self.build.done = self.build.total = self.build.words = len(vectors.words)
            self.build.source = vectors.source.removesuffix(SOURCE_SUFFIX)  # the page says "{name} word vectors"
            self.build.state = "ready"
            log.info("word vectors ready: %s words (%.0f s)", f"{len(vectors.words):,}",
                     time.monotonic() - self.build.started)
        except SeqlabError as exc:  # a cause the user can act on (a model not installed, a full disk), in words
            self.build.error, self.build.state = exc.message, "failed"
            self.build_hint = exc.page_hint or exc.hint  # its own remedy, said instead of "restart the server"
            log.error(_("the word vectors could not be built: {error}").format(error=exc))
        except Exception as exc:
            self.build.error, self.build.state = f"{type(exc).__name__}: {exc}", "failed"
            log.exception("the word vectors could not be built")  # a bug: its traceback, on the server's terminal
        self.build.finished = time.monotonic()

    def wordvector_status(self) -> dict:
        return self.build.to_dict()

    def wordvectors(self):
        self.start_wordvectors()
        if self._wordvectors is not None:
            return self._wordvectors
        status = self.build.to_dict()
        if status["state"] == "failed":
            raise NotReady(_("the word vectors could not be built: {error}").format(error=status["error"]),
                           self.build_hint or _("Restart the server; if it fails again, run: seqlab neighbors 영화"),
                           60, status)
        if status["phase"] and status["total"] and status["eta_s"] is not None and status["eta_s"] >= 1:
            message = _("the word vectors are being built: step {step}, {phase}: {done:,} of {total:,}, about "
                        "{eta:.0f} s left in this step").format(step=status["step"], phase=status["phase"],
                                                                 done=status["done"], total=status["total"],
                                                                 eta=status["eta_s"])
        elif status["phase"]:
            message = _("the word vectors are being built: step {step}, {phase}").format(step=status["step"],
                                                                                       phase=status["phase"])
        else:
            message = _("the word vectors are being built")
        wait = status["eta_s"] if status["eta_s"] is not None else 10
        raise NotReady(message, _("The page enables this panel when they are ready."), wait, status)

    def analogy(self, expression: str, k: int) -> dict:
        from seqlab.vectors.word_input import parse_expression
        from seqlab.vectors.wordvectors import DEFAULT_WORD_VECTORS, refuse_unknown_pieces

        positive, negative = parse_expression(self.text(expression))
        refuse_unknown_pieces([*positive, *negative], DEFAULT_WORD_VECTORS)  # 400 at once, even while the vectors build
        return word_answer(self.wordvectors().solve(self.text(expression), k))

    def neighbors(self, word: str, k: int) -> dict:
        """The nearest words; a word outside the vocabulary is refused as unknown (400), with its pieces."""
        from seqlab.vectors.wordvectors import DEFAULT_WORD_VECTORS, refuse_unknown_pieces

        refuse_unknown_pieces([self.text(word).strip()], DEFAULT_WORD_VECTORS)
        return word_answer(self.wordvectors().neighbors(self.text(word), k))

    # -- sequence models -----------------------------------------------------------------------
    def trace(self, body) -> dict:
        """The trace of the text's first MAX_TRACE_TOKENS tokens (``dropped`` says how many more it has); with
        ``checkpoint``, of the server's trained model, which brings its own model, sizes and weights."""
        from seqlab.pipeline.tracing import run_trace

        text = self.text(body.text)
        record, checkpoint = None, None
        if body.checkpoint:
            if self.config.checkpoint is None:
                raise InputError(_("this server was started without --checkpoint"),
                                 _("Start it with: seqlab serve --checkpoint DIR"))
            checkpoint = self.config.checkpoint
        else:
            from seqlab.pretrained.loading import load_tokenizer
            from seqlab.tokens.record import truncate

            record = truncate(load_tokenizer(self.model(body.model, vectors=True)).encode(text), MAX_TRACE_TOKENS)
        report = run_trace(body.cell, text, body.model, hidden=body.hidden, input_dim=body.input_dim,
                           seed=body.seed, backward=body.backward, checkpoint=checkpoint, record=record,
                           max_tokens=MAX_TRACE_TOKENS)  # a checkpoint's text is cut there too, and said
        decimals = 6 if body.full else DECIMALS
        out = trace_view(report, decimals)  # as notebooks draw it: the backward's norms to 4 significant digits
        if body.full:  # every weight matrix; not the per-step shares of dW_hh (4H x H numbers per step: 25 MB)
            out["weights"] = {k: np.round(v, decimals).tolist() for k, v in report.weights.items()}
            if report.backward is not None:
                for key in ("dW_hh", "dW_ih"):
                    out["backward"][key] = np.round(getattr(report.backward, key), decimals).tolist()
        if report.backward is not None:
            for shown in out["backward"]["steps"]:
                if isinstance(shown["dW_hh"], dict):
                    shown["dW_hh"]["omitted"] = "per-step shares of dW_hh over 64 numbers: seqlab trace --json"
        out["dropped"], out["max_length"] = report.dropped, report.max_length or MAX_TRACE_TOKENS
        out["decimals"] = decimals
        return out

    def gradflow(self, body) -> dict:
        from seqlab.lab.gradflow import gradflow
        from seqlab.render.console import for_page
        from seqlab.render.lab import gradflow_notes

        report = gradflow(body.cells, body.steps, body.hidden, forget_bias=body.forget_bias,
                          seed=body.seed)
        with for_page():  # the command's verdicts, their hint worded for the page's boxes
            verdicts = gradflow_notes(report)
        return {**rounded(report.to_dict(), digits=4), "verdicts": verdicts}  # norms span powers of ten: 4 digits

    def predict(self, text: str) -> dict:
        if self.config.checkpoint is None:
            raise InputError(_("no trained classifier is loaded"),
                             _("Start the server with: seqlab serve --checkpoint DIR"))
        from seqlab.pipeline.tracing import run_trace
        from seqlab.render.view_records import prediction_view
        from seqlab.training.predictors import predict_texts
        from seqlab.training.rundir import RunDir

        (result,) = predict_texts(self.config.checkpoint, [self.text(text)])
        kind = RunDir(self.config.checkpoint).config.get("model")  # a recurrent model's trace goes with it
        cell = run_trace(kind, result["text"], checkpoint=self.config.checkpoint) if kind in CELLS else None
        return prediction_view(result, cell.to_dict(DECIMALS, full_weights=False) if cell else None)
