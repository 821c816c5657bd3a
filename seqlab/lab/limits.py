"""How much work the lab's commands may do: shared by the lab, the CLI's range checks and their help (no imports,
so that ``seqlab --help`` does not load NumPy)."""

SEED_MAX = 2**32 - 1  # the largest seed numpy's generators and torch take

ORDER_MAX_HIDDEN = 1024  # order-demo shows a trace's numbers: a trace's limit (seqlab.pipeline.limits.MAX_HIDDEN)

GRADFLOW_MAX_STEPS = 2000
GRADFLOW_MAX_HIDDEN = 256  # the RNN's per-step factor is a matrix norm (an SVD of H x H) at every step

LONG_TERM_MAX_LENGTH = 1000
LONG_TERM_MAX_STEPS = 100_000
FORGET_BIAS_RANGE = (-20.0, 20.0)  # σ(±20) is 1 or 0 to float64's last digit: a wider bias changes nothing
