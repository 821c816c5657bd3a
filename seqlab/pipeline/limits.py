"""How much work one trace may do: shared by the pipeline and the CLI's range checks (no imports). The web app sets
its own, smaller bounds for a shared server (seqlab/web/schemas.py: hidden at most 64)."""

MAX_HIDDEN = 1024  # a trace is for reading: larger layers are for training
TRACE_DEFAULT_HIDDEN = 4  # the library's, the command's, the API's and the page's default (index.html's box; tested)
TRACE_DEFAULT_SEED = 0
MAX_TRACE_BYTES = 2 << 30  # what one trace may hold in memory (every step's numbers, and dW_hh per step)
