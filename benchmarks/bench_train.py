"""Training speed: seqlab's loop against a plain hand-written PyTorch loop, and length bucketing vs padding.

    python benchmarks/bench_train.py [--n 30000] [--tokenizer kiwi]

All runs train the same model (the default BiLSTM classifier) on the same
prepared NSMC reviews for one epoch from the same initialization:

1. seqlab's ``train_classifier`` (bucketed batches, progress callback, checkpoints, evaluation excluded);
2. a plain loop written the usual way: the same batches, AdamW, clipping, nothing else;
3. seqlab's loop without bucketing: random batches padded to the longest review;
4. the plain loop with the recurrent layer run the usual way, through ``pack_padded_sequence``
   (the same numbers: seqlab runs it on the padded batch, :mod:`seqlab.training.padded_rnn`);
5. that one layer alone, packed against padded, at 10 to 80 steps.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from unittest.mock import patch

import numpy as np
from common import NSMC, machine


def packed(rnn, x, lengths):
    """The usual torch recipe for variable lengths: pack_padded_sequence -> rnn -> pad_packed_sequence."""
    import torch

    seqs = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    return torch.nn.utils.rnn.pad_packed_sequence(rnn(seqs)[0], batch_first=True, total_length=x.shape[1])[0]


def layer_times(repeats: int = 5) -> None:
    """Forward + backward of the default BiLSTM (200 -> 2x128) on 128 texts, packed against padded, by length."""
    import torch

    from seqlab.training.padded_rnn import run_padded

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(200, 128, batch_first=True, bidirectional=True)
    print("  one BiLSTM layer, 128 texts, forward + backward (a third of the rows 3 steps shorter):")
    for length in (10, 20, 40, 80):
        x = torch.randn(128, length, 200, requires_grad=True)
        lengths = torch.full((128,), length)
        lengths[::3] = max(1, length - 3)
        ms = {}
        for label, run in (("packed", packed), ("padded", run_padded)):
            def once():
                start = time.perf_counter()
                run(lstm, x, lengths).sum().backward()
                return time.perf_counter() - start
            once()  # warm-up
            ms[label] = 1000 * float(np.median([once() for _ in range(repeats)]))
        print(f"    {length:3d} steps: packed {ms['packed']:6.1f} ms, padded {ms['padded']:6.1f} ms, "
              f"{ms['packed'] / ms['padded']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30_000)
    parser.add_argument("--tokenizer", default="kiwi")
    args = parser.parse_args()
    import torch

    from seqlab.training import networks
    from seqlab.training.data import load_dataset, train_val_split
    from seqlab.training.loop import TrainConfig, lr_at, train_classifier
    from seqlab.training.networks import RecurrentClassifier, RecurrentConfig
    from seqlab.training.prepare import bucket_batches, pad_batch, prepare

    data = load_dataset(NSMC)
    data = data.subset(np.arange(args.n))
    train, val = train_val_split(data, 0.01, 13)
    tr, va = prepare(train.texts, val.texts, args.tokenizer)
    cfg_model = RecurrentConfig(vocab_size=len(tr.vocab.tokens), embedding_init="random")
    # the loop's own cost against a plain loop doing the same work: one forward/backward per step (the default
    # adversarial pass, a second forward/backward per step, is a training choice, not loop overhead)
    cfg = TrainConfig(epochs=1, evals_per_epoch=1, checkpoint_every=10_000, adversarial=0.0)

    def fresh():
        torch.manual_seed(cfg.seed)
        return RecurrentClassifier(cfg_model)

    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, bucket in (("seqlab loop (bucketed)", True), ("seqlab loop, padded to max length", False)):
            steps = []
            model = fresh()
            train_classifier(model, tr, train.labels, va, val.labels, replace(cfg, bucket=bucket), Path(tmp) / label,
                             on_step=lambda s: steps.append(time.perf_counter()))
            times[label] = steps[-1] - steps[0]  # first to last step: evaluation and set-up excluded
    batches = bucket_batches(tr.lengths, cfg.batch_size, np.random.default_rng([cfg.seed, 0]))

    def plain_loop() -> float:
        """The plain loop: the same batches, the same optimizer, nothing else; seconds from first to last step."""
        model = fresh()
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
        loss_fn = torch.nn.CrossEntropyLoss()
        stamps = []
        for step, index in enumerate(batches):
            for g in opt.param_groups:
                g["lr"] = lr_at(step, len(batches), cfg.lr, cfg.warmup)
            model.train()
            ids, lengths = pad_batch(tr, index)
            loss = loss_fn(model(ids, lengths), torch.from_numpy(train.labels[index]))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, cfg.clip)
            opt.step()
            stamps.append(time.perf_counter())
        return stamps[-1] - stamps[0]

    times["plain PyTorch loop (same batches)"] = plain_loop()
    with patch.object(networks, "run_padded", packed):  # the same model, its recurrent layer run the usual way
        times["plain loop, packed sequences"] = plain_loop()
    n_steps = len(batches) - 1
    print(f"{machine()} · torch {torch.__version__} ({torch.get_num_threads()} threads) · {len(train):,} reviews, "
          f"{args.tokenizer} tokens, BiLSTM {cfg_model.hidden}, batch {cfg.batch_size}, one epoch ({n_steps} steps timed)")
    base = times["plain PyTorch loop (same batches)"]
    for label, t in times.items():
        print(f"  {label:38} {t:7.1f} s   {t / base:5.2f}x the plain loop")
    print(f"  bucketing speed-up over padding to the max length: "
          f"{times['seqlab loop, padded to max length'] / times['seqlab loop (bucketed)']:.2f}x")
    print(f"  padded batches' speed-up over packed sequences (plain loop): "
          f"{times['plain loop, packed sequences'] / base:.2f}x")
    layer_times()


if __name__ == "__main__":
    main()
