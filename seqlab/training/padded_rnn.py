"""A torch RNN/LSTM/GRU over a right-padded batch, both directions, exactly as over packed sequences.

Why: on the CPU, torch runs a ``PackedSequence`` through its recurrent layers one time step at a
time, and the backward pass of each step's slice fills a zero tensor as large as the whole batch
(``aten::slice_backward``), so a batch of length L costs O(L²) in the backward pass. At L = 80
(batch 128, BiLSTM 200 → 2×128) that was 440 ms of backward against 120 ms here
(``benchmarks/bench_train.py`` measures the whole loop).

The padded batch gives the same numbers as the packed one:

- the forward direction reads each review left to right, so the padding after the review never
  reaches its real time steps;
- the reverse direction reads each review reversed *within its own length*
  (``x[b, len_b - 1 - t]`` for ``t < len_b``), so it too starts on the review's last real token, as
  the packed sequence does; its outputs are put back in the review's order the same way.

Outputs at padded positions are zero, as ``pad_packed_sequence`` writes them. The weights are the
module's own (``weight_ih_l0``, ``weight_ih_l0_reverse``, …, see :mod:`seqlab.scratch.torch_layout`),
run through a one-layer, one-direction module of the same kind with ``torch.func.functional_call``,
so the model's state dict, its checkpoints and ``LSTM.from_torch`` are unchanged. Tested equal to the
packed path in float64, values and gradients.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.func import functional_call

from seqlab.scratch.torch_layout import param_names


def reverse_within_length(lengths: torch.Tensor, length: int) -> torch.Tensor:
    """Index (B, L) that reverses each row's first ``lengths[b]`` positions and keeps the padding in place.

    Its own inverse: gathering twice with it gives the original order.

    >>> reverse_within_length(torch.tensor([3, 1]), 4).tolist()
    [[2, 1, 0, 3], [0, 1, 2, 3]]
    """
    t = torch.arange(length, device=lengths.device)[None, :]  # (1, L)
    lens = lengths[:, None]  # (B, 1)
    return torch.where(t < lens, lens - 1 - t, t)


def one_direction(rnn: nn.RNNBase, input_size: int) -> nn.RNNBase:
    """A one-layer, one-direction module of ``rnn``'s kind, whose own weights are never used (they are swapped)."""
    options = {"nonlinearity": rnn.nonlinearity} if isinstance(rnn, nn.RNN) else {}
    with torch.device("meta"):  # no memory, no random initialization: only the shapes and the kind matter
        return type(rnn)(input_size, rnn.hidden_size, bias=rnn.bias, batch_first=True, **options)


def run_padded(rnn: nn.RNNBase, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Outputs (B, L, D*H) of ``rnn`` (``batch_first=True``) on right-padded ``x`` (B, L, I); zero past each length.

    Equal to ``pad_packed_sequence(rnn(pack_padded_sequence(x, lengths, …)))``, including the dropout
    ``rnn`` applies between stacked layers while training.
    """
    L = x.shape[1]
    lengths = lengths.to(x.device)
    longest = int(lengths.max())
    if longest < L:  # columns that are padding in every row: nothing to compute there
        out = run_padded(rnn, x[:, :longest], lengths)
        return nn.functional.pad(out, (0, 0, 0, L - longest))
    mask = (torch.arange(L, device=x.device)[None, :] < lengths[:, None])[..., None]  # (B, L, 1)
    flip = reverse_within_length(lengths, L)[..., None]  # (B, L, 1)
    directions = 2 if rnn.bidirectional else 1
    layer_input = x  # (B, L, I_k)
    for layer in range(rnn.num_layers):
        width = layer_input.shape[2]
        cell = one_direction(rnn, width)
        outputs = []
        for direction in range(directions):
            weights = {short: getattr(rnn, name) for short, name
                       in zip(param_names(0, 0, rnn.bias), param_names(layer, direction, rnn.bias))}
            seq = layer_input if direction == 0 else layer_input.gather(1, flip.expand(-1, -1, width))
            out = functional_call(cell, weights, (seq,))[0]  # (B, L, H)
            if direction == 1:
                out = out.gather(1, flip.expand(-1, -1, out.shape[2]))
            outputs.append(out)
        layer_input = torch.cat(outputs, dim=2) * mask  # (B, L, D*H)
        if layer < rnn.num_layers - 1 and rnn.dropout and rnn.training:
            layer_input = nn.functional.dropout(layer_input, rnn.dropout, training=True)
    return layer_input


def last_states(out: torch.Tensor, lengths: torch.Tensor, directions: int) -> torch.Tensor:
    """Each direction's final hidden state of the top layer, concatenated (B, D*H), from ``run_padded``'s output.

    The forward direction ends at the review's last real token, the reverse one at its first.
    """
    H = out.shape[2] // directions
    last = (lengths.to(out.device) - 1).clamp_min(0)[:, None, None].expand(-1, 1, H)  # (B, 1, H)
    forward = out[:, :, :H].gather(1, last)[:, 0]  # (B, H)
    if directions == 1:
        return forward
    return torch.cat([forward, out[:, 0, H:]], dim=1)
