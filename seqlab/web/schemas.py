"""Request bodies of the JSON API: strict types, and the limits that keep every request small and quick.

Types are strict: ``"hidden": "4"`` and ``"hidden": true`` are refused (422), not read as 4 and 1.
Texts must hold a visible character: an empty text would run the whole pipeline on ``<s></s>``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from seqlab.lab.limits import FORGET_BIAS_RANGE, GRADFLOW_DEFAULT_HIDDEN, GRADFLOW_DEFAULT_STEPS
from seqlab.limits import SEED_MAX
from seqlab.pipeline.limits import TRACE_DEFAULT_HIDDEN, TRACE_DEFAULT_SEED
from seqlab.text.unicode import has_visible
from seqlab.vectors.limits import (  # as embed --preview: a 768-wide model previews more than 384
    PAGE_PREVIEW,
    PREVIEW_RANGE,
)
from seqlab.vectors.word_input import MAX_WORD  # the library's own limit: the page, /api/models and the server agree

MAX_TEXT = 2000  # characters per text field (documented in the README)
MAX_EXPRESSION = 200  # characters of an analogy expression


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _visible(value: str) -> str:
    if not has_visible(value):  # spaces and zero-width characters alone are refused too, as nothing to read
        kind = "empty_text" if value == "" else "invisible_text"
        raise PydanticCustomError(kind, "empty")  # the error handler words it for a person
    return value


class TextBody(_Body):
    text: str = Field(max_length=MAX_TEXT, description="Korean or English text, at least one visible character")
    model: str | None = Field(default=None, max_length=200, description="a model from /api/models (default e5-small)")

    @field_validator("text")
    @classmethod
    def has_visible_text(cls, value: str) -> str:
        return _visible(value)


class TokenizeBody(TextBody):
    pass


class NormalizeBody(_Body):
    text: str = Field(max_length=MAX_TEXT)
    form: Literal["NFC", "NFD", "NFKC", "NFKD"] = "NFC"

    @field_validator("text")
    @classmethod
    def has_visible_text(cls, value: str) -> str:
        return _visible(value)


class CompareBody(_Body):
    text: str = Field(max_length=MAX_TEXT)

    @field_validator("text")
    @classmethod
    def has_visible_text(cls, value: str) -> str:
        return _visible(value)


class EmbedBody(TextBody):
    preview: int = Field(default=PAGE_PREVIEW, ge=PREVIEW_RANGE[0], le=PREVIEW_RANGE[1], description="numbers shown per token vector")
    full: bool = Field(default=False, description="include every number of last_hidden_state (6 decimals)")


class SimilarityBody(_Body):
    a: str = Field(max_length=MAX_TEXT)
    b: str = Field(max_length=MAX_TEXT)
    model: str | None = Field(default=None, max_length=200)

    @field_validator("a", "b")
    @classmethod
    def has_visible_text(cls, value: str) -> str:
        return _visible(value)


class AnalogyBody(_Body):
    expression: str = Field(max_length=MAX_EXPRESSION, description='e.g. "왕 - 남자 + 여자"')
    k: int = Field(default=10, ge=1, le=50)

    @field_validator("expression")
    @classmethod
    def has_visible_text(cls, value: str) -> str:
        return _visible(value)


class NeighborsBody(_Body):
    word: str = Field(min_length=1, max_length=MAX_WORD)
    k: int = Field(default=10, ge=1, le=50)

    @field_validator("word")
    @classmethod
    def has_visible_text(cls, value: str) -> str:
        return _visible(value)


class TraceBody(TextBody):
    cell: Literal["rnn", "lstm", "gru"] = "lstm"
    hidden: int | None = Field(default=None, ge=1, le=64, description=f"hidden size (default {TRACE_DEFAULT_HIDDEN})")
    input_dim: int | None = Field(default=None, ge=1, description="reduce inputs by PCA (2-3 to check by hand); at most "
                                                                   "the model's width, which the trace checks")
    seed: int | None = Field(default=None, ge=0, le=SEED_MAX, description="seed of the initialization "
                                                                                 f"(default {TRACE_DEFAULT_SEED})")
    backward: bool = False
    checkpoint: bool = Field(default=False, description="use the trained model the server was started with (it brings "
                                                        "its own model, hidden size and weights: model, hidden, "
                                                        "input_dim and seed are refused with it)")
    full: bool = Field(default=False, description="large matrices included, 6 decimals (default: 4 decimals, the "
                                                   "page's precision, and matrices over 64 numbers as shapes)")


class GradflowBody(_Body):
    cells: list[Literal["rnn", "lstm", "gru"]] = Field(default=["rnn", "lstm", "gru"], min_length=1, max_length=3,
                                                       json_schema_extra={"uniqueItems": True})
    steps: int = Field(default=GRADFLOW_DEFAULT_STEPS, ge=2, le=300,
                       description="sequence length: at least 2 steps make a chart")
    hidden: int = Field(default=GRADFLOW_DEFAULT_HIDDEN, ge=1, le=128)
    forget_bias: float | None = Field(default=None, ge=FORGET_BIAS_RANGE[0], le=FORGET_BIAS_RANGE[1],
                                      allow_inf_nan=False)  # as --forget-bias: NaN is "not finite", not "over 20"
    seed: int = Field(default=0, ge=0, le=SEED_MAX)  # as the CLI's --seed

    @field_validator("cells")
    @classmethod
    def each_cell_once(cls, value: list[str]) -> list[str]:
        """As the CLI's --cells: a cell named twice is refused, never dropped silently."""
        twice = next((v for i, v in enumerate(value) if v in value[:i]), None)
        if twice is not None:
            raise PydanticCustomError("duplicate_item", "{value} twice", {"value": twice})
        return value


class AttentionBody(TextBody):
    layer: int = Field(default=0, ge=0, le=63, description="which layer (0 = the first)")
    head: int | None = Field(default=None, ge=0, le=63, description="which head; null = the mean over the heads")


class PredictBody(_Body):
    text: str = Field(max_length=MAX_TEXT)

    @field_validator("text")
    @classmethod
    def has_visible_text(cls, value: str) -> str:
        return _visible(value)



# -- answers: what /docs and /redoc show for the errors every route may give ------------------------------------

class FieldProblem(BaseModel):
    loc: list[str] = Field(description='where in the body, e.g. ["hidden"]')
    message: str = Field(description="what was wrong with it, for a person")


class ErrorBody(BaseModel):
    """Every error of the API: a message for a person and what to do, in the request's language."""

    error: str = Field(description="what was expected and what came")
    hint: str | None = Field(default=None, description="what to do")
    detail: list[FieldProblem] | dict | None = Field(default=None, description="422: one entry per field; 503: the "
                                                                                 "build's progress, where there is one")
    retry_after_s: float | None = Field(default=None, description="503 from a busy route: the seconds to wait, finer "
                                                                  "than Retry-After's whole seconds (at least 0.25)")


def _error(text: str, **extra) -> dict:
    return {"model": ErrorBody, "description": text, **extra}


RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before sending the request again",
                               "schema": {"type": "integer"}}}
ERRORS = {  # the answers of every POST route besides 200 (FastAPI's own 422 shape is not what the API sends)
    400: _error("the input cannot be used (a text the model cannot read, a model without vectors, …), or the Host "
                "header is not this server's"),
    404: _error("the model is not available offline"),
    408: _error("the request took longer than the server's time limit"),
    413: _error("the body is larger than the server accepts"),
    422: _error("a field of the body is missing, of the wrong type or out of its range"),
    503: _error("busy with other requests of this kind, or the word vectors are still being built: wait as long "
                "as Retry-After says", headers=RETRY_AFTER),
}
