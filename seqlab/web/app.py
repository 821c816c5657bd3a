"""The FastAPI application: JSON routes over the library, the static page, and the request limits.

Limits: request bodies over ``max_body`` bytes get 413 before they are read;
text fields are at most :data:`~seqlab.web.schemas.MAX_TEXT` characters; each
request's work runs in a worker thread with a time limit (408 when exceeded).
Model names come only from the registry or the allowlist given at start, so no
file path ever arrives from the browser, and nothing is fetched per request.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from seqlab import __version__
from seqlab.web import errors
from seqlab.web.schemas import (
    MAX_TEXT,
    AnalogyBody,
    AttentionBody,
    EmbedBody,
    GradflowBody,
    NeighborsBody,
    PredictBody,
    SimilarityBody,
    TokenizeBody,
    TraceBody,
)
from seqlab.web.service import SAMPLE, ServeConfig, Service

STATIC = Path(__file__).parent / "static"


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
        import koreanize_matplotlib
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    source = next((f for f in Path(koreanize_matplotlib.__file__).parent.rglob("NanumGothic.ttf")), None)
    if source is None:
        return None
    font = TTFont(str(source))
    for tag in [t for t in font if t.startswith("TSI")]:
        del font[tag]
    buffer = io.BytesIO()
    font.save(buffer)
    return atomic_write_bytes(target, buffer.getvalue())


def create_app(config: ServeConfig | None = None, warm: bool = True) -> FastAPI:
    """The app; ``warm`` starts building the word vectors in the background at start-up."""
    config = config or ServeConfig()
    service = Service(config)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        # load the default models before the first request: concurrent first imports of transformers
        # in worker threads are not safe, and the first visitor should not wait for them
        await run_in_threadpool(service.preload)
        if warm:
            service.start_wordvectors()
        yield

    app = FastAPI(title="seqlab", version=__version__, lifespan=lifespan,
                  description="Every number of the NLP pipeline: tokens, ids, vectors, RNN/LSTM/GRU steps, gradients.")
    app.state.service = service
    errors.install(app)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > config.max_body):
            return JSONResponse({"error": f"request body over {config.max_body // 1024} KB"}, status_code=413)
        if length is None and request.method in ("POST", "PUT", "PATCH"):
            body = b""
            async for chunk in request.stream():  # chunked upload: count as it arrives
                body += chunk
                if len(body) > config.max_body:
                    return JSONResponse({"error": f"request body over {config.max_body // 1024} KB"}, status_code=413)
            request._body = body
        return await call_next(request)

    async def run(fn, *args):
        try:
            result = await asyncio.wait_for(run_in_threadpool(fn, *args), timeout=config.timeout_s)
            # the records are plain JSON types already: skip FastAPI's element-by-element jsonable_encoder;
            # orjson writes the many floats of a trace about ten times faster than json
            return Response(orjson.dumps(result), media_type="application/json")
        except TimeoutError:
            return JSONResponse({"error": f"the request took longer than {config.timeout_s:g} s",
                                 "hint": "Use a shorter text or smaller sizes."}, status_code=408)

    @app.get("/api/models")
    async def models():
        """The models this server offers (the registry, plus any allowed at start)."""
        return {"models": service.models(), "default": "e5-small", "sample": SAMPLE, "max_text": MAX_TEXT,
                "checkpoint": str(config.checkpoint) if config.checkpoint else None}

    @app.post("/api/tokenize")
    async def tokenize(body: TokenizeBody):
        """Tokens, ids, offsets into the original text, [UNK]s, and Kiwi morphemes alongside."""
        return await run(service.tokenize, body.text, body.model)

    @app.post("/api/embed")
    async def embed(body: EmbedBody):
        """last_hidden_state [1, T, H] with its shape explained, token previews and a heatmap."""
        return await run(service.embed, body.text, body.model, body.preview, body.full)

    @app.post("/api/similarity")
    async def similarity(body: SimilarityBody):
        """Cosine similarity of two sentence vectors."""
        return await run(service.similarity, body.a, body.b, body.model)

    @app.post("/api/analogy")
    async def analogy(body: AnalogyBody):
        """Word analogy by vector arithmetic over the embedded model's word vectors."""
        return await run(service.analogy, body.expression, body.k)

    @app.post("/api/neighbors")
    async def neighbors(body: NeighborsBody):
        """Nearest words by cosine."""
        return await run(service.neighbors, body.word, body.k)

    @app.post("/api/trace")
    async def trace(body: TraceBody):
        """Every number of every step of an RNN/LSTM/GRU over the text's vectors."""
        return await run(service.trace, body)

    @app.post("/api/gradflow")
    async def gradflow(body: GradflowBody):
        """‖∂L/∂h_k‖ per step for each cell (seqlab's BPTT)."""
        return await run(service.gradflow, body)

    @app.post("/api/attention")
    async def attention(body: AttentionBody):
        """Attention weights of every layer and head."""
        return await run(service.attention, body.text, body.model)

    @app.post("/api/predict")
    async def predict(body: PredictBody):
        """The loaded classifier's probability for the text, with its LSTM trace."""
        return await run(service.predict, body.text)

    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/static/fonts/NanumGothic.ttf", include_in_schema=False)
    async def nanum():
        font = await run_in_threadpool(nanum_font)
        if font is None:
            return JSONResponse({"error": "no NanumGothic font available"}, status_code=404)
        return FileResponse(font, media_type="font/ttf")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return Response(status_code=204)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    return app
