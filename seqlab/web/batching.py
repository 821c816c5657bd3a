"""Dynamic batching for the encoder routes: requests that are in at the same time share one forward pass.

``/api/embed`` and ``/api/similarity`` each ask for one or two short sentences.
:class:`EncoderBatcher` keeps one worker thread per server: whenever it is free it
takes every request waiting at that moment (the encoder gate of
:mod:`seqlab.web.gates` decides how many may be in at once), runs them as one batch
(sorted by length, so there is little padding) through
:meth:`Encoder.embed_records`, and hands each request its own records. Nothing waits
for a batch to fill: a lone request runs at once, and each answer has the numbers it
would have alone (the same ``embed_records`` computes them; tested).

Any error of a batch is given to every request in it; the worker thread itself
never dies of it, and is started again if it ever stops.
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
from collections import defaultdict
from collections.abc import Callable

MAX_BATCH = 32  # texts per forward pass
MAX_TOKENS = 8192  # and tokens, so that a few long texts do not make one huge padded batch


def _load_encoder(model: str):
    from seqlab.vectors.encoder import load_encoder

    return load_encoder(model)


class EncoderBatcher:
    """``embed(model, records)`` from any thread; one worker thread runs the batches.

    Args:
        load: model name -> an object with ``embed_records`` (the shared :class:`Encoder`; tests give their own).
    """

    def __init__(self, max_batch: int = MAX_BATCH, max_tokens: int = MAX_TOKENS,
                 load: Callable[[str], object] = _load_encoder):
        self.max_batch, self.max_tokens, self.load = max_batch, max_tokens, load
        self.batches = 0  # forward passes run
        self.texts = 0  # texts they carried
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def embed(self, model: str, records: list, timeout: float | None = None) -> list:
        """The :class:`EmbeddingRecord` of each TokenRecord (mean-pooled, normalized), computed in a shared batch.

        Raises what the batch raised, or ``TimeoutError`` after ``timeout`` seconds.
        """
        with self._start:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="seqlab-encoder-batcher", daemon=True)
                self._thread.start()
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._jobs.put((model, list(records), future))
        return future.result(timeout)

    def _take(self) -> list:
        """The first waiting job (blocking), then every other one already waiting, up to the batch limits."""
        jobs = [self._jobs.get()]
        texts = len(jobs[0][1])
        tokens = sum(len(r.input_ids) for r in jobs[0][1])
        while texts < self.max_batch and tokens < self.max_tokens:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            jobs.append(job)
            texts += len(job[1])
            tokens += sum(len(r.input_ids) for r in job[1])
        return jobs

    def _run(self, model: str, jobs: list) -> None:
        records = [r for _model, recs, _future in jobs for r in recs]
        order = sorted(range(len(records)), key=lambda i: len(records[i].input_ids))
        done = self.load(model).embed_records([records[i] for i in order], pooling="mean", normalize=True)
        if len(done) != len(records):
            raise RuntimeError(f"the encoder returned {len(done)} records for {len(records)} texts")
        results = [None] * len(records)
        for position, i in enumerate(order):
            results[i] = done[position]
        self.batches += 1
        self.texts += len(records)
        start = 0
        for _model, recs, future in jobs:
            future.set_result(results[start : start + len(recs)])
            start += len(recs)

    def _loop(self) -> None:
        while True:
            jobs = self._take()
            by_model = defaultdict(list)
            for job in jobs:
                by_model[job[0]].append(job)
            for model, group in by_model.items():
                try:
                    self._run(model, group)
                except BaseException as exc:  # noqa: BLE001 - raised again in every request of this batch
                    for *_rest, future in group:
                        if not future.done():
                            future.set_exception(exc)
