"""torch's default initialization, drawn in NumPy: the same numbers as torch, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.scratch.torch_layout import from_torch, seeded_module, seeded_params


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("sizes", [(5, 4, 0), (384, 64, 12345), (3, 1, 7), (2, 300, 2**32 - 1), (7, 3, 2**40 + 3)])
def test_seeded_params_are_torchs_own(cell, sizes):
    input_size, hidden, seed = sizes
    ours = seeded_params(cell, input_size, hidden, seed)
    _, _, torchs = from_torch(seeded_module(cell, input_size, hidden, seed))
    assert list(ours) == list(torchs)
    for name in ours:
        assert np.array_equal(ours[name], torchs[name]), name
        assert not ours[name].flags.writeable


def test_seeded_params_do_not_import_torch():
    import subprocess
    import sys

    code = ("import sys; from seqlab.scratch.torch_layout import seeded_params; seeded_params('lstm', 8, 4, 0); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
