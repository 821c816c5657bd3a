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
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from seqlab.errors import InputError
from seqlab.storage import atomic_write_json
from seqlab.text.reading import iter_lines

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]


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
    seed: int = 13
    device: str = "auto"

    def to_dict(self) -> dict:
        return asdict(self)


class CharVocab:
    def __init__(self, chars: list[str]):
        self.itos = SPECIALS + chars
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    def encode(self, text: str) -> list[int]:
        return [self.stoi.get(c, UNK) for c in text]

    def decode(self, ids) -> str:
        return "".join(self.itos[i] for i in ids if i >= len(SPECIALS))


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
        enc, _ = nn.utils.rnn.pad_packed_sequence(enc, batch_first=True, total_length=src.shape[1])  # (B, S, 2H)
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
            step_logits, state, _ = self.step(tgt_in[:, t], state, enc, keys, mask)
            logits.append(step_logits)
        return torch.stack(logits, dim=1)  # (B, T, V)


def read_pairs(path: Path, max_chars: int) -> tuple[list[tuple[str, str]], int]:
    pairs, skipped = [], 0
    for _, line in iter_lines(path, errors="replace"):
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not parts[1] or max(len(parts[0]), len(parts[1])) > max_chars:
            skipped += 1
            continue
        pairs.append((parts[0], parts[1]))
    if not pairs:
        raise InputError(f"{path} has no usable source<TAB>target pairs (skipped {skipped})")
    return pairs, skipped


def spacing_pairs(texts: list[str], max_chars: int = 60) -> list[tuple[str, str]]:
    """(review without spaces, review with single spaces) for spacing restoration."""
    out = []
    for t in texts:
        target = " ".join(t.split())
        source = target.replace(" ", "")
        if source and " " in target and len(target) <= max_chars:
            out.append((source, target))
    return out


def _batch(seqs: list[list[int]], bos_eos: bool = False):
    seqs = [[BOS, *s, EOS] for s in seqs] if bos_eos else seqs
    width = max(len(s) for s in seqs)
    out = torch.full((len(seqs), width), PAD, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.tensor(s)
    return out, torch.tensor([len(s) for s in seqs])


@torch.no_grad()
def decode(model: Seq2SeqModel, src_vocab: CharVocab, tgt_vocab: CharVocab, texts: list[str], device: str,
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
        outs = [[] for _ in range(B)]
        attn = [[] for _ in range(B)]
        done = [len(t) == 0 for t in chunk]
        for _ in range(2 * max(len(t) for t in chunk) + 2):
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
            results.append((tgt_vocab.decode(outs[i]), attn[i]))
    return results


def boundaries(text: str) -> list[int]:
    """1 after each character that a space follows, for every character but the last (spaces excluded)."""
    marks = []
    for i, c in enumerate(text):
        if c == " ":
            continue
        marks.append(1 if i + 1 < len(text) and text[i + 1] == " " else 0)
    return marks[:-1]


def spacing_scores(predictions: list[str], targets: list[str]) -> dict:
    """Character accuracy (position by position) and word-boundary accuracy/F1 (when characters match)."""
    char_ok = char_n = b_ok = b_n = tp = fp = fn = 0
    for p, t in zip(predictions, targets):
        char_n += len(t)
        char_ok += sum(a == b for a, b in zip(p, t))
        if p.replace(" ", "") != t.replace(" ", ""):
            pb, tb = [0] * len(boundaries(t)), boundaries(t)
        else:
            pb, tb = boundaries(p), boundaries(t)
        b_n += len(tb)
        b_ok += sum(a == b for a, b in zip(pb, tb))
        tp += sum(a == b == 1 for a, b in zip(pb, tb))
        fp += sum(a == 1 and b == 0 for a, b in zip(pb, tb))
        fn += sum(a == 0 and b == 1 for a, b in zip(pb, tb))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"char_accuracy": char_ok / max(char_n, 1), "boundary_accuracy": b_ok / max(b_n, 1),
            "boundary_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "exact_match": sum(p == t for p, t in zip(predictions, targets)) / max(len(targets), 1)}


def train_seq2seq(data: Path, out: Path, cfg: Seq2SeqConfig = Seq2SeqConfig(), resume: bool = False,
                  on_step=None, on_phase=None) -> dict:
    from safetensors.torch import save_file

    from seqlab.vectors.encoder import pick_device

    started = time.perf_counter()
    device = pick_device(cfg.device)
    pairs, skipped = read_pairs(Path(data), cfg.max_chars)
    rng = np.random.default_rng(cfg.seed)
    order = rng.permutation(len(pairs))
    n_val = min(cfg.val_pairs, max(1, len(pairs) // 10))
    val = [pairs[i] for i in order[:n_val]]
    train = [pairs[i] for i in order[n_val : n_val + cfg.max_pairs]]
    if not train:
        raise InputError(f"{data} has too few pairs ({len(pairs)}) to train on")
    src_vocab = CharVocab(sorted({c for s, _ in train for c in s}))
    tgt_vocab = CharVocab(sorted({c for _, t in train for c in t}))
    torch.manual_seed(cfg.seed)
    model = Seq2SeqModel(len(src_vocab.itos), len(tgt_vocab.itos), cfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    steps_per_epoch = (len(train) + cfg.batch_size - 1) // cfg.batch_size
    total, step = steps_per_epoch * cfg.epochs, 0
    if on_phase:
        on_phase("training")
    history = []
    for epoch in range(cfg.epochs):
        model.train()
        idx = np.random.default_rng([cfg.seed, epoch]).permutation(len(train))
        epoch_loss, seen = 0.0, 0
        for b in range(steps_per_epoch):
            chunk = [train[i] for i in idx[b * cfg.batch_size : (b + 1) * cfg.batch_size]]
            src, src_len = _batch([src_vocab.encode(s) for s, _ in chunk])
            tgt, _ = _batch([tgt_vocab.encode(t) for _, t in chunk], bos_eos=True)
            src, tgt = src.to(device), tgt.to(device)
            for g in opt.param_groups:
                g["lr"] = cfg.lr * min(1.0, (step + 1) / 100) * max(0.05, 1 - step / total)
            logits = model(src, src_len, tgt[:, :-1])
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1),
                                               ignore_index=PAD)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            epoch_loss += float(loss.detach()) * len(chunk)
            seen += len(chunk)
            if on_step:
                on_step({"step": step, "total": total, "epoch": epoch, "loss": epoch_loss / seen, "accuracy": 0.0,
                         "texts_per_s": seen / max(time.perf_counter() - started, 1e-9)})
        history.append({"epoch": epoch + 1, "train_loss": epoch_loss / max(seen, 1)})
    if on_phase:
        on_phase("evaluating against Kiwi")
    sources, targets = [s for s, _ in val], [t for _, t in val]
    ours = [p for p, _ in decode(model, src_vocab, tgt_vocab, sources, device)]
    from seqlab.tokens.kiwi import kiwi_instance

    kiwi = [kiwi_instance().space(s) for s in sources]
    scores = {"seq2seq": spacing_scores(ours, targets), "kiwi_space": spacing_scores(kiwi, targets)}
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / ".model.tmp"
    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, str(tmp))
    tmp.replace(out / "model.safetensors")
    atomic_write_json(out / "config.json", {"task": "seq2seq", "model": f"{cfg.cell}-attention",
                                            "seq2seq": cfg.to_dict(), "data": str(data)})
    atomic_write_json(out / "vocab.json", {"source": src_vocab.itos, "target": tgt_vocab.itos})
    summary = {"model": f"seq2seq {cfg.cell}+attention", "task": "seq2seq", "pairs": len(train), "val_pairs": len(val),
               "skipped": skipped, "scores": scores, "history": history, "seconds": time.perf_counter() - started,
               "parameters": int(sum(p.numel() for p in model.parameters())),
               "examples": [{"source": s, "target": t, "seq2seq": o, "kiwi": k}
                            for s, t, o, k in list(zip(sources, targets, ours, kiwi))[:5]]}
    atomic_write_json(out / "metrics.json", summary)
    return summary


class Seq2SeqPredictor:
    def __init__(self, out: Path, device: str = "cpu"):
        from safetensors.torch import load_file

        from seqlab.training.checkpoint import load_json

        config = load_json(out / "config.json")
        vocab = load_json(out / "vocab.json")
        self.cfg = Seq2SeqConfig(**config["seq2seq"])
        self.src, self.tgt = CharVocab(vocab["source"][4:]), CharVocab(vocab["target"][4:])
        self.model = Seq2SeqModel(len(self.src.itos), len(self.tgt.itos), self.cfg)
        self.model.load_state_dict(load_file(str(out / "model.safetensors")))
        self.device = device

    def predict(self, texts: list[str], keep_attention: bool = False) -> list[dict]:
        sources = [t.replace(" ", "") for t in texts]
        decoded = decode(self.model, self.src, self.tgt, sources, self.device, keep_attention=keep_attention)
        return [{"text": t, "source": s, "output": o, **({"attention": [a.tolist() for a in att]}
                                                          if keep_attention else {})}
                for t, s, (o, att) in zip(texts, sources, decoded)]
