"""Stage 5, the lab: why LSTMs exist, measured (word order, weight sharing, vanishing gradients, long-term memory)."""
