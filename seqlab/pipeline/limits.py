"""How much work one trace may do: shared by the pipeline, the CLI's range checks and the web app (no imports)."""

MAX_HIDDEN = 1024  # a trace is for reading: larger layers are for training
MAX_TRACE_BYTES = 2 << 30  # what one trace may hold in memory (every step's numbers, and dW_hh per step)
