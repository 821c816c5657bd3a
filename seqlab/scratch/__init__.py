"""Stage 4 from scratch: RNN, LSTM, GRU and Seq2Seq in NumPy, with hand-written backpropagation through time.

Every layer matches ``torch.nn`` to 1e-9 in float64 (forward values and every
gradient), loads from and converts to the torch module, and keeps the numbers
of each step so that traces show exactly what was computed.
"""

from seqlab.scratch.cells import GRUCell, LSTMCell, RNNCell
from seqlab.scratch.gradcheck import gradcheck
from seqlab.scratch.layers import GRU, LSTM, RNN
from seqlab.scratch.seq2seq import Decoder, Encoder, Seq2Seq


__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNCell", "Decoder", "Encoder", "Seq2Seq", "gradcheck"]
