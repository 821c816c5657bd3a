"""Finite-difference gradient checking: the independent referee of hand-written backward passes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class GradcheckResult:
    name: str
    max_abs_error: float
    max_rel_error: float
    checked: int  # entries compared

    @property
    def ok(self) -> bool:
        return self.max_rel_error < 1e-5 or self.max_abs_error < 1e-8


def gradcheck(loss: Callable[[], float], params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
              eps: float = 1e-6, samples: int | None = 20, seed: int = 0) -> list[GradcheckResult]:
    """Compare analytic ``grads`` with central differences ``(L(p+eps) - L(p-eps)) / 2eps``.

    ``loss()`` must recompute the loss from the current values of the arrays in
    ``params`` (they are changed in place and restored). ``samples`` entries per
    array are checked at random (None: all of them). Use float64.

    >>> w = {"w": np.array([1.0, 2.0])}
    >>> gradcheck(lambda: float((w["w"] ** 2).sum()), w, {"w": 2 * w["w"]})[0].ok
    True
    """
    if not params:  # all([]) is True: a check of nothing must not read as a passed one
        raise ValueError("gradcheck: params is empty; pass the arrays the loss reads, e.g. layer.params")
    missing = [name for name in params if name not in grads]
    if missing:
        raise ValueError(f"gradcheck: grads lacks {', '.join(missing)}; run the backward pass first and pass its "
                         "gradients under the same names as params")
    rng = np.random.default_rng(seed)
    results = []
    for name, value in params.items():
        if not value.flags.c_contiguous:  # reshape would copy it: the nudges would never reach the loss
            raise ValueError(f"gradcheck: {name} is not a C-contiguous array; pass the array the loss reads")
        flat = value.reshape(-1)
        analytic = np.asarray(grads[name]).reshape(-1)
        if analytic.size != flat.size:
            raise ValueError(f"gradcheck: grads[{name!r}] has {analytic.size} numbers, params[{name!r}] {flat.size}")
        idx = np.arange(flat.size) if samples is None or flat.size <= samples else rng.choice(flat.size, samples,
                                                                                               replace=False)
        numeric = np.empty(len(idx))
        for j, i in enumerate(idx):
            old = flat[i]
            flat[i] = old + eps
            plus = loss()
            flat[i] = old - eps
            minus = loss()
            flat[i] = old
            numeric[j] = (plus - minus) / (2 * eps)
        abs_err = np.abs(numeric - analytic[idx])
        rel_err = abs_err / np.maximum(np.abs(numeric) + np.abs(analytic[idx]), 1e-12)
        results.append(GradcheckResult(name, float(abs_err.max(initial=0)), float(rel_err.max(initial=0)), len(idx)))
    return results
