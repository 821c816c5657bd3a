"""Why LSTMs exist, measured: word order, weight sharing, vanishing gradients, long-term dependencies."""
