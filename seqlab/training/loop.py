"""The training loop: AdamW, gradient clipping, warm-up + linear decay, early stopping, resumable.

Determinism: the batches of epoch ``e`` come from ``default_rng([seed, e])``,
dropout draws from torch's generator, whose state is saved with every
checkpoint, and the learning rate is a pure function of the step. A run
resumed from its last checkpoint (after a kill -9, say) therefore replays the
same batches with the same random draws and ends with the same weights, bit
for bit, as one that was never interrupted. Two fresh runs with one seed are
equal too (tested), with the same number of torch threads: a recurrent model's
default word2vec start is trained on one gensim thread, since two would finish
in an order that varies and so give other vectors each run; a resumed run keeps
the vectors its checkpoint holds.

Data parallel: under ``torchrun`` every process takes its share of each global
batch and DDP sums the gradients, so the samples seen, in order, are those of
a single-process run.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from seqlab.errors import InputError, UsageError
from seqlab.i18n import _, ngettext
from seqlab.training.checkpoint import has_state, load_state, save_state
from seqlab.training.launch import launched
from seqlab.training.prepare import Encoded, bucket_batches, pad_batch
from seqlab.training.rundir import RunDir


@dataclass
class TrainConfig:
    epochs: int = 4  # passes over the training set (early stopping may end sooner; NSMC peaks at 3 to 4)
    batch_size: int = 128  # texts per optimizer step (the global batch under torchrun)
    lr: float = 2e-3  # peak learning rate of AdamW
    weight_decay: float = 0.01  # AdamW decoupled weight decay
    clip: float = 1.0  # max gradient norm
    warmup: float = 0.1  # share of all steps spent warming the learning rate up from 0
    patience: int = 3  # evaluations without a better validation accuracy before stopping
    evals_per_epoch: int = 2  # validation runs per epoch (early stopping granularity)
    checkpoint_every: int = 100  # steps between resumable checkpoints
    bucket: bool = True  # length bucketing (False: pad every batch to max_length)
    seed: int = 13
    device: str = "auto"  # auto, cpu or cuda
    threads: int = 2  # torch CPU threads: two train the default BiLSTM ~1.3x faster than one (one per torchrun process)
    sparse_embedding: bool = True  # sparse gradients for the embedding table (SparseAdam): ~40% faster CPU steps
    adversarial: float = 0.3  # ε of adversarial training on the embeddings (Miyato et al. 2017); 0 turns it off

    def to_dict(self) -> dict:
        return asdict(self)


RESUME_FREE = ("device", "threads", "checkpoint_every")  # settings a resumed run may change: where and how it runs
BEFORE_RECORDED = {"adversarial": 0.0}  # what a checkpoint made before a setting existed was trained with


def run_settings(model, cfg: TrainConfig, data: dict | None = None) -> dict:
    """What defines a run's result: the loop's settings, the network's and its data (a resume must keep them)."""
    config = getattr(model, "config", None)
    return {"train": {k: v for k, v in cfg.to_dict().items() if k not in RESUME_FREE},
            "model": config.to_dict() if hasattr(config, "to_dict") else None,
            **({"data": data} if data is not None else {})}


def data_fingerprint(train: Encoded, y_train: np.ndarray, val: Encoded, y_val: np.ndarray) -> dict:
    """What the model learns from, as numbers: the texts' token ids and labels of both splits, hashed. A resume on a
    changed file (rows removed) went on, or failed on the vocabulary's size, which the user never set."""
    return fingerprint(len(train), len(val), (np.ascontiguousarray(part).tobytes() for part in
                                              (train.flat, train.offsets, y_train, val.flat, val.offsets, y_val)))


def pairs_fingerprint(train: list[tuple[str, str]], val: list[tuple[str, str]]) -> dict:
    """:func:`data_fingerprint` of a Seq2Seq run: its source and target texts, both splits."""
    return fingerprint(len(train), len(val), (f"{s}\t{t}\n".encode() for s, t in [*train, *val]))


def fingerprint(train: int, val: int, parts) -> dict:
    """The sizes of both splits and a SHA-256 over their bytes (``parts``): what a resume compares."""
    import hashlib

    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    digest.update(f"{train}/{val}".encode())  # where train ends and val begins
    return {"train": train, "val": val, "sha256": digest.hexdigest()}


def check_same_settings(out: Path, saved: dict | None, now: dict) -> None:
    """A resume with other settings (--lr, --dropout, --epochs, …) would mix two runs: name the first difference."""
    if saved is None:  # a checkpoint from before settings were recorded
        return
    if "data" in saved and "data" in now and saved["data"] != now["data"]:  # said first: it explains the rest
        then, here = saved["data"], now["data"]
        raise UsageError(_("the data of this resume is not what the run in {out} was trained on: {train:,} training "
                           "and {val:,} validation texts then, {train_now:,} and {val_now:,} now, and their token ids "
                           "or labels differ").format(out=out, train=then["train"], val=then["val"],
                                                      train_now=here["train"], val_now=here["val"]),
                         _("The data file, its vocabulary or the tokenizer changed since the first run: resume "
                           "with those of the first run, or start a new out folder."),
                         cli_hint=_("The data file, its vocabulary or the tokenizer changed since the first run: "
                                    "resume with those of the first run, or start a new --out."))
    for part in sorted((set(saved) | set(now)) - {"data"}):  # train and model (the classifiers), seq2seq
        before, after = saved.get(part) or {}, now.get(part) or {}
        if part == "train" and before:
            before = {**BEFORE_RECORDED, **before}
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                raise UsageError(_("the run in {out} was made with {key} = {before}, and this resume asks for "
                                   "{after}").format(out=out, key=key, before=before.get(key), after=after.get(key)),
                                 _("Resume with the settings of the first run, or start a new out folder."),
                                 cli_hint=_("Resume with the options of the first run, or start a new --out."))


@dataclass
class TrainState:
    step: int = 0
    best_accuracy: float = -1.0
    best_step: int = 0
    bad_evals: int = 0
    stopped: bool = False
    elapsed: float = 0.0
    earlier: float = 0.0  # of ``elapsed``, the training done by earlier processes of a resumed run
    seen_digest: str = ""  # sha256 chain over the global batches' sample indices, in order
    history: list[dict] = field(default_factory=list)
    # since the last evaluation: loss sum, texts, correct (a resumed run's first record covers the same steps)
    running: list = field(default_factory=lambda: [0.0, 0, 0])


class JointOptimizer:
    """Several optimizers stepped as one (SparseAdam for the embedding table, AdamW for the rest).

    ``param_groups`` and ``state_dict`` are those of one optimizer over all the parameters, in order,
    so the learning-rate schedule and the checkpoints treat it like any other.
    """

    def __init__(self, *optimizers: torch.optim.Optimizer):
        self.optimizers = optimizers

    @property
    def param_groups(self) -> list[dict]:
        return [g for o in self.optimizers for g in o.param_groups]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for o in self.optimizers:
            o.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        for o in self.optimizers:
            o.step()

    def _sizes(self) -> list[int]:
        return [sum(len(g["params"]) for g in o.param_groups) for o in self.optimizers]

    def state_dict(self) -> dict:
        state, groups, offset = {}, [], 0
        for o, size in zip(self.optimizers, self._sizes()):
            sd = o.state_dict()
            state.update({k + offset: v for k, v in sd["state"].items()})
            groups += [{**g, "params": [i + offset for i in g["params"]]} for g in sd["param_groups"]]
            offset += size
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, sd: dict) -> None:
        offset, g = 0, 0
        for o, size in zip(self.optimizers, self._sizes()):
            n_groups = len(o.param_groups)
            groups = [{**grp, "params": [i - offset for i in grp["params"]]} for grp in sd["param_groups"][g:g + n_groups]]
            state = {int(k) - offset: v for k, v in sd["state"].items() if offset <= int(k) < offset + size}
            o.load_state_dict({"state": state, "param_groups": groups})
            offset, g = offset + size, g + n_groups


def make_optimizer(model, cfg: TrainConfig, world: int):
    """(optimizer, the parameters whose gradient norm is clipped). With ``cfg.sparse_embedding`` (one
    process), the embedding table gets sparse gradients: a step then touches only the rows of the
    batch's tokens instead of all of them."""
    params = [p for p in model.parameters() if p.requires_grad]
    emb = getattr(model, "embedding", None)
    sparse = (cfg.sparse_embedding and world == 1 and isinstance(emb, torch.nn.Embedding)
              and emb.weight.requires_grad)
    if isinstance(emb, torch.nn.Embedding):
        emb.sparse = sparse
    if not sparse:
        return torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay), params
    dense = [p for p in params if p is not emb.weight]
    return JointOptimizer(torch.optim.SparseAdam([emb.weight], lr=cfg.lr),
                          torch.optim.AdamW(dense, lr=cfg.lr, weight_decay=cfg.weight_decay)), dense


def adversarial_delta(grad: torch.Tensor, lengths: torch.Tensor, epsilon: float) -> torch.Tensor:
    """r_adv = ε · g / ‖g‖₂ for each review (Miyato, Dai & Goodfellow 2017, "Adversarial Training Methods for
    Semi-Supervised Text Classification"): the small change of its embedded tokens (B, L, E) that raises the loss
    most, to first order. ``g`` = ∂loss/∂embeddings; its norm is taken over the review's real tokens.
    """
    mask = (torch.arange(grad.shape[1], device=grad.device)[None, :] < lengths.to(grad.device)[:, None])[..., None]
    g = grad.detach() * mask
    norm = g.flatten(1).norm(dim=1).clamp_min(1e-12)[:, None, None]
    return epsilon * g / norm


def lr_at(step: int, total: int, peak: float, warmup: float) -> float:
    """Linear warm-up to ``peak`` over ``warmup * total`` steps, then linear decay to 0."""
    warm = max(1, int(total * warmup))
    if step < warm:
        return peak * (step + 1) / warm
    return peak * max(0.0, (total - step) / max(1, total - warm))


def distributed() -> tuple[int, int]:
    """(rank, world size); (0, 1) outside torchrun."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def init_distributed(device: str) -> None:
    """Join the process group torchrun describes (gloo on CPU, NCCL on CUDA)."""
    import torch.distributed as dist

    if launched()[1] > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if device == "cuda" else "gloo")
        if device == "cuda":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))


@torch.no_grad()
def predict(model, encoded: Encoded, device: str, batch_size: int = 512) -> np.ndarray:
    """Class probabilities (N, C), in the texts' order."""
    model.eval()
    probs = np.zeros((len(encoded), model.config.num_classes), dtype=np.float32)
    for index in bucket_batches(encoded.lengths, batch_size, None):
        ids, lengths = pad_batch(encoded, index)
        logits = model(ids.to(device), lengths)
        probs[index] = torch.softmax(logits.float(), dim=1).cpu().numpy()
    return probs


def say_resumed(step: int, total: int, stopped: bool = False) -> None:
    """A resume says where it goes on from, or that training had ended (finished, or stopped early: only what
    follows it runs again)."""
    if stopped and step < total:
        said = _("training had stopped early at step {step:,} of {total:,} (patience): nothing is trained again, "
                 "only what follows it runs").format(step=step, total=total)
    else:
        said = (_("resuming at step {step:,} of {total:,}").format(step=step, total=total) if step < total else
                _("training had finished (step {total:,} of {total:,}): nothing is trained again, only what follows "
                  "it runs").format(total=total))
    logging.getLogger("seqlab").info(said)


def say_stopped(state: TrainState, total: int, patience: int) -> None:
    """A run that stopped early says so as it ends, and whose weights its scores are: the progress bar froze at
    "6/12 (50%)" and the table gave step 4's scores without a word (only a resume said it)."""
    logging.getLogger("seqlab").info(ngettext(
        "stopped early at step {step:,} of {total:,}: the validation accuracy did not improve in the last "
        "{patience} evaluation (patience); the weights and scores are those of step {best:,}, the best",
        "stopped early at step {step:,} of {total:,}: the validation accuracy did not improve in the last "
        "{patience} evaluations (patience); the weights and scores are those of step {best:,}, the best",
        patience).format(step=state.step, total=total, patience=patience, best=state.best_step))


def evaluation_steps(steps_per_epoch: int, evals_per_epoch: int, say: bool = True) -> set[int]:
    """The steps of an epoch (1 to ``steps_per_epoch``) after which the validation split is scored, evenly spread.

    An epoch of fewer steps than evaluations asked for is scored after each of its steps, and that is said: step 0
    never comes, so 2 evaluations of a 1-step epoch had been 1 in silence, and patience counted epochs.

    >>> sorted(evaluation_steps(10, 2)), sorted(evaluation_steps(1, 2))
    ([5, 10], [1])
    """
    points = {max(1, round(steps_per_epoch * k / evals_per_epoch)) for k in range(1, evals_per_epoch + 1)}
    if len(points) < evals_per_epoch and say:  # say: False under torchrun but on process 0
        logging.getLogger("seqlab").info(ngettext(
            "{asked} evaluations per epoch asked for, but an epoch has {n} step: the validation split is scored "
            "after it, once per epoch (patience counts these)",
            "{asked} evaluations per epoch asked for, but an epoch has {n} steps: the validation split is scored "
            "after each, {n} times per epoch (patience counts these)", len(points)).format(
            asked=evals_per_epoch, n=len(points)))
    return points


def train_classifier(model, train: Encoded, y_train: np.ndarray, val: Encoded, y_val: np.ndarray,
                     cfg: TrainConfig, out: Path, resume: bool = False,
                     on_step: Callable[[dict], None] | None = None,
                     on_eval: Callable[[dict], None] | None = None) -> tuple[TrainState, dict]:
    """Train ``model`` in place; returns the final state and the best weights (a state dict)."""
    from seqlab.vectors.encoder import pick_device

    device = pick_device(cfg.device)
    init_distributed(device)
    rank, world = distributed()
    torch.manual_seed(cfg.seed)
    model.to(device)
    optimizer, params = make_optimizer(model, cfg, world)
    ddp = model
    if world > 1:
        # buffers are never trained (e5-tune's frozen word table: 96 M numbers), so they are sent once, not every step
        ddp = torch.nn.parallel.DistributedDataParallel(model, forward_sync_buffers=False)
    lengths = train.lengths
    steps_per_epoch = math.ceil(len(train) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    eval_points = evaluation_steps(steps_per_epoch, cfg.evals_per_epoch, say=rank == 0)
    state = TrainState()
    best = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    settings = run_settings(model, cfg, data_fingerprint(train, y_train, val, y_val))
    if resume and has_state(out):
        record = load_state(out, model, optimizer,
                            check=lambda saved: check_same_settings(out, saved.get("settings"), settings))
        state = TrainState(**record["state"])
        state.earlier = state.elapsed
        if rank == 0:
            say_resumed(state.step, total, state.stopped)
        best = {k: v.clone() for k, v in model.state_dict().items()}
        if (out / "model.safetensors").exists():
            best = RunDir(out).read_tensors()
    elif resume:
        raise InputError(_("nothing to resume in {out}").format(out=out),
                         _("Start without resume=True, or give the folder of an earlier run."),
                         cli_hint=_("Start without --resume, or give the folder of an earlier run."))
    started = time.perf_counter() - state.elapsed
    resumed_at = state.step  # 0 for a new run
    running_loss, seen, running_correct = state.running
    texts_done, this_run = 0, time.perf_counter()  # throughput since this process started, as steps/s is counted
    loss_fn = torch.nn.CrossEntropyLoss(reduction="sum")
    while state.step < total and not state.stopped:
        epoch = state.step // steps_per_epoch
        rng = np.random.default_rng([cfg.seed, epoch])
        if cfg.bucket:
            batches = bucket_batches(lengths, cfg.batch_size, rng)
        else:  # the baseline: random batches, each padded to the longest text of the data set
            order = rng.permutation(len(lengths))
            batches = [order[i : i + cfg.batch_size] for i in range(0, len(order), cfg.batch_size)]
            pad_to = int(lengths.max())
        for index in batches[state.step - epoch * steps_per_epoch :]:
            ddp.train()
            for group in optimizer.param_groups:
                group["lr"] = lr_at(state.step, total, cfg.lr, cfg.warmup)
            local, share = index[rank::world], 1.0  # this process's share of the global batch
            if len(local) == 0:  # a last batch of fewer texts than processes: DDP still waits for this backward,
                local, share = index[:1], 0.0  # so it runs one text with a weight of 0 (no gradient, nothing counted)
            state.seen_digest = hashlib.sha256(state.seen_digest.encode() + index.astype(np.int64).tobytes()).hexdigest()
            ids, lens = pad_batch(train, local, None if cfg.bucket else pad_to)
            target = torch.from_numpy(y_train[local]).to(device)
            ids = ids.to(device)
            optimizer.zero_grad(set_to_none=True)
            embedded = [] if cfg.adversarial > 0 else None
            # under DDP, the adversarial step's backward sums both passes' gradients before they are averaged
            with ddp.no_sync() if world > 1 and embedded is not None else contextlib.nullcontext():
                logits = ddp(ids, lens, keep=embedded)
                # sum over local texts / global batch size: DDP's average over processes gives the global mean
                loss = loss_fn(logits, target) * (share * world / len(index))
                loss.backward()
            if embedded is not None:  # the same texts again, each moved ε against its gradient: loss + adversarial loss
                delta = adversarial_delta(embedded[0].grad, lens, cfg.adversarial)
                (loss_fn(ddp(ids, lens, delta=delta), target) * (share * world / len(index))).backward()
            torch.nn.utils.clip_grad_norm_(params, cfg.clip)
            optimizer.step()
            state.step += 1
            seen += int(share) * len(local)
            texts_done += len(index)
            running_loss += float(loss.detach()) * len(index) / world
            running_correct += int(share) * int((logits.argmax(1) == target).sum())
            if on_step and rank == 0:
                now = time.perf_counter()
                on_step({"step": state.step, "total": total, "epoch": epoch, "loss": running_loss / max(seen, 1),
                         "accuracy": running_correct / max(seen, 1), "lr": optimizer.param_groups[0]["lr"],
                         "texts_per_s": texts_done / max(now - this_run, 1e-9)})
            step_in_epoch = state.step - epoch * steps_per_epoch
            if step_in_epoch in eval_points or state.step == total:
                if rank == 0:
                    probs = predict(model, val, device)
                    acc = float((probs.argmax(1) == y_val).mean())
                    val_loss = float(-np.log(np.maximum(probs[np.arange(len(y_val)), y_val], 1e-12)).mean())
                    record = {"step": state.step, "epoch": epoch + step_in_epoch / steps_per_epoch,
                              "train_loss": running_loss / max(seen,
                                                               1), "train_accuracy": running_correct / max(seen, 1),
                              "val_loss": val_loss, "val_accuracy": acc,
                              "elapsed": time.perf_counter() - started}
                    state.history.append(record)
                    if acc > state.best_accuracy:
                        state.best_accuracy, state.best_step, state.bad_evals = acc, state.step, 0
                        best = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
                        RunDir(out).write_model(model)  # the best weights so far, for a resume
                        RunDir(out).write_json("config.json", {"partial": True})
                    else:
                        state.bad_evals += 1
                        # at the last step nothing is left to stop: a run that ends there did not stop early
                        state.stopped = state.bad_evals >= cfg.patience and state.step < total
                    state.elapsed = time.perf_counter() - started
                    state.running = [0.0, 0, 0]  # the record above closed them
                    save_state(out, model, optimizer, {"state": asdict(state), "settings": settings})  # consistent with the best weights
                    if on_eval:
                        on_eval(record)
                seen, running_loss, running_correct = 0, 0.0, 0
                if world > 1:
                    flag = torch.tensor([int(state.stopped)], device=device)
                    torch.distributed.broadcast(flag, 0)
                    state.stopped = bool(flag.item())
            if rank == 0 and state.step % cfg.checkpoint_every == 0:
                state.elapsed = time.perf_counter() - started
                state.running = [running_loss, seen, running_correct]
                save_state(out, model, optimizer, {"state": asdict(state), "settings": settings})
            if state.stopped:
                break
    state.elapsed = time.perf_counter() - started
    if state.stopped and rank == 0 and state.step > resumed_at:  # a resume of a stopped run said it already
        say_stopped(state, total, cfg.patience)
    return state, best
