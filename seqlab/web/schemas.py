"""Request bodies of the JSON API, with the limits that keep every request small and quick."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_TEXT = 2000  # characters per text field (documented in the README)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextBody(_Body):
    text: str = Field(max_length=MAX_TEXT, description="Korean or English text")
    model: str | None = Field(default=None, max_length=200, description="a model from /api/models (default e5-small)")


class TokenizeBody(TextBody):
    pass


class EmbedBody(TextBody):
    preview: int = Field(default=8, ge=1, le=384, description="numbers shown per token vector")
    full: bool = Field(default=False, description="include every number of last_hidden_state")


class SimilarityBody(_Body):
    a: str = Field(max_length=MAX_TEXT)
    b: str = Field(max_length=MAX_TEXT)
    model: str | None = Field(default=None, max_length=200)


class AnalogyBody(_Body):
    expression: str = Field(max_length=200, description='e.g. "왕 - 남자 + 여자"')
    k: int = Field(default=10, ge=1, le=50)


class NeighborsBody(_Body):
    word: str = Field(min_length=1, max_length=100)
    k: int = Field(default=10, ge=1, le=50)


class TraceBody(TextBody):
    cell: Literal["rnn", "lstm", "gru"] = "lstm"
    hidden: int = Field(default=4, ge=1, le=64)
    input_dim: int | None = Field(default=None, ge=1, le=384, description="reduce inputs by PCA (2-3 to check by hand)")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    backward: bool = False
    checkpoint: bool = Field(default=False, description="use the trained model the server was started with")
    full: bool = Field(default=False, description="every number at full precision, large matrices included "
                                                   "(default: 6 decimals, matrices over 64 numbers as shapes)")


class GradflowBody(_Body):
    cells: list[Literal["rnn", "lstm", "gru"]] = Field(default=["rnn", "lstm", "gru"], min_length=1, max_length=3)
    steps: int = Field(default=100, ge=1, le=300)
    hidden: int = Field(default=64, ge=1, le=128)
    forget_bias: float | None = Field(default=None, ge=-10, le=10)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class AttentionBody(TextBody):
    pass


class PredictBody(_Body):
    text: str = Field(max_length=MAX_TEXT)
