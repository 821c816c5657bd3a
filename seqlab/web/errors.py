"""API errors for people: every failure is a JSON body with a message and a hint, in the request's language.

The message says what was expected and what came (``hidden: expected a whole number
such as 4, got true``); the hint says what to do. Never a stack trace, never a pointer
to the schema: the page shows these texts as they are.
"""

from __future__ import annotations

import json
import math

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from seqlab.errors import ModelUnavailable, NoVectors, SeqlabError
from seqlab.i18n import N_, _


class NotReady(Exception):
    """A resource still being prepared (503 with Retry-After)."""

    def __init__(self, message: str, hint: str, retry_after: float, detail: dict | None = None):
        super().__init__(message)
        self.message, self.hint, self.retry_after, self.detail = message, hint, retry_after, detail


class Saturated(Exception):
    """Too many requests of one kind are running or waiting (503 with Retry-After)."""

    def __init__(self, kind: str, retry_after: float):
        super().__init__(kind)
        self.kind, self.retry_after = kind, retry_after


def body(status: int, message: str, hint: str | None = None, detail=None, headers: dict | None = None,
         retry_after_s: float | None = None) -> JSONResponse:
    content = {"error": message}
    if hint:
        content["hint"] = hint
    if detail is not None:
        content["detail"] = detail
    if retry_after_s is not None:
        content["retry_after_s"] = retry_after_s
    return JSONResponse(content, status_code=status, headers=headers)


def retry_after(seconds: float) -> str:
    """The Retry-After header: whole seconds (HTTP's), 1 to 120."""
    return str(max(1, min(120, math.ceil(seconds))))


RETRY_AFTER_MIN_S = 0.25  # the finest wait a busy gate asks for (its estimate is often a few tens of ms)


def retry_after_s(seconds: float) -> float:
    """The same wait, finer than whole seconds, for the body's ``retry_after_s``: a gate that frees a slot every
    0.1 s should not have the page wait a whole second (the page and scripts read it before the header)."""
    return round(max(RETRY_AFTER_MIN_S, min(120.0, seconds)), 2)


def _shown(value) -> str:
    """A value as it came in the JSON (``true``, ``"4"``), cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


FIELDS = {  # API field -> what the page calls it (the field's own name follows in brackets, for API users)
    "text": N_("text"), "a": N_("first sentence"), "b": N_("second sentence"), "word": N_("word"),
    "expression": N_("analogy"), "hidden": N_("hidden size"), "seed": N_("seed"), "cell": N_("cell"),
    "steps": N_("steps"), "layer": N_("layer"), "head": N_("head"), "model": N_("model"), "form": N_("form"),
    "forget_bias": N_("LSTM forget-gate bias"), "cells": N_("cells"),
}


def field_name(loc: list[str]) -> str:
    """``["b"]`` -> "second sentence (b)"; a field the page does not show (or names alike) keeps its API name.

    >>> field_name(["k"])
    'k'
    """
    name = ".".join(loc)
    label = _(FIELDS[name]) if name in FIELDS else name
    return label if label == name else _("{label} ({name})").format(label=label, name=name)


def field_problem(error: dict) -> str:
    """One validation error of pydantic, as a sentence for a person."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    loc = [str(p) for p in error.get("loc", ()) if p != "body"]
    field = field_name(loc) if loc else _("the request body")
    got = _shown(error.get("input"))
    messages = {
        "missing": _("{field}: this field is required"),
        "extra_forbidden": _("{field}: this API has no such field"),
        "int_type": _("{field}: expected a whole number such as 4, got {got}"),
        "int_parsing": _("{field}: expected a whole number such as 4, got {got}"),
        "float_type": _("{field}: expected a number such as 1.5, got {got}"),
        "finite_number": _("{field}: must be a finite number, got {got}"),
        "bool_type": _("{field}: expected true or false, got {got}"),
        "string_type": _("{field}: expected text in quotes, got {got}"),
        "string_unicode": _("{field}: holds text that is not valid Unicode (a lone surrogate such as \\ud800)"),
        "list_type": _("{field}: expected a list such as [\"lstm\"], got {got}"),
        "literal_error": _("{field}: expected one of {expected}, got {got}"),
        "enum": _("{field}: expected one of {expected}, got {got}"),
        "greater_than_equal": _("{field}: must be at least {ge}, got {got}"),
        "greater_than": _("{field}: must be more than {gt}, got {got}"),
        "less_than_equal": _("{field}: must be at most {le}, got {got}"),
        "less_than": _("{field}: must be less than {lt}, got {got}"),
        "string_too_long": _("{field}: at most {max_length:,} characters, got {n:,}"),
        "string_too_short": _("{field}: is empty; type at least one visible character"),
        "too_short": _("{field}: needs at least {min_length} items"),
        "too_long": _("{field}: takes at most {max_length} items"),
        "empty_text": _("{field}: is empty; type at least one visible character"),
        "invisible_text": _("{field}: has no character that shows (only spaces or invisible characters); type at least "
                            "one visible character"),
        "duplicate_item": _("{field}: lists {value} twice; give each value once"),
        "model_attributes_type": _("the request body must be a JSON object such as {example}"),
        "dict_type": _("the request body must be a JSON object such as {example}"),
        "model_type": _("the request body must be a JSON object such as {example}"),
    }
    template = messages.get(kind)
    if template is None:
        return _("{field}: this value cannot be used: {got}").format(field=field, got=got)
    value = error.get("input")
    return template.format(field=field, got=got, n=len(value) if isinstance(value, str) else 0,
                           expected=str(ctx.get("expected", "")).replace(" or ", ", "),  # pydantic's English "or"
                           example='{"text": "안녕하세요"}',
                           **{k: ctx[k] for k in ("ge", "gt", "le", "lt", "max_length", "min_length", "value")
                              if k in ctx})


def install(app) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return body(422, _("the request body is not valid JSON"),
                        _("Send a JSON object such as {example}.").format(example='{"text": "안녕하세요"}'))
        problems = [field_problem(e) for e in errors]
        return body(422, "; ".join(problems[:5]), _("Fix the value and send the request again."),
                    [{"loc": [str(p) for p in e.get("loc", ())], "message": m} for e, m in zip(errors, problems)])

    @app.exception_handler(NoVectors)  # a model without vectors named where they are needed: the request's fault
    async def no_vectors(_request: Request, exc: NoVectors):
        return body(400, exc.message, exc.page_hint or exc.hint)

    @app.exception_handler(ModelUnavailable)
    async def unavailable(_request: Request, exc: ModelUnavailable):
        return body(404, exc.message, exc.page_hint or exc.hint)

    @app.exception_handler(SeqlabError)
    async def bad_input(_request: Request, exc: SeqlabError):
        return body(400, exc.message, exc.page_hint or exc.hint)

    @app.exception_handler(NotReady)
    async def not_ready(_request: Request, exc: NotReady):
        return body(503, exc.message, exc.hint, exc.detail, {"Retry-After": retry_after(exc.retry_after)})

    @app.exception_handler(Saturated)
    async def saturated(_request: Request, exc: Saturated):
        wait = retry_after(exc.retry_after)
        kinds = {"encoder": _("encoder"), "attention": _("attention"), "trace": _("trace"),
                 "gradflow": _("gradient flow"), "words": _("word vector"), "predict": _("prediction")}
        return body(503, _("the server is busy with other {kind} requests").format(kind=kinds.get(exc.kind, exc.kind)),
                    _("Try again in {seconds} s.").format(seconds=wait), headers={"Retry-After": wait},
                    retry_after_s=retry_after_s(exc.retry_after))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code == 404:
            return body(404, _("there is nothing at {path}").format(path=request.url.path),
                        _("The page is at /, the API's description at /docs."))
        if exc.status_code == 405:
            return body(405, _("{method} is not allowed at {path}").format(method=request.method,
                                                                           path=request.url.path),
                        _("The API's description at /docs lists the methods."))
        return body(exc.status_code, str(exc.detail))

    @app.exception_handler(UnicodeError)
    async def bad_unicode(_request: Request, exc: UnicodeError):
        return body(400, _("the request holds text that is not valid Unicode"), _("Send UTF-8 JSON."))

    @app.exception_handler(Exception)
    async def bug(_request: Request, exc: Exception):  # a bug: say so, without a stack trace
        return body(500, _("internal error ({name}); this is a bug in seqlab").format(name=type(exc).__name__),
                    _("Please report it with the text you sent."))
