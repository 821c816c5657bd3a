"""The FastAPI application: JSON routes over the library, the page, offline API docs, and the request limits.

Limits: the Host allowlist, the body limit and the request's language come first
(:mod:`seqlab.web.guard`); text fields are at most
:data:`~seqlab.web.schemas.MAX_TEXT` characters; heavy routes pass a gate that
bounds how many run at once (:mod:`seqlab.web.gates`, 503 with Retry-After when
full); each request's work runs in a worker thread with a time limit (408 when
exceeded); answers are at most :data:`~seqlab.web.serialize.MAX_RESPONSE_BYTES`.
Model names come only from the registry or the allowlist given at start, so no
file path ever arrives from the browser, and nothing is fetched per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from pathlib import Path

from fastapi import Request
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool

from seqlab import __version__
from seqlab.i18n import LANGUAGE_NAMES, _, current
from seqlab.pretrained.registry import DEFAULT_MODEL
from seqlab.render.fragments import asset
from seqlab.web import errors
from seqlab.web.answers import Abandoned, SharedAnswers
from seqlab.web.gates import ENCODER_COSTS, Gate, default_gates
from seqlab.web.guard import Guard, bound_hosts
from seqlab.web.messages import messages_json, page_messages, page_script
from seqlab.web.schemas import (
    ERRORS,
    MAX_EXPRESSION,
    MAX_TEXT,
    MAX_WORD,
    AnalogyBody,
    AttentionBody,
    CompareBody,
    EmbedBody,
    GradflowBody,
    NeighborsBody,
    NormalizeBody,
    PredictBody,
    SimilarityBody,
    TokenizeBody,
    TraceBody,
)
from seqlab.web.serialize import json_bytes, json_response
from seqlab.web.service import SAMPLE, SECOND, ServeConfig, Service

STATIC = Path(__file__).parent / "static"
# How long the server keeps an idle connection open (uvicorn's default: 5 s). A client that sends on a kept-alive
# connection just as the server closes it gets no answer (ReadError); at 5 s that met clients resting about 5 s between
# requests (a page's student, a client honouring Retry-After): 5 ReadErrors in three closed-loop runs, none in three
# at 75 s (docs/benchmarks.md). 75 s is nginx's default; httpx drops idle connections after 5 s itself.
KEEP_ALIVE_S = 75


def dejavu_font() -> Path:
    """DejaVu Sans, from matplotlib's own fonts (a dependency): the page takes only its backslash."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def nanum_font() -> Path | None:
    """NanumGothic for the page (Hangul without a CDN), from the copy koreanize-matplotlib bundles.

    That file carries empty VTT hinting-source tables (TSI*), which browsers' font sanitizer rejects
    ("OTS parsing error: TSI3"); a copy without them is made once in ``$SEQLAB_HOME/fonts``.
    """
    import io

    from seqlab.storage import atomic_write_bytes, seqlab_home

    target = seqlab_home() / "fonts" / "NanumGothic-web.ttf"
    if target.exists():
        return target
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    from seqlab.render.plots import nanum_fonts

    source = next((f for f in nanum_fonts() if f.name == "NanumGothic.ttf"), None)
    if source is None:
        return None
    font = TTFont(str(source))
    for tag in [t for t in font.keys() if t.startswith("TSI")]:  # noqa: SIM118  iterating a TTFont indexes glyphs
        del font[tag]
    buffer = io.BytesIO()
    font.save(buffer)
    return atomic_write_bytes(target, buffer.getvalue())


@functools.cache
def redoc_bundle() -> bytes:
    """fastapi-offline's ReDoc bundle, less the one image it still loads from a CDN (the sidebar's Redocly logo)."""
    import fastapi_offline

    bundle = (Path(fastapi_offline.__file__).parent / "static" / "redoc.standalone.js").read_bytes()
    return bundle.replace(b"https://cdn.redoc.ly/redoc/logo-mini.svg", b"/static-offline-docs/favicon.png")


@functools.cache
def page_template() -> str:
    return (STATIC / "index.html").read_text(encoding="utf-8")


def render_page(lang: str, notice: str = "") -> str:
    """index.html with the language on ``<html lang>``, the page's messages inline (no second request) and
    ``notice`` (plain text: what was wrong with the request) above everything."""
    import html

    info = page_messages(lang)
    return (page_template().replace("__LANG__", lang).replace("__TITLE__", info["title"])
            .replace("__MESSAGES__", messages_json(lang))
            .replace("__NOTICE__", html.escape(notice)))  # last: the user's text is never read as a placeholder


def script_response(request: Request, text: str, media: str) -> Response:
    """A script or style built in memory, with an ETag as static files have: a reload that has it gets 304."""
    import hashlib

    etag = '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'
    asked = request.headers.get("if-none-match", "")
    if asked.strip() == "*" or etag in asked:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(text.encode("utf-8"), media_type=f"{media}; charset=utf-8", headers={"ETag": etag})


async def views_asset(name: str, media: str, request: Request):
    """``views.js`` (the views' files joined, see :func:`seqlab.render.fragments.asset`) or ``views.css``."""
    return script_response(request, asset(name), media)


def create_app(config: ServeConfig | None = None, warm: bool = True):
    """The app; ``warm`` starts building the word vectors in the background at start-up."""
    config = config or ServeConfig()
    service = Service(config)
    gates = default_gates()
    shared = SharedAnswers()

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        # load the default models before the first request: concurrent first imports of transformers
        # in worker threads are not safe, and the first visitor should not wait for them
        await run_in_threadpool(service.preload)
        if warm:
            service.start_onnx()
            service.start_wordvectors()
            threading.Thread(target=service.warm_by_hand, daemon=True).start()
        yield

    app = FastAPIOffline(title="seqlab", version=__version__, lifespan=lifespan, redoc_url=None,
                         swagger_ui_parameters={"validatorUrl": None},
                         description="Every number of the NLP pipeline: tokens, ids, vectors, RNN/LSTM/GRU steps, "
                                     "gradients. The page is at /.")
    app.state.service = service
    app.state.gates = gates
    app.state.shared = shared
    errors.install(app)
    app.add_middleware(Guard, hosts=bound_hosts(config.host, config.allow_hosts), max_body=config.max_body,
                       lang=config.lang)

    async def answer(work: asyncio.Future):
        """The JSON bytes ``work`` gives, within the time limit (408 past it; the work goes on and is kept)."""
        try:
            data = await asyncio.wait_for(asyncio.shield(work), timeout=config.timeout_s)
        except TimeoutError:
            return errors.body(408, _("the request took longer than {seconds:g} s").format(seconds=config.timeout_s),
                               _("Use a shorter text or smaller sizes."))
        return json_response(data)

    async def run(gate: Gate | None, fn, *args, same: tuple | None = None, cost: float = 1.0):
        """``fn(*args)`` in a worker thread, through ``gate``, with the time limit; its result as JSON.

        ``same``: what makes two requests identical (the route and its body); such requests share one computation
        and its kept answer (web.answers), in the request's language and with the encoder's current engine. The
        time limit counts from a request's slot; one that joined an identical request counts from when it joined.
        ``cost``: the request's work, for the order in which waiting requests get a slot (:meth:`Gate.enter`).
        """
        key = None if same is None else (*same, current(), service.engine.engine)
        if key is not None:
            if (kept := shared.kept(key)) is not None:
                return json_response(kept)
            if (running := shared.running(key)) is not None:
                try:
                    return await answer(running)
                except Abandoned:  # the request it joined went away before its work started: ask again
                    return await run(gate, fn, *args, same=same, cost=cost)
            shared.begin(key)
        try:
            started = await gate.enter(cost) if gate is not None else None
        except BaseException as exc:
            if key is not None:
                shared.fail(key, exc)
            raise
        task = asyncio.ensure_future(run_in_threadpool(lambda: json_bytes(fn(*args))))
        if gate is not None:
            task.add_done_callback(lambda _task: gate.leave(started))  # the slot is held until the work ends
        if key is not None:
            task.add_done_callback(lambda done: shared.end(key, done))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())  # no "never retrieved" past a 408
        return await answer(task)

    @app.get("/api/models")
    async def models():
        """The models this server offers (the registry, plus any allowed at start)."""
        return {"models": service.models(), "default": DEFAULT_MODEL, "sample": SAMPLE, "second": SECOND,
                "max_text": MAX_TEXT, "max_expression": MAX_EXPRESSION, "max_word": MAX_WORD, "checkpoint": str(config.checkpoint) if config.checkpoint else None,
                "engine": service.engine.to_dict()}

    @app.get("/api/messages")
    async def messages(request: Request):
        """The page's words in the request's language (?lang=, the cookie, Accept-Language), from the catalog."""
        return page_messages(request.state.lang)

    @app.get("/api/wordvectors")
    async def wordvectors():
        """How far the word vectors of the analogy panel are built: done, total, and the seconds left."""
        return service.wordvector_status()

    @app.post("/api/normalize", responses=ERRORS)
    async def normalize(body: NormalizeBody):
        """Unicode normalization (NFC, NFD, …): what changed, and every invisible or direction-changing character."""
        return await run(None, service.normalize, body.text, body.form,
                         same=("normalize", body.model_dump_json()))

    @app.post("/api/tokenize", responses=ERRORS)
    async def tokenize(body: TokenizeBody):
        """Tokens, ids, offsets into the original text, [UNK]s, the model's window, and Kiwi morphemes alongside."""
        return await run(None, service.tokenize, body.text, body.model, same=("tokenize", body.model_dump_json()))

    @app.post("/api/compare", responses=ERRORS)
    async def compare(body: CompareBody):
        """The text through every embedded tokenizer (e5-small, minilm, kiwi, char, whitespace), side by side."""
        return await run(None, service.compare, body.text, same=("compare", body.model_dump_json()))

    @app.post("/api/embed", responses=ERRORS)
    async def embed(body: EmbedBody):
        """last_hidden_state [1, T, H] with its shape explained, token previews and a heatmap."""
        return await run(gates["encoder"], service.embed, body.text, body.model, body.preview, body.full,
                         same=("embed", body.model_dump_json()), cost=ENCODER_COSTS["embed"])

    @app.post("/api/similarity", responses=ERRORS)
    async def similarity(body: SimilarityBody):
        """Cosine similarity of two sentence vectors."""
        return await run(gates["encoder"], service.similarity, body.a, body.b, body.model,
                         same=("similarity", body.model_dump_json()), cost=ENCODER_COSTS["similarity"])

    @app.post("/api/analogy", responses=ERRORS)
    async def analogy(body: AnalogyBody):
        """Word analogy by vector arithmetic over the embedded model's word vectors (503 while they are built)."""
        return await run(gates["words"], service.analogy, body.expression, body.k,
                         same=("analogy", body.model_dump_json()))

    @app.post("/api/neighbors", responses=ERRORS)
    async def neighbors(body: NeighborsBody):
        """Nearest words by cosine (503 while the word vectors are built)."""
        return await run(gates["words"], service.neighbors, body.word, body.k,
                         same=("neighbors", body.model_dump_json()))

    @app.post("/api/trace", responses=ERRORS)
    async def trace(body: TraceBody):
        """Every number of every step of an RNN/LSTM/GRU over the text's vectors (its first 256 tokens)."""
        # the trained model's trace is not shared: its checkpoint may be trained again while the server runs
        return await run(gates["trace"], service.trace, body,
                         same=None if body.checkpoint else ("trace", body.model_dump_json()))

    @app.post("/api/gradflow", responses=ERRORS)
    async def gradflow(body: GradflowBody):
        """‖∂L/∂h_k‖ per step for each cell (seqlab's BPTT)."""
        return await run(gates["gradflow"], service.gradflow, body,
                         same=("gradflow", body.model_dump_json()))

    @app.post("/api/attention", responses=ERRORS)
    async def attention(body: AttentionBody):
        """Attention weights of one layer: one head, or the mean over its heads (head null); at most 128 tokens."""
        return await run(gates["attention"], service.attention, body.text, body.model, body.layer, body.head,
                         same=("attention", body.model_dump_json()))

    @app.post("/api/predict", responses=ERRORS)
    async def predict(body: PredictBody):
        """The loaded classifier's probability for the text, with its LSTM trace."""
        return await run(gates["predict"], service.predict, body.text)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def index(request: Request):
        bad = getattr(request.state, "bad_lang", None)
        if bad is not None:  # a person typed ?lang=kr: the page in the language they would otherwise get, saying so
            notice = _("unknown language {value!r}: the page is shown in {shown}. Use ?lang=ko or ?lang=en.").format(
                value=bad, shown=LANGUAGE_NAMES[request.state.lang])
            return HTMLResponse(render_page(request.state.lang, notice), status_code=422)
        page = HTMLResponse(render_page(request.state.lang))
        if "lang" in request.query_params:  # the choice is remembered, like the page's toggle
            page.set_cookie("seqlab_lang", request.state.lang, max_age=365 * 86400, samesite="strict")
        return page

    @app.api_route("/static/fonts/NanumGothic.ttf", methods=["GET", "HEAD"], include_in_schema=False)
    async def nanum():
        font = await run_in_threadpool(nanum_font)
        if font is None:
            return errors.body(404, _("no NanumGothic font is available"), _("Install koreanize-matplotlib."))
        return FileResponse(font, media_type="font/ttf", headers={"Cache-Control": "max-age=86400"})

    @app.api_route("/static/fonts/DejaVuSans.ttf", methods=["GET", "HEAD"], include_in_schema=False)
    async def dejavu():  # the page's backslash (NanumGothic draws U+005C as the won sign)
        return FileResponse(dejavu_font(), media_type="font/ttf", headers={"Cache-Control": "max-age=86400"})

    @app.get("/redoc", include_in_schema=False)
    async def redoc():
        return get_redoc_html(openapi_url="/openapi.json", title="seqlab - ReDoc", with_google_fonts=False,
                              redoc_js_url="/docs-assets/redoc.standalone.js",
                              redoc_favicon_url="/static-offline-docs/favicon.png")

    @app.get("/docs-assets/redoc.standalone.js", include_in_schema=False)
    async def redoc_js():
        return Response(redoc_bundle(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return Response(status_code=204)

    @app.api_route("/static/app.js", methods=["GET", "HEAD"], include_in_schema=False)
    async def app_js(request: Request):
        return script_response(request, page_script(), "text/javascript")

    # the views live with the renderers (notebooks draw with them too); the page loads them from here
    for name, media in (("views.js", "text/javascript"), ("views.css", "text/css")):
        app.add_api_route(f"/static/{name}", functools.partial(views_asset, name, media), methods=["GET", "HEAD"],
                          include_in_schema=False)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
