"""Numbers at the precision they are shown: the web page's answers and notebook output round the same way.

``np.float32(0.0331).round(4)`` is still the float32 nearest to 0.0331, which
Python prints as ``0.03310000151395798``. Rounding in float64 gives the double
nearest to 0.0331, which JSON writes as ``0.0331``: the digits sent are the
digits shown.
"""

from __future__ import annotations

import numpy as np


def rounded(value, decimals: int | None = None, digits: int | None = None, significant: frozenset = frozenset()):
    """``value`` with every float rounded to ``decimals`` places (or ``digits`` significant digits), in float64.

    Keys named in ``significant`` (norms that span many powers of ten) keep 4 significant digits instead.
    """
    if isinstance(value, dict):
        return {k: rounded(v, None, 4, significant) if k in significant else rounded(v, decimals, digits, significant)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if value and type(value[0]) is float and digits is None and decimals is not None:
            return [round(v, decimals) if type(v) is float else rounded(v, decimals, digits, significant) for v in value]
        return [rounded(v, decimals, digits, significant) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind != "f":
            return value.tolist()
        value = value.astype(np.float64)
        if digits is not None:
            return [rounded(v, decimals, digits) for v in value.tolist()]
        return np.round(value, decimals).tolist() if decimals is not None else value.tolist()
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if digits is not None:
            return float(f"{value:.{digits}g}")
        return round(value, decimals) if decimals is not None else value
    if isinstance(value, np.integer):
        return int(value)
    return value
