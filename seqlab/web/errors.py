"""API errors: every failure becomes a JSON body with a message (never a stack trace), and a 4xx code."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from seqlab.errors import ModelUnavailable, SeqlabError


class NotReady(Exception):
    """A resource still being prepared (503 with Retry-After)."""


def _body(status: int, message: str, hint: str | None = None, detail=None) -> JSONResponse:
    content = {"error": message}
    if hint:
        content["hint"] = hint
    if detail is not None:
        content["detail"] = detail
    return JSONResponse(content, status_code=status)


def install(app) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        message = "; ".join(problems[:5]) or "invalid request"
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            message = "the request body is not valid JSON"
        return _body(422, message, "See /openapi.json for the expected fields.",
                     [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()])

    @app.exception_handler(ModelUnavailable)
    async def unavailable(_: Request, exc: ModelUnavailable):
        return _body(404, exc.message, exc.hint)

    @app.exception_handler(SeqlabError)
    async def bad_input(_: Request, exc: SeqlabError):
        return _body(400, exc.message, exc.hint)

    @app.exception_handler(NotReady)
    async def not_ready(_: Request, exc: NotReady):
        response = _body(503, str(exc), "Try again in a minute.")
        response.headers["Retry-After"] = "30"
        return response

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException):
        return _body(exc.status_code, str(exc.detail))

    @app.exception_handler(UnicodeError)
    async def bad_unicode(_: Request, exc: UnicodeError):
        return _body(400, "the request holds text that is not valid Unicode", "Send UTF-8 JSON.")

    @app.exception_handler(Exception)
    async def bug(_: Request, exc: Exception):  # a bug: say so, without a stack trace
        return _body(500, f"internal error ({type(exc).__name__}); this is a bug in seqlab")
