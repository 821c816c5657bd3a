"""JSON out: numbers at the precision the page shows them (:func:`~seqlab.render.rounding.rounded`, shared with
notebook output), and a bound on the size of any answer."""

from __future__ import annotations

import orjson
from fastapi.responses import Response

from seqlab.errors import InputError
from seqlab.i18n import _

MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # no answer is larger; the page never asks for one near it


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
