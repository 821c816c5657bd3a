"""A torch RNN/LSTM/GRU over a right-padded batch, both directions, exactly as over packed sequences.

Why: on the CPU, torch runs a ``PackedSequence`` through its recurrent layers one time step at a
time, and the backward pass of each step's slice fills a zero tensor as large as the whole batch
(``aten::slice_backward``), so a batch of length L costs O(L²) in the backward pass. At L = 80
(batch 128, BiLSTM 200 → 2×128) forward + backward took 518 ms packed and 189 ms here, and a
training epoch 1.5× less time (``benchmarks/bench_train.py``, docs/benchmarks.md).

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
    """Run ``rnn`` over a right-padded batch as if its sequences had been packed.

    Equal to ``pad_packed_sequence(rnn(pack_padded_sequence(x, lengths, …)))`` up to float rounding (tested in
    float64 to 1e-12; measured differences were about 1e-15). While training, ``rnn``'s dropout between stacked layers is applied at
    the same place and rate, with other random draws than torch's packed path.

    Args:
        rnn: an ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU`` built with ``batch_first=True`` (no ``proj_size``).
        x: (B, L, I) inputs, each row's real steps first.
        lengths: (B,) real steps of each row, 1 to L.

    Returns:
        (B, L, D*H) outputs of the top layer, both directions side by side; zero past each length.

    >>> rnn = nn.LSTM(3, 2, batch_first=True, bidirectional=True)
    >>> out = run_padded(rnn, torch.randn(2, 4, 3), torch.tensor([4, 2]))
    >>> out.shape, bool(out[1, 2:].any())
    (torch.Size([2, 4, 4]), False)
    """
    if lengths.dim() != 1 or len(lengths) != x.shape[0]:
        raise ValueError(f"lengths must be (B,) = ({x.shape[0]},), got {tuple(lengths.shape)}")
    lengths = lengths.to(x.device, torch.long)
    if len(lengths) and (int(lengths.min()) < 1 or int(lengths.max()) > x.shape[1]):
        raise ValueError(f"every length must be 1 to {x.shape[1]} (the padded width), got "
                         f"{int(lengths.min())} to {int(lengths.max())}")
    L = x.shape[1]
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
    """Each direction's final hidden state of the top layer, side by side, from :func:`run_padded`'s output.

    The forward direction ends at the row's last real step, the reverse one at its first: together the
    top layer's rows of torch's ``h_n`` (tested).

    Args:
        out: (B, L, D*H) from :func:`run_padded`.
        lengths: (B,) real steps of each row.
        directions: D, 1 or 2.

    Returns:
        (B, D*H).

    >>> out = torch.arange(12.0).reshape(1, 3, 4)  # one row, 3 steps, two directions of 2 units
    >>> last_states(out, torch.tensor([2]), 2).tolist()  # forward at step 2 (index 1), reverse at step 1
    [[4.0, 5.0, 2.0, 3.0]]
    """
    H = out.shape[2] // directions
    last = (lengths.to(out.device) - 1).clamp_min(0)[:, None, None].expand(-1, 1, H)  # (B, 1, H)
    forward = out[:, :, :H].gather(1, last)[:, 0]  # (B, H)
    if directions == 1:
        return forward
    return torch.cat([forward, out[:, 0, H:]], dim=1)
