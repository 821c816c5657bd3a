"""The recurrent cells of the lab's experiments (gradflow, long_term), and the one check of the cells asked for."""

from __future__ import annotations

from seqlab.errors import InputError, canonical
from seqlab.i18n import _
from seqlab.scratch.layers import LAYERS

CELLS = tuple(LAYERS)  # rnn, lstm, gru: the scratch layers, in the lecture's order


def cell_names(cells) -> list[str]:
    """The cells asked for, as :data:`CELLS` names them: a list, or one comma-separated string ("rnn,lstm" was
    read letter by letter), in any case ("LSTM", as the lecture writes it). The one check of gradflow's and
    long_term's ``cells``."""
    if isinstance(cells, str):
        cells = [c.strip() for c in cells.split(",") if c.strip()]
    cells = [canonical(c, CELLS) for c in cells]
    bad = [c for c in cells if c not in CELLS]
    if bad or not cells:
        raise InputError(_("unknown cells {cells}").format(cells=", ".join(map(str, bad))) if bad
                         else _("no cells given"), _("Use cells=[\"rnn\", \"lstm\", \"gru\"]."), option="cells",
                         cli_hint=_("Use --cells rnn,lstm,gru."))
    return cells
