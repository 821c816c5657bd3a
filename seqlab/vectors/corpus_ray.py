"""The corpus job on Ray Data: shards are embedded in parallel by actors, written in order by the driver.

Each actor loads the model once and embeds one whole shard per call with the
same code as the local engine (:meth:`Encoder.sentence_vectors`), so a shard's
rows come out the same as locally; the driver keeps the manifest, the atomic
shard writes and the resume logic. Needs the optional extra: ``pip install 'seqlab[ray]'``.
"""

from __future__ import annotations

import os

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.vectors.corpus_shards import CorpusJobConfig, embed_shard


class _ShardEmbedder:
    """A Ray Data actor: one loaded model, one shard per call."""

    def __init__(self, config: dict, prefix: str, threads: int):
        import torch

        from seqlab.vectors.encoder import load_encoder

        torch.set_num_threads(threads)
        self.config, self.prefix = CorpusJobConfig(**config), prefix
        self.encoder = load_encoder(self.config.model, "cpu")

    def __call__(self, batch: dict) -> dict:
        vectors = [embed_shard(self.encoder, list(texts), self.config, self.prefix) for texts in batch["texts"]]
        return {"shard": batch["shard"], "vectors": np.array(vectors, dtype=object)}


def ray_embedder(config, prefix: str, workers: int | None):
    """A function embedding a group of shards on Ray, and the group size (one shard per worker)."""
    try:
        import ray
        import ray.data
    except ImportError:
        # the library's engine="ray", the command's --engine ray
        raise InputError(_("engine {engine!r} needs Ray").format(engine="ray"),
                         _("Install it with: pip install 'seqlab[ray]'"), option="engine") from None
    from dataclasses import asdict

    if not ray.is_initialized():
        ray.init(num_cpus=workers or os.cpu_count(), include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
    cpus = int(ray.available_resources().get("CPU", 1))
    workers = max(1, min(workers or cpus, cpus))
    threads = max(1, cpus // workers)
    settings = asdict(config)

    def embed_group(group: list[list[str]]) -> list[np.ndarray]:
        items = [{"shard": i, "texts": texts} for i, texts in enumerate(group)]
        ds = ray.data.from_items(items).map_batches(
            _ShardEmbedder, fn_constructor_args=(settings, prefix, threads), batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(workers, len(group))), num_cpus=threads)
        out: list[np.ndarray | None] = [None] * len(group)
        for row in ds.iter_rows():
            out[int(row["shard"])] = np.asarray(row["vectors"], dtype=np.float32)
        return out  # type: ignore[return-value]

    return embed_group, workers
