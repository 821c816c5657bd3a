"""Stage 5 from scratch: RNN, LSTM, GRU and Seq2Seq in NumPy, with hand-written backpropagation through time.

Read :mod:`seqlab.scratch.cells` first: one step of each cell, forward and
backward, written as the lecture's equations. :mod:`seqlab.scratch.layers` runs
the cells over a sequence (several layers, both directions, BPTT);
:mod:`seqlab.scratch.fast` is the LSTM's optimised training path, kept apart.
Every layer matches ``torch.nn`` to 1e-9 in float64 (forward values and every
gradient), and :mod:`seqlab.scratch.torch_layout` converts weights both ways.

This package imports only NumPy, the standard library and ``seqlab.errors``
(the converter also imports torch), so it can be read and used on its own.
"""

from seqlab.scratch.cells import GRUCell, LSTMCell, RNNCell
from seqlab.scratch.gradcheck import gradcheck
from seqlab.scratch.layers import GRU, LSTM, RNN
from seqlab.scratch.seq2seq import Decoder, Encoder, Seq2Seq

__all__ = ["GRU", "LSTM", "RNN", "Decoder", "Encoder", "GRUCell", "LSTMCell", "RNNCell", "Seq2Seq", "gradcheck"]
