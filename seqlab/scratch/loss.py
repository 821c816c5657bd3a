"""The loss the lab and the traces backpropagate: ``L = ‖h_{T-1}‖²``, the squared norm of the last hidden state (steps t = 0 … T-1).

It needs no labels, and its gradient enters at the last step only, so what reaches
step k is exactly what BPTT carries back through the T - k steps in between.
"""

from __future__ import annotations

import numpy as np

LAST_STATE_LOSS = "L = ‖h_(T-1)‖²"  # steps t = 0 … T-1


def last_state_loss(out: np.ndarray) -> tuple[float, np.ndarray]:
    """(L, dL/d out) for ``out`` of shape (B, T, H): ``L = Σ_b ‖h_{T-1}‖²``, ``dL/dh_{T-1} = 2·h_{T-1}``, zero elsewhere.

    >>> value, d_out = last_state_loss(np.array([[[1.0, 2.0], [3.0, 4.0]]]))
    >>> value, d_out[0].tolist()
    (25.0, [[0.0, 0.0], [6.0, 8.0]])
    """
    d_out = np.zeros_like(out)
    d_out[:, -1] = 2.0 * out[:, -1]
    return float((out[:, -1] ** 2).sum()), d_out
