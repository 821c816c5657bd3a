"""Dynamic batching for the encoder routes: requests that arrive together share one forward pass.

With 30 people on the page, ``/api/embed`` and ``/api/similarity`` each ask for one
or two short sentences. Run one at a time, every request waits for all the
forwards queued before it; on two cores that queue, not the model, makes the
latency. :class:`EncoderBatcher` keeps one worker thread per server: it takes
every request waiting when it becomes free, runs them as one batch (sorted by
length, so there is little padding) through :meth:`Encoder.embed_records`, and
hands each request its own records. Nothing waits for a batch to fill: a lone
request runs at once, so the numbers and the time of a single request are as
before (the same ``embed_records`` computes them).
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
from collections import defaultdict

MAX_BATCH = 32  # texts per forward pass
MAX_TOKENS = 8192  # and tokens, so that a few long texts do not make one huge padded batch


class EncoderBatcher:
    """``embed(model, records)`` from any thread; one worker thread runs the batches."""

    def __init__(self, max_batch: int = MAX_BATCH, max_tokens: int = MAX_TOKENS):
        self.max_batch, self.max_tokens = max_batch, max_tokens
        self.batches = 0  # forward passes run
        self.texts = 0  # texts they carried
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def embed(self, model: str, records: list, timeout: float | None = None) -> list:
        """The :class:`EmbeddingRecord` of each TokenRecord (mean-pooled, normalized), computed in a shared batch."""
        with self._start:
            if self._thread is None:
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

    def _loop(self) -> None:
        from seqlab.vectors.encoder import load_encoder

        while True:
            by_model = defaultdict(list)
            for job in self._take():
                by_model[job[0]].append(job)
            for model, jobs in by_model.items():
                records = [r for _model, recs, _future in jobs for r in recs]
                order = sorted(range(len(records)), key=lambda i: len(records[i].input_ids))
                try:
                    done = load_encoder(model).embed_records([records[i] for i in order], pooling="mean",
                                                             normalize=True)
                except Exception as exc:  # noqa: BLE001 - raised again in every request of this batch
                    for *_rest, future in jobs:
                        future.set_exception(exc)
                    continue
                results = [None] * len(records)
                for position, i in enumerate(order):
                    results[i] = done[position]
                self.batches += 1
                self.texts += len(records)
                start = 0
                for _model, recs, future in jobs:
                    future.set_result(results[start : start + len(recs)])
                    start += len(recs)
