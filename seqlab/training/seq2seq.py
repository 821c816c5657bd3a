"""Seq2Seq on real text (PyTorch): a character encoder–decoder trained on any pairs file.

The demonstration task is Korean spacing restoration: the source is a review
with its spaces removed, the target the review as written; characters are the
tokens, one vocabulary for both sides. The models are in
:mod:`seqlab.training.seq2seq_models` (hard monotonic attention by default,
Bahdanau's additive attention as the alternative).

Decoding is greedy and constrained: each step may only emit the next source
character or a space (never two spaces, never at either end), so the output keeps
the input's characters and its word boundaries can be scored exactly. The
default loss trains the same decision the decoder makes: a cross-entropy over
those two candidates' logits (``loss="constrained"``); ``loss="full"`` is the
textbook cross-entropy over the whole vocabulary at every step. The held-out
pairs are also spaced by Kiwi's ``space()``, as the reference a user would pick.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from seqlab.errors import InputError, check_choice, check_number
from seqlab.i18n import N_, _
from seqlab.ids.vocab import Vocabulary
from seqlab.limits import SEED_MAX
from seqlab.scratch.torch_layout import kept_random_state
from seqlab.training.checkpoint import has_state, load_state, save_state
from seqlab.training.loop import RESUME_FREE, check_same_settings, pairs_fingerprint, say_resumed
from seqlab.training.rundir import RunDir
from seqlab.training.seq2seq_models import MODELS
from seqlab.training.spacing import read_pairs, spacing_scores

# the shared Vocabulary puts <pad>, <unk>, <bos>, <eos> first: ids 0, 1, 2, 3
PAD, UNK, BOS, EOS = 0, 1, 2, 3
CELLS = ("lstm", "gru")  # the encoder's and the decoder's cell
ATTENTIONS = tuple(MODELS)
LOSSES = ("constrained", "full")
# each number's range and whether it is whole, as train's RANGES: epochs=0 would write a finished untrained model
RANGES = {"embed": (2, 2048, True), "hidden": (1, 2048, True), "epochs": (1, 100, True), "batch_size": (1, 4096, True),
          "lr": (1e-8, 1.0, False), "warmup": (0, None, True), "max_chars": (2, 10_000, True),
          "max_pairs": (1, None, True), "val_pairs": (1, None, True), "checkpoint_every": (1, None, True),
          "seed": (0, SEED_MAX, True), "threads": (1, 1024, True)}
#: the evaluation's two phases, which count held-out texts (not training steps)
EVALUATING, KIWI_SPACING = N_("evaluating: the model spaces the held-out texts"), N_("evaluating: Kiwi spaces them")


@dataclass
class Seq2SeqConfig:
    cell: str = "lstm"  # lstm or gru, in the encoder and the decoder
    attention: str = "monotonic"  # monotonic (hard, at the aligned source position) or additive (Bahdanau)
    loss: str = "constrained"  # constrained: over {space, next source character}; full: over the whole vocabulary
    embed: int = 64  # character embedding width
    hidden: int = 128  # encoder size per direction, and the decoder's size
    epochs: int = 2
    batch_size: int = 64  # pairs per step; a batch holds sources of one length
    lr: float = 3e-3  # AdamW peak learning rate
    warmup: int = 200  # steps of linear warm-up, then linear decay to 2 %
    max_chars: int = 60  # longer pairs are skipped
    max_pairs: int | None = None  # training pairs used after the validation split (None: all)
    val_pairs: int = 1000  # held out for the scores (at most a tenth of the pairs)
    checkpoint_every: int = 100  # steps between resumable checkpoints
    seed: int = 13
    device: str = "auto"
    threads: int = 1  # PyTorch CPU threads: for a model this small one is fastest, and robust on a busy machine

    def to_dict(self) -> dict:
        return asdict(self)


def seq2seq_config(**overrides) -> Seq2SeqConfig:
    """The default settings with every override that is not None applied."""
    return replace(Seq2SeqConfig(), **{k: v for k, v in overrides.items() if v is not None})


def check_config(cfg: Seq2SeqConfig) -> Seq2SeqConfig:
    """Every setting of ``cfg`` checked (an :class:`InputError` naming it), its choices as they are spelled: a loss
    "ful" trained the constrained loss and wrote "ful" in the summary."""
    for name, (low, high, whole) in RANGES.items():
        check_number(name, getattr(cfg, name), low, high, whole)
    return replace(cfg, cell=check_choice("cell", cfg.cell, CELLS),
                   attention=check_choice("attention", cfg.attention, ATTENTIONS),
                   loss=check_choice("loss", cfg.loss, LOSSES))


def char_vocab(texts: list[str]) -> Vocabulary:
    """Every character of the texts, most frequent first, after the special tokens; the space always."""
    return Vocabulary.build([[" "], *(list(t) for t in texts)], meta={"tokenizer": "char"})


@dataclass
class Example:
    """One pair under teacher forcing: what the decoder reads and must emit at every step j."""

    src: list[int]  # source character ids (S)
    prev: list[int]  # y_(j-1): <bos>, then the target shifted by one (T)
    pos: list[int]  # p_j: the source position of the next character to copy (S at the <eos> step)
    gold: list[int]  # y_j: the target characters, then <eos> (T)


def make_example(vocab: Vocabulary, source: str, target: str) -> Example:
    src = vocab.encode(list(source))
    gold = [*vocab.encode(list(target)), EOS]
    prev, pos, p = [BOS], [], 0
    for ch in [*target, None]:
        pos.append(p)
        if ch is not None and ch != " ":
            p += 1
    return Example(src, (prev + gold)[: len(gold)], pos, gold)


def bucketed_batches(examples: list[Example], batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Batches of equal source length (the bidirectional encoder then sees no padding), in random order."""
    by_length: dict[int, list[int]] = {}
    for i, ex in enumerate(examples):
        by_length.setdefault(len(ex.src), []).append(i)
    batches = []
    for length in sorted(by_length):
        idx = np.array(by_length[length])
        rng.shuffle(idx)
        batches += [idx[k : k + batch_size] for k in range(0, len(idx), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def _tensors(rows: list[Example], device):
    """src (B, S); prev, pos, gold (B, T), padded at the end (gold with <pad>, which the loss ignores)."""
    width = max(len(r.gold) for r in rows)
    src = torch.tensor([r.src for r in rows], device=device)
    prev, pos, gold = (torch.full((len(rows), width), PAD, dtype=torch.long) for _i in range(3))
    for i, r in enumerate(rows):
        n = len(r.gold)
        prev[i, :n], pos[i, :n], gold[i, :n] = torch.tensor(r.prev), torch.tensor(r.pos), torch.tensor(r.gold)
    return src, prev.to(device), pos.to(device), gold.to(device)


def seq2seq_loss(out: nn.Linear, features, src, prev, pos, gold, space: int, kind: str):
    """Cross-entropy over the whole vocabulary (``full``) or over the constrained decoder's two choices.

    ``constrained``: wherever the decoder really chooses (0 < p_j < S, the previous output not a space),
    the two candidates are the space and the next source character src[p_j]; the loss is the
    cross-entropy of the gold one between those two logits, each computed alone (a row of the output
    layer times the features) instead of all V logits.
    """
    if kind == "full":
        logits = out(features)  # (B, T, V)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), gold.reshape(-1), ignore_index=PAD)
    S = src.shape[1]
    rows = torch.arange(src.shape[0], device=src.device)[:, None]
    nxt = src[rows, pos.clamp(max=S - 1)]  # (B, T)
    chooses = (gold != PAD) & (pos > 0) & (pos < S) & (prev != space)
    f, n = features[chooses], nxt[chooses]  # (N, F), (N,)
    space_logit = f @ out.weight[space] + out.bias[space]
    next_logit = (f * out.weight[n]).sum(-1) + out.bias[n]
    pair = torch.stack([space_logit, next_logit], dim=-1)  # (N, 2)
    return nn.functional.cross_entropy(pair, (gold[chooses] != space).long())


@torch.no_grad()
def decode_one(model, vocab: Vocabulary, text: str, device, constrained: bool = True) -> tuple[str, list]:
    """Greedy decoding of one text, step by step as the lecture writes it: the output and each step's attention.

    At step j the decoder reads y_(j-1) and the source position p_j and scores every output; the best allowed one is
    taken. Constrained, the allowed ones are the next source character src[p_j] (<eos> past the end) and, inside the
    text after no space, a space. :func:`decode` is this decoder for a batch at once (tested equal).
    """
    model.eval()
    if not text:
        return "", []
    space, S = vocab.stoi[" "], len(text)
    src = torch.tensor([vocab.encode(list(text))], device=device)
    memory = model.encode(src)
    state, prev, p, out, attention = memory["state"], BOS, 0, [], []
    for _j in range(2 * S + 2):
        logits, state, alpha = model.step(torch.tensor([prev], device=device), torch.tensor([min(p, S - 1)], device=device),
                                          state, memory)
        logits = logits[0]
        if constrained:
            nxt = int(src[0, p]) if p < S else EOS
            pick = space if 0 < p < S and prev != space and logits[space] > logits[nxt] else nxt
        else:
            pick = int(logits.argmax())
        if pick == EOS:
            break
        if pick == space:
            out.append(" ")
        else:  # the source's character (an unknown one survives), or the vocabulary's (nothing for <pad> <unk> <bos>)
            out.append(text[p] if constrained else "" if pick in (PAD, UNK, BOS) else vocab.tokens[pick])
        attention.append(alpha[0].cpu().numpy())
        p += pick != space
        prev = pick
    return "".join(out), attention


@torch.no_grad()
def decode(model, vocab: Vocabulary, texts: list[str], device, constrained: bool = True,
           keep_attention: bool = False, progress=None) -> list[tuple[str, list]]:
    """Greedy decoding, batched by source length; constrained: the next source character or a space.
    ``progress(texts decoded, texts)`` before the first batch and after each.

    :func:`decode_one` for many texts: each step decides for the whole batch at once, and the characters are put
    together after the last step (benchmarks/bench_seq2seq_decode.py times both). Sources of different lengths are
    decoded in separate batches (the bidirectional encoder sees no padding), so many lengths mean many small batches.

    >>> import torch; from seqlab.training.seq2seq_models import MonotonicSeq2Seq
    >>> vocab = char_vocab(["좋은영화"]); _ = torch.manual_seed(0)
    >>> [text.replace(" ", "") for text, _attention in decode(MonotonicSeq2Seq(len(vocab), 8, 8), vocab, ["좋은영화"], "cpu")]
    ['좋은영화']
    """
    model.eval()
    space = vocab.stoi[" "]
    results: list = [None] * len(texts)
    groups: dict[int, list[int]] = {}
    for i, t in enumerate(texts):
        groups.setdefault(len(t), []).append(i)
    decoded = 0
    for length, idx in groups.items():
        if progress:
            progress(decoded, len(texts))
        decoded += len(idx)
        if length == 0:
            for i in idx:
                results[i] = ("", [])
            continue
        src = torch.tensor([vocab.encode(list(texts[i])) for i in idx], device=device)
        memory = model.encode(src)
        state, B = memory["state"], len(idx)
        rows = torch.arange(B, device=device)
        prev = torch.full((B,), BOS, dtype=torch.long, device=device)
        pos = torch.zeros(B, dtype=torch.long, device=device)
        done = torch.zeros(B, dtype=torch.bool, device=device)
        steps = []  # per step: (what each text emits, -1 for nothing; the source position it copies; attention)
        for _j in range(2 * length + 2):
            logits, state, alpha = model.step(prev, pos.clamp(max=length - 1), state, memory)
            if constrained:
                # the next source character (<eos> past the end), or a space inside the text after no space
                nxt = torch.where(pos < length, src[rows, pos.clamp(max=length - 1)], EOS)
                may_space = (pos > 0) & (pos < length) & (prev != space)
                pick = torch.where(may_space & (logits[:, space] > logits[rows, nxt]), space, nxt)
            else:
                pick = logits.argmax(1)
            done |= pick == EOS
            emits = ~done
            steps.append((torch.where(emits, pick, -1).tolist(), pos.tolist(),
                          alpha.cpu().numpy() if keep_attention else None))
            pos += emits & (pick != space)
            prev = torch.where(emits, pick, prev)
            if bool(done.all()):
                break
        for b, i in enumerate(idx):
            out, attn = [], []
            for picks, where, alpha in steps:
                pick = picks[b]
                if pick < 0:
                    continue
                if pick == space:
                    out.append(" ")
                elif constrained:
                    out.append(texts[i][where[b]])  # copied from the source: unknown characters survive
                else:
                    out.append(vocab.tokens[pick] if pick not in (PAD, UNK, BOS) else "")
                if keep_attention:
                    attn.append(alpha[b])
            results[i] = ("".join(out), attn)
    if progress:
        progress(decoded, len(texts))
    return results


def _split(pairs: list[tuple[str, str]], cfg: Seq2SeqConfig):
    """A seeded validation split (at most a tenth of the pairs), then at most ``max_pairs`` for training."""
    order = np.random.default_rng(cfg.seed).permutation(len(pairs))
    n_val = min(cfg.val_pairs, max(1, len(pairs) // 10))
    end = None if cfg.max_pairs is None else n_val + cfg.max_pairs
    return [pairs[i] for i in order[n_val:end]], [pairs[i] for i in order[:n_val]]


def build_model(cfg: Seq2SeqConfig, vocab_size: int):
    if cfg.attention not in MODELS:
        raise InputError(_("unknown attention {name}").format(name=cfg.attention), _("Use monotonic or additive."))
    return MODELS[cfg.attention](vocab_size, cfg.embed, cfg.hidden, cfg.cell)


def train_seq2seq(data: Path, out: Path, cfg: Seq2SeqConfig | None = None, resume: bool = False,
                  on_step=None, on_phase=None, progress=None) -> dict:
    """Train on a pairs file, score on the held-out pairs (against Kiwi's ``space()``), write the run directory.

    Resumable like the classifiers: the batches of epoch ``e`` come from ``default_rng([seed, e])``,
    the learning rate is a function of the step, and ``state/`` is saved every ``checkpoint_every``
    steps, so a run killed with kill -9 and resumed ends with the same weights, bit for bit.

    Args:
        on_step: ``on_step({"step", "total", "epoch", "loss"})`` after each training step.
        on_phase: called with the name of each phase (training, then the two evaluation phases).
        progress: ``progress(texts done, texts)`` in each evaluation phase (the held-out texts spaced by the model,
            then by Kiwi).
    """
    cfg = check_config(cfg or Seq2SeqConfig())
    threads = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    try:
        with kept_random_state():  # the caller's torch generators are left as they were
            return _train(data, out, cfg, resume, on_step, on_phase, progress)
    finally:
        torch.set_num_threads(threads)


def _train(data: Path, out: Path, cfg: Seq2SeqConfig, resume: bool, on_step, on_phase, progress) -> dict:
    from seqlab.vectors.encoder import pick_device

    started = time.perf_counter()
    device = pick_device(cfg.device)
    skipped_lines: dict[str, list[int]] = {}
    pairs, skipped = read_pairs(Path(data), cfg.max_chars, skipped_lines)
    train, val = _split(pairs, cfg)
    if not train:
        raise InputError(_("{data} has too few pairs ({n}) to train on").format(data=data, n=len(pairs)),
                         _("Give at least 2 pairs."))
    vocab = char_vocab([t for _s, t in train] + [s for s, _t in train])
    examples = [make_example(vocab, s, t) for s, t in train]
    torch.manual_seed(cfg.seed)
    model = build_model(cfg, len(vocab)).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    steps_per_epoch = len(bucketed_batches(examples, cfg.batch_size, np.random.default_rng(0)))
    total = steps_per_epoch * cfg.epochs
    # what defines the result (where and how it runs may change on a resume): a resume must keep it
    settings = {"seq2seq": {k: v for k, v in cfg.to_dict().items() if k not in RESUME_FREE},
                "data": pairs_fingerprint(train, val)}  # a changed pairs file is refused on a resume, as a classifier's
    record = {"step": 0, "history": [], "epoch_loss": 0.0, "seen": 0, "elapsed": 0.0, "settings": settings}
    if resume:
        if not has_state(out):
            raise InputError(_("nothing to resume in {out}").format(out=out),
                             _("Start without resume=True, or give the folder of an earlier run."),
                             cli_hint=_("Start without --resume, or give the folder of an earlier run."))
        record = load_state(out, model, opt, check=lambda saved: check_same_settings(out, saved.get("settings"),
                                                                                      settings))
        record.setdefault("settings", settings)  # a checkpoint from before they were kept: from now on they are
        say_resumed(record["step"], total)
    elif has_state(out):
        raise InputError(_("{out} holds an unfinished run").format(out=out),
                         _("Continue it with resume=True, or choose another out folder."),
                         cli_hint=_("Continue it with --resume, or choose another --out."))
    if on_phase:
        on_phase(N_("training"))
    space = vocab.stoi[" "]
    clock = time.perf_counter() - record["elapsed"]
    while record["step"] < total:
        epoch = record["step"] // steps_per_epoch
        plan = bucketed_batches(examples, cfg.batch_size, np.random.default_rng([cfg.seed, epoch]))
        model.train()
        for b in range(record["step"] - epoch * steps_per_epoch, steps_per_epoch):
            rows = [examples[i] for i in plan[b]]
            src, prev, pos, gold = _tensors(rows, device)
            step = record["step"]
            for g in opt.param_groups:  # linear warm-up, then linear decay to 2 %
                g["lr"] = cfg.lr * min(1.0, (step + 1) / max(1, cfg.warmup)) * max(0.02, 1 - step / total)
            features = model(src, prev, pos.clamp(max=src.shape[1] - 1))  # (B, T, F); <eos> reads p = S - 1
            loss = seq2seq_loss(model.out, features, src, prev, pos, gold, space, cfg.loss)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            record["step"] += 1
            record["epoch_loss"] += float(loss.detach()) * len(rows)
            record["seen"] += len(rows)
            if on_step:
                on_step({"step": record["step"], "total": total, "epoch": epoch,
                         "loss": record["epoch_loss"] / record["seen"]})
            end_of_epoch = b == steps_per_epoch - 1
            if end_of_epoch:
                record["history"].append({"epoch": epoch + 1,
                                          "train_loss": record["epoch_loss"] / max(record["seen"], 1)})
                record["epoch_loss"], record["seen"] = 0.0, 0
            if end_of_epoch or record["step"] % cfg.checkpoint_every == 0:
                record["elapsed"] = time.perf_counter() - clock
                save_state(out, model, opt, record)
    train_seconds = time.perf_counter() - clock
    sources, targets = [s for s, _t in val], [t for _s, t in val]
    if on_phase:
        on_phase(EVALUATING)
    ours = [p for p, _a in decode(model, vocab, sources, device, progress=progress)]
    from seqlab.tokens.kiwi import kiwi_instance

    if on_phase:
        on_phase(KIWI_SPACING)
    kiwi = []
    for s in sources:
        if progress:
            progress(len(kiwi), len(sources))  # before each text: the bar starts at 0, as the model's phase
        kiwi.append(kiwi_instance().space(s))
    if progress:
        progress(len(kiwi), len(sources))
    scores = {"seq2seq": spacing_scores(ours, targets), "kiwi_space": spacing_scores(kiwi, targets)}
    summary = {"model": f"seq2seq {cfg.cell}+{cfg.attention} attention", "task": "seq2seq", "cell": cfg.cell,
               "attention": cfg.attention, "batch_size": cfg.batch_size, "epochs": cfg.epochs,
               "loss": cfg.loss, "pairs": len(train), "val_pairs": len(val), "skipped": sum(skipped.values()),
               "skipped_by_reason": skipped, "skipped_lines": skipped_lines, "max_chars": cfg.max_chars,
               "scores": scores,
               "history": record["history"], "steps": record["step"], "train_seconds": train_seconds,
               "seconds": time.perf_counter() - started,
               "parameters": int(sum(p.numel() for p in model.parameters())),
               "examples": [{"source": s, "target": t, "seq2seq": o, "kiwi": k}
                            for s, t, o, k in list(zip(sources, targets, ours, kiwi))[:5]]}
    run = RunDir(out)
    run.write_model(model)
    vocab.save(Path(out) / "vocab.json")
    run.write_json("metrics.json", summary)
    run.write_json("config.json", {"task": "seq2seq", "model": f"{cfg.cell}-{cfg.attention}",
                                   "seq2seq": cfg.to_dict(), "data": str(data)})
    return summary


class Seq2SeqPredictor:
    def __init__(self, out: Path, device: str = "cpu"):
        run = RunDir(out)
        settings = run.finished("seq2seq").get("seq2seq", {})
        if "attention" not in settings or not (Path(out) / "vocab.json").exists():
            raise InputError(_("{out} was trained by an older seqlab whose Seq2Seq layout this one cannot read")
                             .format(out=out), _("Train it again with train_seq2seq."),
                             cli_hint=_("Train it again with: seqlab train --task seq2seq"))
        self.cfg = Seq2SeqConfig(**settings)
        self.vocab = run.read_vocab()
        self.model = build_model(self.cfg, len(self.vocab))
        self.model.load_state_dict(run.read_tensors())
        self.device = device

    def predict(self, texts: list[str], keep_attention: bool = False) -> list[dict]:
        """One record per text: the text, the ``source`` the model reads (the text without its spaces: spacing
        restoration puts them back), the ``output``; ``longer_than_trained`` where the source is longer than the
        ``max_chars`` of the pairs the model learnt from (it was never shown one so long)."""
        sources = [t.replace(" ", "") for t in texts]
        decoded = decode(self.model, self.vocab, sources, self.device, keep_attention=keep_attention)
        return [{"text": t, "source": s, "output": o, "attention_kind": self.cfg.attention,
                 **({"longer_than_trained": self.cfg.max_chars} if len(s) > self.cfg.max_chars else {}),
                 **({"attention": [a.tolist() for a in att]} if keep_attention else {})}
                for t, s, (o, att) in zip(texts, sources, decoded)]
