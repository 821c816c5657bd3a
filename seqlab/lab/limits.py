"""How much work the lab's commands may do: shared by the lab, the CLI's range checks and their help (no imports
but :mod:`seqlab.limits`, so that ``seqlab --help`` does not load NumPy)."""

from seqlab.limits import SEED_MAX  # noqa: F401  one owner (below every layer); the lab's commands import it from here

ORDER_MAX_HIDDEN = 1024  # order-demo shows a trace's numbers: a trace's limit (seqlab.pipeline.limits.MAX_HIDDEN)

GRADFLOW_DEFAULT_STEPS = 100  # the command's, the API's and the page's default (index.html's gsteps box; tested)
GRADFLOW_DEFAULT_HIDDEN = 64
GRADFLOW_MAX_STEPS = 2000
GRADFLOW_MAX_HIDDEN = 256  # the RNN's per-step factor is a matrix norm (an SVD of H x H) at every step

LONG_TERM_MAX_LENGTH = 1000
LONG_TERM_MAX_STEPS = 100_000
FORGET_BIAS_RANGE = (-20.0, 20.0)  # σ(±20) is 1 or 0 to float64's last digit: a wider bias changes nothing

# The long-term lab's defaults, said in its --help (so they live here, without NumPy): each task's lengths and training
# budget (its recipe, seqlab.lab.longterm.RECIPES, takes them from here), and the LSTM's forget-gate bias, the common
# default (Jozefowicz et al. 2015; Keras unit_forget_bias).
LONG_TERM_DEFAULT_LENGTHS = {"adding": (100, 200), "first-token": (10, 50, 100)}
LONG_TERM_DEFAULT_STEPS = {"adding": 3000, "first-token": 1000}
DEFAULT_FORGET_BIAS = 1.0
