"""Seq2Seq on real text (PyTorch): GRU/LSTM encoder-decoder with additive attention, on any pairs file.

The demonstration task is Korean spacing restoration: the source is a review
with its spaces removed, the target is the review as written. Characters are
the tokens. Decoding is greedy; with ``constrained=True`` each step may only
emit the next source character or a space, so the output always keeps the
input's characters and its word boundaries can be scored exactly. The same
boundaries are scored for Kiwi's own ``space()`` as a reference.

Architecture: a bidirectional encoder, a decoder initialized from the
encoder's final states, and Bahdanau attention over the encoder outputs (the
attention weights of each step are returned for ``seqlab trace``).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from seqlab.errors import InputError
from seqlab.i18n import N_, _
from seqlab.ids.vocab import Vocabulary
from seqlab.training.checkpoint import has_state, load_state, save_state
from seqlab.training.rundir import RunDir
from seqlab.training.spacing import read_pairs, spacing_scores

# the shared Vocabulary puts <pad>, <unk>, <bos>, <eos> first: ids 0, 1, 2, 3
PAD, UNK, BOS, EOS = 0, 1, 2, 3


@dataclass
class Seq2SeqConfig:
    cell: str = "lstm"  # lstm or gru
    embed: int = 64
    hidden: int = 128
    epochs: int = 6
    batch_size: int = 64
    lr: float = 2e-3
    max_chars: int = 60  # longer pairs are skipped
    max_pairs: int = 30_000  # training pairs used (after the validation split)
    val_pairs: int = 1000  # held out for the scores (at most a tenth of the pairs)
    checkpoint_every: int = 100  # steps between resumable checkpoints
    seed: int = 13
    device: str = "auto"

    def to_dict(self) -> dict:
        return asdict(self)


def seq2seq_config(**overrides) -> Seq2SeqConfig:
    """The default settings with every override that is not None applied."""
    return replace(Seq2SeqConfig(), **{k: v for k, v in overrides.items() if v is not None})


def char_vocab(texts: list[str]) -> Vocabulary:
    """Every character of the texts, most frequent first, after the special tokens."""
    return Vocabulary.build([list(t) for t in texts], meta={"tokenizer": "char"})


def chars_of(vocab: Vocabulary, ids) -> str:
    return "".join(t for t in vocab.decode(ids) if t not in vocab.specials)


class Seq2SeqModel(nn.Module):
    def __init__(self, src_vocab: int, tgt_vocab: int, cfg: Seq2SeqConfig):
        super().__init__()
        rnn = nn.GRU if cfg.cell == "gru" else nn.LSTM
        cell = nn.GRUCell if cfg.cell == "gru" else nn.LSTMCell
        H = cfg.hidden
        self.cfg = cfg
        self.src_embedding = nn.Embedding(src_vocab, cfg.embed, padding_idx=PAD)
        self.tgt_embedding = nn.Embedding(tgt_vocab, cfg.embed, padding_idx=PAD)
        self.encoder = rnn(cfg.embed, H, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * H, H)
        self.W_q = nn.Linear(H, H, bias=False)  # additive attention: v·tanh(W_q s + W_k h)
        self.W_k = nn.Linear(2 * H, H, bias=False)
        self.v = nn.Linear(H, 1, bias=False)
        self.decoder = cell(cfg.embed + 2 * H, H)
        self.out = nn.Linear(H + 2 * H, tgt_vocab)

    def encode(self, src, src_len):
        packed = nn.utils.rnn.pack_padded_sequence(self.src_embedding(src), src_len.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        enc, state = self.encoder(packed)
        enc, _unused = nn.utils.rnn.pad_packed_sequence(enc, batch_first=True, total_length=src.shape[1])  # (B, S, 2H)
        h = state[0] if isinstance(state, tuple) else state  # (2, B, H)
        s = torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=1)))
        mask = src != PAD
        state0 = (s, torch.zeros_like(s)) if self.cfg.cell == "lstm" else s
        return enc, self.W_k(enc), mask, state0

    def step(self, y_prev, state, enc, keys, mask):
        s = state[0] if isinstance(state, tuple) else state
        scores = self.v(torch.tanh(self.W_q(s)[:, None, :] + keys)).squeeze(-1)  # (B, S)
        alpha = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=1)
        context = torch.bmm(alpha[:, None, :], enc).squeeze(1)  # (B, 2H)
        state = self.decoder(torch.cat([self.tgt_embedding(y_prev), context], dim=1), state)
        s = state[0] if isinstance(state, tuple) else state
        return self.out(torch.cat([s, context], dim=1)), state, alpha

    def forward(self, src, src_len, tgt_in):
        enc, keys, mask, state = self.encode(src, src_len)
        logits = []
        for t in range(tgt_in.shape[1]):  # teacher forcing
            step_logits, state, _unused = self.step(tgt_in[:, t], state, enc, keys, mask)
            logits.append(step_logits)
        return torch.stack(logits, dim=1)  # (B, T, V)


def _batch(seqs: list[list[int]], bos_eos: bool = False):
    seqs = [[BOS, *s, EOS] for s in seqs] if bos_eos else seqs
    width = max(len(s) for s in seqs)
    out = torch.full((len(seqs), width), PAD, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.tensor(s)
    return out, torch.tensor([len(s) for s in seqs])


@torch.no_grad()
def decode(model: Seq2SeqModel, src_vocab: Vocabulary, tgt_vocab: Vocabulary, texts: list[str], device: str,
           constrained: bool = True, keep_attention: bool = False):
    """Greedy decoding; constrained: each step emits the next source character or a space."""
    model.eval()
    results = []
    space = tgt_vocab.stoi.get(" ", UNK)
    for start in range(0, len(texts), 256):
        chunk = texts[start : start + 256]
        src, src_len = _batch([src_vocab.encode(t) for t in chunk])
        enc, keys, mask, state = model.encode(src.to(device), src_len)
        B = len(chunk)
        y = torch.full((B,), BOS, dtype=torch.long, device=device)
        pos = [0] * B
        outs = [[] for _i in range(B)]
        attn = [[] for _i in range(B)]
        done = [len(t) == 0 for t in chunk]
        for _i in range(2 * max(len(t) for t in chunk) + 2):
            logits, state, alpha = model.step(y, state, enc, keys, mask)
            choice = logits.argmax(1).tolist()
            for i in range(B):
                if done[i]:
                    continue
                if constrained:
                    nxt = tgt_vocab.stoi.get(chunk[i][pos[i]], UNK) if pos[i] < len(chunk[i]) else EOS
                    allowed_space = 0 < pos[i] < len(chunk[i]) and (not outs[i] or outs[i][-1] != space)
                    pick = space if allowed_space and logits[i, space] > logits[i, nxt] else nxt
                else:
                    pick = choice[i]
                if pick == EOS:
                    done[i] = True
                    continue
                outs[i].append(pick)
                if keep_attention:
                    attn[i].append(alpha[i, : len(chunk[i])].cpu().numpy())
                if constrained and pick != space:
                    pos[i] += 1
                choice[i] = pick
            if all(done):
                break
            y = torch.tensor(choice, device=device)
        for i in range(B):
            results.append((chars_of(tgt_vocab, outs[i]), attn[i]))
    return results


def _split(pairs: list[tuple[str, str]], cfg: Seq2SeqConfig):
    """A seeded validation split (at most a tenth of the pairs), then at most ``max_pairs`` for training."""
    order = np.random.default_rng(cfg.seed).permutation(len(pairs))
    n_val = min(cfg.val_pairs, max(1, len(pairs) // 10))
    return [pairs[i] for i in order[n_val : n_val + cfg.max_pairs]], [pairs[i] for i in order[:n_val]]


def train_seq2seq(data: Path, out: Path, cfg: Seq2SeqConfig | None = None, resume: bool = False,
                  on_step=None, on_phase=None) -> dict:
    """Train on a pairs file, score on the held-out pairs (against Kiwi's ``space()``), write the run directory.

    Resumable like the classifiers: the batches of epoch ``e`` come from ``default_rng([seed, e])``,
    the learning rate is a function of the step, and ``state/`` is saved every ``checkpoint_every``
    steps, so a run killed with kill -9 and resumed ends with the same weights, bit for bit.
    """
    cfg = cfg or Seq2SeqConfig()
    from seqlab.vectors.encoder import pick_device

    started = time.perf_counter()
    device = pick_device(cfg.device)
    pairs, skipped = read_pairs(Path(data), cfg.max_chars)
    train, val = _split(pairs, cfg)
    if not train:
        raise InputError(_("{data} has too few pairs ({n}) to train on").format(data=data, n=len(pairs)),
                         _("Give at least 2 pairs."))
    src_vocab, tgt_vocab = char_vocab([s for s, _ in train]), char_vocab([t for _k, t in train])
    torch.manual_seed(cfg.seed)
    model = Seq2SeqModel(len(src_vocab), len(tgt_vocab), cfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    steps_per_epoch = (len(train) + cfg.batch_size - 1) // cfg.batch_size
    total = steps_per_epoch * cfg.epochs
    record = {"step": 0, "history": [], "epoch_loss": 0.0, "seen": 0, "elapsed": 0.0}
    if resume:
        if not has_state(out):
            raise InputError(_("nothing to resume in {out}").format(out=out),
                             _("Start without --resume, or give the folder of an earlier run."))
        record = load_state(out, model, opt)
    elif has_state(out):
        raise InputError(_("{out} holds an unfinished run").format(out=out),
                         _("Continue it with --resume, or choose another --out."))
    if on_phase:
        on_phase(N_("training"))
    clock = time.perf_counter() - record["elapsed"]
    while record["step"] < total:
        epoch = record["step"] // steps_per_epoch
        idx = np.random.default_rng([cfg.seed, epoch]).permutation(len(train))
        model.train()
        for b in range(record["step"] - epoch * steps_per_epoch, steps_per_epoch):
            chunk = [train[i] for i in idx[b * cfg.batch_size : (b + 1) * cfg.batch_size]]
            src, src_len = _batch([src_vocab.encode(s) for s, _ in chunk])
            tgt, _unused = _batch([tgt_vocab.encode(t) for _k, t in chunk], bos_eos=True)
            src, tgt = src.to(device), tgt.to(device)
            step = record["step"]
            for g in opt.param_groups:  # warm-up over 100 steps, then linear decay to 5 %
                g["lr"] = cfg.lr * min(1.0, (step + 1) / 100) * max(0.05, 1 - step / total)
            logits = model(src, src_len, tgt[:, :-1])
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1),
                                               ignore_index=PAD)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            record["step"] += 1
            record["epoch_loss"] += float(loss.detach()) * len(chunk)
            record["seen"] += len(chunk)
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
    if on_phase:
        on_phase(N_("evaluating against Kiwi"))
    sources, targets = [s for s, _ in val], [t for _k, t in val]
    ours = [p for p, _ in decode(model, src_vocab, tgt_vocab, sources, device)]
    from seqlab.tokens.kiwi import kiwi_instance

    kiwi = [kiwi_instance().space(s) for s in sources]
    scores = {"seq2seq": spacing_scores(ours, targets), "kiwi_space": spacing_scores(kiwi, targets)}
    summary = {"model": f"seq2seq {cfg.cell}+attention", "task": "seq2seq", "pairs": len(train), "val_pairs": len(val),
               "skipped": skipped, "scores": scores, "history": record["history"], "steps": record["step"],
               "seconds": time.perf_counter() - started, "parameters": int(sum(p.numel() for p in model.parameters())),
               "examples": [{"source": s, "target": t, "seq2seq": o, "kiwi": k}
                            for s, t, o, k in list(zip(sources, targets, ours, kiwi))[:5]]}
    run = RunDir(out)
    run.write_model(model)
    src_vocab.save(Path(out) / "vocab-source.json")
    tgt_vocab.save(Path(out) / "vocab-target.json")
    run.write_json("metrics.json", summary)
    run.write_json("config.json", {"task": "seq2seq", "model": f"{cfg.cell}-attention", "seq2seq": cfg.to_dict(),
                                   "data": str(data)})
    return summary


class Seq2SeqPredictor:
    def __init__(self, out: Path, device: str = "cpu"):
        run = RunDir(out)
        config = run.config
        self.cfg = Seq2SeqConfig(**config["seq2seq"])
        self.src = Vocabulary.load(Path(out) / "vocab-source.json")
        self.tgt = Vocabulary.load(Path(out) / "vocab-target.json")
        self.model = Seq2SeqModel(len(self.src), len(self.tgt), self.cfg)
        self.model.load_state_dict(run.read_tensors())
        self.device = device

    def predict(self, texts: list[str], keep_attention: bool = False) -> list[dict]:
        sources = [t.replace(" ", "") for t in texts]
        decoded = decode(self.model, self.src, self.tgt, sources, self.device, keep_attention=keep_attention)
        return [{"text": t, "source": s, "output": o, **({"attention": [a.tolist() for a in att]}
                                                          if keep_attention else {})}
                for t, s, (o, att) in zip(texts, sources, decoded)]
