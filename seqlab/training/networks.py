"""The recurrent classifier: embedding -> nn.LSTM/GRU/RNN (on padded batches) -> pooled outputs -> linear.

The recurrent layer is a plain ``torch.nn`` module with ``batch_first=True``,
so a trained model's LSTM loads into the scratch implementation
(``seqlab.scratch.LSTM.from_torch``) and ``seqlab trace --checkpoint`` shows
its gates on a real review. On the CPU it runs on the padded batch with the numbers of packed
sequences (:mod:`seqlab.training.padded_rnn`: torch's packed backward pass is O(L²) there).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
from torch import nn

from seqlab.errors import InputError, check_number
from seqlab.i18n import _
from seqlab.ids.vocab import Vocabulary
from seqlab.scratch.torch_layout import torch_class
from seqlab.training.init_widths import INIT_WIDTHS, width_mismatch
from seqlab.training.kinds import CELLS
from seqlab.training.padded_rnn import last_states, run_padded


@dataclass
class RecurrentConfig:
    cell: str = "lstm"  # lstm, gru or rnn
    embed_dim: int | None = None  # None: the initializer's own (INIT_WIDTHS, or a vectors file's); else must equal it
    hidden: int = 128  # hidden size per direction
    layers: int = 1  # stacked recurrent layers
    bidirectional: bool = True  # read the review both ways
    dropout: float = 0.3  # on the embeddings, between layers and before the classifier
    pooling: str = "max+mean"  # over time steps: last, max, mean or max+mean
    embedding_init: str = "word2vec"  # word2vec (trained on the training texts), random, e5, kiwi, or a vectors file
    freeze_embedding: bool = False  # keep the initial embedding fixed
    vocab_size: int = 0  # set from the prepared vocabulary
    num_classes: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


def with_embed_dim(config: RecurrentConfig) -> RecurrentConfig:
    """``config`` with ``embed_dim`` set: as given, or the initializer's own width (a vectors file's is read)."""
    if config.embed_dim is not None:
        return config
    width = INIT_WIDTHS.get(config.embedding_init)
    if width is None:
        from seqlab.vectors.gensim_vectors import from_gensim

        width = from_gensim(config.embedding_init).dim
    return replace(config, embed_dim=width)


class RecurrentClassifier(nn.Module):
    def __init__(self, config: RecurrentConfig):
        super().__init__()
        if config.cell not in CELLS:
            raise InputError(_("unknown cell {cell!r}").format(cell=config.cell), _("Use lstm, gru or rnn."))
        if config.pooling not in ("last", "max", "mean", "max+mean"):
            raise InputError(_("unknown pooling {pooling!r}").format(pooling=config.pooling),
                             _("Use last, max, mean or max+mean."))
        config = with_embed_dim(config)  # embed_dim=None: the initializer's own width, as the trainer sets it
        check_number("vocab_size", config.vocab_size, 2, whole=True)  # 0 (unset) was torch's error about a size
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim, padding_idx=0)
        self.embedding.weight.requires_grad_(not config.freeze_embedding)
        self.dropout = nn.Dropout(config.dropout)
        self.rnn = torch_class(config.cell)(config.embed_dim, config.hidden, num_layers=config.layers, batch_first=True,
                                      bidirectional=config.bidirectional,
                                      dropout=config.dropout if config.layers > 1 else 0.0)
        width = config.hidden * (2 if config.bidirectional else 1) * (2 if config.pooling == "max+mean" else 1)
        self.classifier = nn.Linear(width, config.num_classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor, delta: torch.Tensor | None = None,
                keep: list | None = None) -> torch.Tensor:
        """ids (B, L), lengths (B,) -> logits (B, classes).

        Adversarial training (:func:`seqlab.training.loop.adversarial_delta`) uses the two optional arguments:
        ``delta`` (B, L, E) is added to the embedded tokens, and ``keep`` (a list) receives the embedded tokens
        with their gradient retained, so that a backward pass leaves ∂loss/∂embeddings in ``keep[0].grad``.
        """
        x = self.embedding(ids)  # (B, L, E)
        if delta is not None:
            x = x + delta
        if keep is not None:
            if not x.requires_grad:  # a frozen embedding: the perturbation still needs ∂loss/∂x
                x = x.detach().requires_grad_()
            x.retain_grad()
            keep.append(x)
        x = self.dropout(x)
        D = 2 if self.config.bidirectional else 1
        if x.device.type == "cpu":  # the same numbers as packed sequences, without their O(L²) backward on the CPU
            out = run_padded(self.rnn, x, lengths)  # (B, L, D*H)
        else:  # cuDNN runs packed sequences well
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, _state = self.rnn(packed)
            out, _unused = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])
        mask = (torch.arange(ids.shape[1], device=ids.device)[None, :] < lengths.to(ids.device)[:, None])[..., None]
        pooled = []
        if self.config.pooling in ("max", "max+mean"):
            pooled.append(out.masked_fill(~mask, float("-inf")).max(dim=1).values)
        if self.config.pooling in ("mean", "max+mean"):
            pooled.append((out * mask).sum(dim=1) / lengths.to(out.device)[:, None].to(out.dtype))
        if self.config.pooling == "last":
            pooled.append(last_states(out, lengths, D))  # (B, D*H)
        return self.classifier(self.dropout(torch.cat(pooled, dim=1)))


def initial_embedding(config: RecurrentConfig, vocab: Vocabulary, seed: int) -> tuple[np.ndarray, int]:
    """The starting embedding matrix (V, E) and how many rows were initialized from a source.

    ``random`` and ``word2vec``: normal, std 0.1 (``word2vec`` rows are then overwritten by vectors
    trained on the training texts: :mod:`seqlab.training.word2vec_init`). ``e5``: e5-small's input embeddings: for e5 pieces the piece's
    own row; for words or morphemes (kiwi), the mean of the rows of the e5 pieces they split
    into. ``kiwi``: Kiwi's morpheme vectors (:mod:`seqlab.vectors.kiwi_vectors`, 256 numbers) for the
    morphemes of a kiwi vocabulary, centred and scaled like word2vec's rows.
    A word2vec/FastText file: the word's vector where it has one. Anything not covered
    keeps its random row; ``<pad>`` is zero.
    """
    rng = np.random.default_rng(seed)
    tokens = vocab.tokens
    matrix = rng.normal(scale=0.1, size=(len(tokens), config.embed_dim)).astype(np.float32)
    first = len(vocab.specials)  # rows after the special tokens
    init = config.embedding_init
    covered = 0
    if init == "e5":
        from seqlab.vectors.encoder import load_encoder

        enc = load_encoder("e5-small", "cpu")
        table = enc.model.get_input_embeddings().weight.detach().cpu().numpy()
        if table.shape[1] != config.embed_dim:
            raise width_mismatch(init, table.shape[1], config.embed_dim)
        to_ids = enc.tokenizer.convert_tokens_to_ids
        if vocab.meta.get("tokenizer") == "e5-small":  # the tokens are e5's own pieces
            pieces = [[t] for t in tokens[first:]]
        else:  # words or morphemes: the pieces e5 splits them into (a morpheme without its /TAG)
            pieces = enc.tokenizer.split_many([t.rsplit("/", 1)[0] for t in tokens[first:]])
        for i, piece_list in enumerate(pieces, start=first):
            ids = [j for j in to_ids(piece_list) if j is not None]
            if ids:
                matrix[i] = table[ids].mean(axis=0)
                covered += 1
    elif init == "kiwi":
        from seqlab.vectors.kiwi_vectors import load_morphemes, vector_index

        morphemes, index = load_morphemes(), vector_index()
        if morphemes.centred.shape[1] != config.embed_dim:
            raise width_mismatch(init, morphemes.centred.shape[1], config.embed_dim)
        for i, tok in enumerate(tokens[first:], start=first):
            form, _slash, tag = tok.rpartition("/")
            j = index.get((form, tag)) if form else None
            if j is not None:
                matrix[i] = morphemes.centred[j] * np.sqrt(config.embed_dim) * 0.1
                covered += 1
    elif init not in ("random", "word2vec"):
        from seqlab.vectors.gensim_vectors import from_gensim

        wv = from_gensim(init)
        if wv.dim != config.embed_dim:
            raise width_mismatch(init, wv.dim, config.embed_dim)
        for i, tok in enumerate(tokens[first:], start=first):
            for key in (tok, tok.rsplit("/", 1)[0]):
                if key in wv.index:
                    matrix[i] = wv.vectors[wv.index[key]] * np.sqrt(config.embed_dim) * 0.1
                    covered += 1
                    break
    matrix[vocab.pad_id] = 0.0
    return matrix, covered
