"""What every request passes before a route: the Host allowlist, the body limit, and the request's language.

- **Host.** A page on another site can point a host name of its own at 127.0.0.1
  (DNS rebinding) and then read this server as "same origin". Only the names the
  server was bound to answer: ``localhost``, ``127.0.0.1``, ``::1`` and ``--host``.
- **Body.** A body over the limit gets 413. The rest of it is read and thrown away
  first (up to :data:`DRAIN_LIMIT`), and the answer says ``Connection: close``:
  a client that sends its whole body before reading (Python's urllib) would
  otherwise see its connection reset instead of the 413.
- **HEAD.** Answered like GET (status and headers, no body) on every route that answers GET.
- **Language.** ``?lang=``, then the page's toggle (the ``seqlab_lang`` cookie), then the
  language ``seqlab serve --lang`` was given, then ``Accept-Language``; error messages follow it. A bad ``?lang=`` is a 422: for the page, the page
  itself in the language it would otherwise have, with a notice; for the API, an error body.

Written as plain ASGI so that the language context variable reaches the route's
worker thread and the body is checked before any route reads it.
"""

from __future__ import annotations

import socket
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

import orjson

from seqlab.i18n import LANGUAGES, _, from_accept_language, language_code, use_language
from seqlab.web.schemas import MAX_TEXT

LOOPBACK = ("localhost", "127.0.0.1", "::1")
DRAIN_LIMIT = 64 * 1024 * 1024  # read at most this much of an oversized body before closing
COOKIE = "seqlab_lang"


def bound_hosts(host: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The host names this server answers to: loopback, the bound address, and for 0.0.0.0/:: this machine's names."""
    names = {*LOOPBACK, host.strip("[]").lower(), *(h.lower() for h in extra)}
    if host in ("0.0.0.0", "::", ""):  # every interface: the machine's own names and addresses
        try:
            name = socket.gethostname()
            names |= {name.lower(), socket.getfqdn().lower()}
            names |= {info[4][0] for info in socket.getaddrinfo(name, None)}
        except OSError:
            pass
    return frozenset(names)


def host_name(header: str) -> str:
    """``[::1]:8000`` -> ``::1``; ``Localhost:8000`` -> ``localhost``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1: header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def choose_language(query: dict[str, list[str]], headers: dict[str, str],
                    default: str | None = None) -> tuple[str, str | None]:
    """(language, bad value of ?lang= or None). A bad ?lang= leaves the language the request would otherwise have:
    the cookie's, then the server's ``default`` (``seqlab serve --lang``), then Accept-Language's."""
    asked = query.get("lang", [None])[-1]
    if language_code(asked) is not None:  # ?lang=KO and ?lang=ko-KR too, as the CLI reads --lang
        return language_code(asked), None
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001  a malformed cookie header is ignored, like a browser would
        cookie = SimpleCookie()
    if COOKIE in cookie and cookie[COOKIE].value in LANGUAGES:
        return cookie[COOKIE].value, asked
    if default is not None:
        return default, asked
    return from_accept_language(headers.get("accept-language")), asked


class Guard:
    """ASGI middleware: Host allowlist, body limit (with a readable 413), and the language of each request."""

    def __init__(self, app, hosts: frozenset[str], max_body: int, lang: str | None = None):
        self.app, self.hosts, self.max_body, self.lang = app, hosts, max_body, lang

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        lang, bad_lang = choose_language(query, headers, self.lang)
        with use_language(lang):
            host = headers.get("host")
            if host is None and scope.get("http_version", "1.1") == "1.1":  # HTTP/1.1 requires it (RFC 9112 §3.2)
                await drain(receive, headers)
                return await answer(send, 400, _("the request has no Host header"),
                                    _("Send Host: localhost (HTTP/1.1 requires it)."), close=True)
            if host is not None and host_name(host) not in self.hosts:
                await drain(receive, headers)
                return await answer(send, 400, _("this server does not answer to the host name {host!r}").format(
                    host=host_name(host)), _("Open it as http://localhost or http://127.0.0.1, or start it with "
                                             "seqlab serve --host NAME."), close=True)
            if bad_lang is not None and scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):
                scope.setdefault("state", {})["bad_lang"] = bad_lang  # the page says so itself, readable
            elif bad_lang is not None:
                await drain(receive, headers)
                return await answer(send, 422, _("unknown language {value!r}").format(value=bad_lang),
                                    _("Use ?lang=ko or ?lang=en."))
            scope.setdefault("state", {})["lang"] = lang
            if scope["method"] == "HEAD":  # every GET resource answers HEAD: the same status and headers, no body
                return await self.app({**scope, "method": "GET"}, receive, headers_only(send))
            if scope["method"] in ("GET", "OPTIONS", "DELETE") and "content-length" not in headers \
                    and "transfer-encoding" not in headers:
                return await self.app(scope, receive, send)
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                if headers.get("expect", "").lower() != "100-continue":  # else the client has not sent it yet
                    await drain(receive, headers)
                return await self.too_large(send)
            chunks, size, more = [], 0, True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                more = message.get("more_body", False)
                if size > self.max_body:
                    if more:
                        await drain(receive, headers)
                    return await self.too_large(send)
            body, replayed = b"".join(chunks), False

            async def replay():
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            return await self.app(scope, replay, send)

    async def too_large(self, send):
        return await answer(send, 413, _("the request body is over {kb} KB").format(kb=self.max_body // 1024),
                            _("Send a shorter text: each text field takes at most {n:,} characters.").format(n=MAX_TEXT),
                            close=True)


def headers_only(send):
    """``send`` for a HEAD request answered by a GET route: the status and headers pass, the body does not."""

    async def wrapped(message):
        if message["type"] != "http.response.body":
            return await send(message)
        if not message.get("more_body", False):
            return await send({"type": "http.response.body", "body": b"", "more_body": False})
        return None

    return wrapped


async def drain(receive, headers: dict[str, str]) -> None:
    """Read what is left of the request body (at most DRAIN_LIMIT bytes), so that the client can read the answer."""
    if "content-length" not in headers and "transfer-encoding" not in headers:
        return
    read = 0
    while read <= DRAIN_LIMIT:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        read += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def answer(send, status: int, message: str, hint: str, close: bool = False) -> None:
    payload = orjson.dumps({"error": message, "hint": hint})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
