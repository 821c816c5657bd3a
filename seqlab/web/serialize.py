"""JSON out: numbers at the precision the page shows them, and a bound on the size of any answer.

``np.float32(0.0331).round(4)`` is still the float32 nearest to 0.0331, which
Python prints as ``0.03310000151395798``. Rounding in float64 gives the double
nearest to 0.0331, which orjson writes as ``0.0331``: the digits sent are the
digits shown.
"""

from __future__ import annotations

import numpy as np
import orjson
from fastapi.responses import Response

from seqlab.errors import InputError
from seqlab.i18n import _

MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # no answer is larger; the page never asks for one near it


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


def json_bytes(value) -> bytes:
    """orjson, refused over :data:`MAX_RESPONSE_BYTES` with a message that says what to ask for instead."""
    data = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)
    if len(data) > MAX_RESPONSE_BYTES:
        raise InputError(_("the answer would be {mb:.1f} MB; the server sends at most {limit} MB").format(
            mb=len(data) / 2**20, limit=MAX_RESPONSE_BYTES // 2**20),
            _("Use a shorter text, a smaller hidden size, or leave out full."))
    return data


def json_response(data: bytes) -> Response:
    return Response(data, media_type="application/json")
