"""Long-term dependency tasks: sequences whose answer lies far back in time.

Two tasks share one interface (batches, loss, score on a validation or test set, the gradient of the
loss at the last step), so that one runner trains every cell on either:

- **adding** (Hochreiter & Schmidhuber 1997, in the variant of later RNN papers):
  each step carries a pair (value, marker); values are uniform in [0, 1]; one
  marker falls in the first half of the sequence and one in the second. The target
  is the sum of the two marked values. Predicting 1 always (the mean of the sum)
  scores MSE = Var(U₁ + U₂) = 1/6 ≈ 0.167. Remembering only the recent second value
  (answering U₂ + 0.5) already halves it, MSE = Var(U₁) = 1/12 ≈ 0.083; below that, a
  model must carry the first value across at least T/2 steps.
- **first-token**: T random symbols from {0, 1, 2, 3}; the label is the first one
  (chance 25%). Harder than it looks: nothing in the sequence says the first symbol
  matters, so the gradient has to reach step 0 before the model can learn it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.i18n import N_

TASKS = ("adding", "first-token")


@dataclass(frozen=True)
class AddingProblem:
    """The adding problem: inputs (B, T, 2) = (value, marker), target (B,) = the sum of the marked values."""

    name: str = "adding"
    input_size: int = 2  # (value, marker) per step
    outputs: int = 1  # one real number
    metric: str = "mse"  # mean squared error on a validation or test set; lower is better
    target: float = 0.01  # a run stops early once its validation MSE is at most this
    description: str = N_("the adding problem: sum the two marked values among T (value, marker) pairs")

    def batch(self, rng: np.random.Generator, n: int, length: int) -> tuple[np.ndarray, np.ndarray]:
        values = rng.random((n, length), dtype=np.float32)
        half = length // 2
        first = rng.integers(0, half, size=n)  # one marker in [0, T/2)
        second = rng.integers(half, length, size=n)  # one in [T/2, T)
        markers = np.zeros((n, length), dtype=np.float32)
        rows = np.arange(n)
        markers[rows, first] = 1.0
        markers[rows, second] = 1.0
        x = np.stack([values, markers], axis=-1)  # (B, T, 2)
        return x, values[rows, first] + values[rows, second]  # (B,)

    def baseline(self, y: np.ndarray) -> float:
        """MSE of always answering 1, the mean of the sum of two U[0, 1] values."""
        return float(np.mean((y - 1.0) ** 2))

    def score(self, outputs: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean((outputs[:, 0] - y) ** 2))

    def loss_grad(self, outputs: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂L/∂outputs for L = mean((ŷ - y)²): 2(ŷ - y)/B, shape (B, 1)."""
        return (2.0 * (outputs[:, 0] - y) / len(y))[:, None]

    def loss(self, outputs, y):  # torch tensors
        return ((outputs[:, 0] - y) ** 2).mean()

    def reached(self, score: float) -> bool:
        return score <= self.target


@dataclass(frozen=True)
class FirstToken:
    """The label is the first of T random symbols: inputs (B, T) symbol ids, target (B,) = x[:, 0]."""

    name: str = "first-token"
    symbols: int = 4
    embedding: int = 16  # each symbol is looked up in an embedding table of this width
    metric: str = "accuracy"  # accuracy on a validation or test set; higher is better
    target: float = 0.99
    description: str = N_("the label is the first of T random symbols (chance 25%)")

    @property
    def input_size(self) -> int:
        return self.embedding

    @property
    def outputs(self) -> int:
        return self.symbols

    def batch(self, rng: np.random.Generator, n: int, length: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.integers(0, self.symbols, size=(n, length))
        return x, x[:, 0].copy()

    def baseline(self, y: np.ndarray) -> float:
        """Accuracy of guessing: 1 / symbols."""
        return 1.0 / self.symbols

    def score(self, outputs: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean(outputs.argmax(axis=1) == y))

    def loss_grad(self, outputs: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂L/∂logits for the mean cross-entropy: (softmax - one-hot)/B."""
        p = np.exp(outputs - outputs.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(y)), y] -= 1.0
        return p / len(y)

    def loss(self, outputs, y):  # torch tensors
        import torch

        return torch.nn.functional.cross_entropy(outputs, y)

    def reached(self, score: float) -> bool:
        return score >= self.target


def get_task(name: str) -> AddingProblem | FirstToken:
    if name == "adding":
        return AddingProblem()
    if name == "first-token":
        return FirstToken()
    raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
