"""Mixed load on the web app: 30 clients cycling tokenize, embed, trace, attention and similarity for 20 s.

    python benchmarks/bench_web.py [--clients 30] [--seconds 20] [--retry] [--no-payloads] [--engine onnx|torch]
    python benchmarks/bench_web.py --classroom THINK_S [--clients 30] [--seconds 60]

Starts the app in its own process (uvicorn, as ``seqlab serve`` runs it, with the
analogy panel's word vectors built from a small vocabulary so that no build competes
for the cores), waits until it answers, then runs asyncio + httpx clients against it on
the same machine. Each client sends NSMC reviews from the test fixture (no route gets a
text twice, so no answer the server kept for identical requests answers:
seqlab.web.answers), one route after the other; a 503 is honoured like a browser would,
by waiting its Retry-After. Prints p50/p95/max latency of the successful answers and the
number of 503s per route, the machine's load before the run (with ``--retry``, a request
answered 503 is sent again, as the page does, and the time from its first try to its
answer is printed too: what a user waits for), and the payload sizes of attention (11,
99 and 128 tokens) and of the largest trace (250 tokens, hidden 64, full and backward).

``--classroom THINK_S`` replaces the closed loop with students at the page: each presses
Run (the requests the page sends, 503s retried as the page retries them; the first Run is
of the sentence the page opens with, pressed by the whole class within one second), reads,
sometimes presses Show attention or compares two sentences, and thinks THINK_S seconds on
average. It prints the time of each Run to its last answer, what a student waits for.

``--engine`` is ``seqlab serve --engine``: what runs e5-small's encoder layers for embed and
similarity (default onnx, as the server's; the run waits for their export, and says which ran).

Targets (issue 16): p95 < 300 ms for tokenize, trace and embed, < 1 s for attention; attention
at 128 tokens at most 1 MB per request.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import csv
import dataclasses
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from common import machine

from seqlab.web.service import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "nsmc_sample.tsv"
ROUTES = ("/api/tokenize", "/api/embed", "/api/trace", "/api/attention", "/api/similarity")
TARGETS = {"/api/tokenize": 300, "/api/embed": 300, "/api/trace": 300, "/api/attention": 1000}
LONG = "이 영화 정말 재밌어요 배우들 연기도 좋고 음악도 최고였어요 강추 "


def reviews() -> list[str]:
    with open(FIXTURE, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [r[1] for r in rows if r[1].strip()]


class Draws:
    """The texts sent: each route walks its own shuffled copy of the reviews, so that no route is sent a text twice
    (the server would answer it from the answer it kept: seqlab.web.answers) until it has had them all; ``wrapped``
    names the routes that went round (the report says so). A stream drawn with ``fresh=True`` (a class's Runs, which
    send their text to five routes) also skips every text any stream has given."""

    def __init__(self, texts: list[str]):
        self.texts, self.wrapped, self.given = texts, set(), set()
        self._next: dict[str, tuple[list[str], int]] = {}

    def __call__(self, route: str, fresh: bool = False) -> str:
        order, i = self._next.get(route) or (random.Random(route).sample(self.texts, len(self.texts)), 0)
        while fresh and i < len(order) and order[i] in self.given:
            i += 1
        if i == len(order):
            self.wrapped.add(route)
            i = 0
        self._next[route] = (order, i + 1)
        self.given.add(order[i])
        return order[i]


def body(route: str, rng: random.Random, draw: Draws) -> dict:
    text = draw(route)
    if route == "/api/trace":
        return {"text": text, "cell": rng.choice(["lstm", "gru", "rnn"]), "hidden": 4, "backward": True}
    if route == "/api/attention":
        return {"text": text, "layer": rng.randrange(12), "head": rng.choice([None, rng.randrange(12)])}
    if route == "/api/similarity":
        return {"a": text, "b": draw(route + " b")}
    return {"text": text}


def waited_for(r) -> float:
    """The seconds a 503 asks to wait, as the page reads them: the body's retry_after_s, else Retry-After."""
    try:
        return float(r.json()["retry_after_s"])
    except (ValueError, KeyError, TypeError):
        return float(r.headers.get("retry-after", "1"))


PATIENCE = 60.0  # seconds the page waits for turns the server asks for before it gives up (app.js busyPatience)


async def client(http, url, deadline, k, draw, results, answered, retry=False):
    """One client cycling the routes. A 503 is waited out as the server asks, then the client goes on to the next
    route. With ``retry`` each request is sent as the page sends it (:func:`ask`: again after each 503, for up to 60 s
    from its first try, also past the end of the run, so that no long wait is left out), and ``answered`` gets the
    time from the first try to the answer, or to giving up."""
    rng = random.Random(k)
    i = k
    while time.perf_counter() < deadline:
        route = ROUTES[i % len(ROUTES)]
        payload = body(route, rng, draw)
        i += 1
        if retry:
            status, waited = await ask(http, url, route, payload, rng, results)
            if status in (200, "gave up"):
                answered.append((route if status == 200 else route + " (gave up)", waited))
            continue
        status, r, seconds, _exc = await post(http, url, route, payload)
        results.append((route, status, seconds))
        if status == 503 and r is not None:  # wait as the server asks, like the page does
            await asyncio.sleep(min(waited_for(r), 5.0))


async def post(http, url, route, payload):
    """(status, response, seconds, exception): an exception is counted by its kind as the status, never fatal."""
    t0 = time.perf_counter()
    try:
        r = await http.post(url + route, json=payload)
    except Exception as exc:  # any failure is a result to count
        return type(exc).__name__, None, time.perf_counter() - t0, exc
    return r.status_code, r, time.perf_counter() - t0, None


async def ask(http, url, route, payload, rng, requests) -> tuple[int | str, float]:
    """One request as the page's ``api()`` sends it: a 503 is sent again after its Retry-After (plus up to 25 %
    jitter) for up to 60 s from the first try. Every try goes to ``requests``; returns the last status and the time
    from the first try to it."""
    import httpx

    first, resent = time.perf_counter(), False
    while True:
        status, r, seconds, exc = await post(http, url, route, payload)
        # a kept-alive connection the server closed while the student read (uvicorn: after 5 s idle): a browser
        # sends the request again on a new one, once; the report counts these
        if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError) and not resent:
            requests.append((route, status + " (sent again)", seconds))
            resent = True
            continue
        requests.append((route, status, seconds))
        if status != 503 or r is None:
            return status, time.perf_counter() - first
        asked = waited_for(r)
        left = PATIENCE - (time.perf_counter() - first)
        if left < asked:  # the page gives up here and says so
            return "gave up", time.perf_counter() - first
        await asyncio.sleep(min(left, asked * (1 + rng.random() * 0.25)))


async def student(http, url, deadline, k, draw, think, requests, runs, shows):
    """One student at the page: presses Run (the page sends normalize, tokenize, compare, embed and trace at once,
    and gradflow on the first Run; the first Run is of the sentence the page opens with), reads the answer, then one
    time in three presses Show attention (layer 0, mean over heads) and one time in three compares with a second
    sentence, then thinks for a random time (exponential, mean ``think`` s) before the next text. The class presses
    its first Run within the same second."""
    rng = random.Random(1000 + k)
    await asyncio.sleep(rng.random())
    first = True
    while time.perf_counter() < deadline:
        text = SAMPLE if first else draw("run", fresh=True)
        calls = [("/api/normalize", {"text": text, "form": "NFC"}), ("/api/tokenize", {"text": text}),
                 ("/api/compare", {"text": text}), ("/api/embed", {"text": text}),
                 ("/api/trace", {"text": text, "cell": "lstm", "hidden": 4, "seed": 0, "backward": True})]
        if first:
            calls.append(("/api/gradflow", {"steps": 100, "hidden": 64}))
        t0 = time.perf_counter()
        answers = await asyncio.gather(*(ask(http, url, route, body, rng, requests) for route, body in calls))
        runs.append((time.perf_counter() - t0, all(status == 200 for status, _t in answers), first))
        first = False
        button = rng.random()
        if button < 1 / 3:
            shows.append(("/api/attention", *await ask(http, url, "/api/attention",
                                                      {"text": text, "layer": 0, "head": None}, rng, requests)))
        elif button < 2 / 3:
            shows.append(("/api/similarity", *await ask(http, url, "/api/similarity",
                                                       {"a": text, "b": draw("second", fresh=True)}, rng, requests)))
        await asyncio.sleep(rng.expovariate(1 / think))


async def classroom(url, students, seconds, draw, think):
    import httpx

    requests: list[tuple[str, int | str, float]] = []
    runs: list[tuple[float, bool, bool]] = []
    shows: list[tuple[str, int | str, float]] = []
    limits = httpx.Limits(max_connections=6 * students, max_keepalive_connections=6 * students)
    async with httpx.AsyncClient(limits=limits, timeout=120) as http:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(student(http, url, deadline, k, draw, think, requests, runs, shows)
                               for k in range(students)))
    return requests, runs, shows


def report_classroom(requests, runs, shows) -> None:
    """Each Run's time to its last answer (what a student waits for), the buttons' times, and every try's status."""
    def line(name, seconds, n_bad, bad):
        ms = np.array(seconds) * 1000
        print(f"  {name:22} n={len(ms):4}  p50 {np.percentile(ms, 50):7.1f} ms  p95 {np.percentile(ms, 95):7.1f} ms  "
              f"max {ms.max():7.1f} ms  {bad}: {n_bad}")

    for name, pick in (("Run, the first", True), ("Run, later ones", False)):
        chosen = [r for r in runs if r[2] == pick]
        if chosen:
            line(name, [r[0] for r in chosen], sum(not r[1] for r in chosen), "with a failed panel")
    for route in ("/api/attention", "/api/similarity"):
        chosen = [s for s in shows if s[0] == route]
        if chosen:
            line(route, [s[2] for s in chosen], sum(s[1] != 200 for s in chosen), "failed")
    tries = collections.Counter(str(r[1]) for r in requests)
    busy = collections.Counter(r[0] for r in requests if r[1] == 503)
    print(f"  requests sent {len(requests):,} (retries included): " + ", ".join(f"{n:,} x {s}" for s, n in
                                                                               sorted(tries.items())))
    if busy:
        print("  503 by route: " + ", ".join(f"{route} {n}" for route, n in busy.most_common()))


async def load(url, clients, seconds, draw, retry=False):
    import httpx

    results: list[tuple[str, int, float]] = []
    answered: list[tuple[str, float]] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(client(http, url, deadline, k, draw, results, answered, retry)
                               for k in range(clients)))
    return results, answered


def serve(port: int, engine: str, gate_order: str = "cost") -> None:
    """The server process: the app as ``seqlab serve`` builds it (small word-vector vocabulary); ``gate_order``: who
    gets a freed encoder slot (web.gates.Gate.order; ``seqlab serve`` serves the cheapest first)."""
    import uvicorn

    from seqlab.web.app import KEEP_ALIVE_S, create_app
    from seqlab.web.service import ServeConfig

    app = create_app(ServeConfig(port=port, wordvec_korean=3000, wordvec_english=300, onnx=engine == "onnx"))
    gates = app.state.gates  # the routes look their gate up in this dict at each request
    gates["encoder"] = dataclasses.replace(gates["encoder"], order=gate_order)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE_S)


def text_of(http, url: str, tokens: int) -> tuple[str, int]:
    """A Korean text of about ``tokens`` e5 tokens (specials included)."""
    words = (LONG * 40).split()
    lo, hi = 1, len(words)
    while lo < hi:
        mid = (lo + hi) // 2
        n = len(http.post(url + "/api/tokenize", json={"text": " ".join(words[:mid])}).json()["tokens"])
        lo, hi = (mid + 1, hi) if n < tokens else (lo, mid)
    text = " ".join(words[:lo])
    return text, len(http.post(url + "/api/tokenize", json={"text": text}).json()["tokens"])


def payloads(url: str) -> list[str]:
    import httpx

    lines = []
    with httpx.Client(timeout=120) as http:
        for n in (11, 99, 128):
            text, got = text_of(http, url, n)
            head = http.post(url + "/api/attention", json={"text": text, "layer": 0, "head": 0})
            mean = http.post(url + "/api/attention", json={"text": text, "layer": 0, "head": None})
            lines.append(f"  /api/attention  {got:3d} tokens: one head {len(head.content) / 1024:7.1f} KB, "
                         f"mean over heads {len(mean.content) / 1024:7.1f} KB")
        text, got = text_of(http, url, 250)
        for full in (False, True):
            r = http.post(url + "/api/trace", json={"text": text, "hidden": 64, "backward": True, "full": full})
            lines.append(f"  /api/trace      {got:3d} tokens, hidden 64, backward{', full' if full else '      '}: "
                         f"{len(r.content) / 2**20:5.2f} MB (status {r.status_code})")
    return lines


def say_wrapped(draw: Draws) -> None:
    if draw.wrapped:
        print(f"  every review had been sent, and some were sent again (their kept answers may have answered) to: "
              f"{', '.join(sorted(draw.wrapped))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--retry", action="store_true",
                        help="send a request answered 503 again after its Retry-After, as the page does, and also "
                             "report the time from its first try to its answer")
    parser.add_argument("--engine", choices=("onnx", "torch"), default="onnx",
                        help="what runs e5-small's encoder layers in the server (seqlab serve --engine)")
    parser.add_argument("--no-payloads", action="store_true", help="skip the payload-size measurements")
    parser.add_argument("--classroom", type=float, metavar="THINK_S", default=None,
                        help="instead of closed-loop clients, --clients students at the page: each presses Run "
                             "(the page's requests, retried after 503 as the page does), reads, and thinks for "
                             "THINK_S seconds on average before the next text")
    parser.add_argument("--gate-order", choices=("cost", "arrival"), default="cost",
                        help="who gets a freed encoder slot: the cheapest waiting request (cost, as seqlab serve) "
                             "or the earliest (arrival, first come first served), to compare the two")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.port, args.engine, args.gate_order)
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--port", str(args.port), "--engine", args.engine,
                               "--gate-order", args.gate_order],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    url = f"http://127.0.0.1:{args.port}"
    texts = reviews()
    try:
        import httpx

        for _ in range(1200):  # the word vectors built and, with --engine onnx, the layers exported
            try:
                engine = httpx.get(url + "/api/models", timeout=2).json()["engine"]
                if (httpx.get(url + "/api/wordvectors", timeout=2).json()["state"] == "ready"
                        and engine["state"] in ("ready", "failed", "off")):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        draw = Draws(texts)  # the warm-up's texts are not sent again
        asyncio.run(load(url, 5, 5, draw))  # warm-up: first calls of every route (results not kept)
        load_before = os.getloadavg()
        if args.classroom is not None:
            requests, runs, shows = asyncio.run(classroom(url, args.clients, args.seconds, draw, args.classroom))
        else:
            results, answered = asyncio.run(load(url, args.clients, args.seconds, draw, args.retry))
        sizes = [] if args.no_payloads or args.classroom is not None else payloads(url)
        # after the run: sent before it, these texts would have had kept answers on the tokenize route
        tokens = [len(httpx.post(url + "/api/tokenize", json={"text": t}).json()["tokens"]) for t in texts[:200]]
    finally:
        server.terminate()
        server.wait()
    if args.classroom is not None:
        print(f"{machine()} · load average before the run {load_before[0]:.2f} (1 min), {load_before[1]:.2f} (5 min) "
              f"· {args.clients} students at the page, {args.seconds:.0f} s, {args.classroom:g} s to think on "
              f"average, server and clients on the same cores")
        print(f"e5-small's encoder layers: {engine['engine']} (asked: {args.engine}"
              f"{'; ' + engine['error'] if engine['error'] else ''}); texts: NSMC reviews, median "
              f"{int(np.median(tokens))} tokens (p95 {int(np.percentile(tokens, 95))})")
        say_wrapped(draw)
        report_classroom(requests, runs, shows)
        return
    ok = [r for r in results if r[1] == 200]
    print(f"{machine()} · load average before the run {load_before[0]:.2f} (1 min), {load_before[1]:.2f} (5 min) · "
          f"{args.clients} clients (httpx, asyncio), {args.seconds:.0f} s, server and clients on the same cores")
    print(f"e5-small's encoder layers: {engine['engine']} (asked: {args.engine}"
          f"{'; ' + engine['error'] if engine['error'] else ''}); encoder queue order: {args.gate_order}")
    print(f"texts: NSMC reviews, median {int(np.median(tokens))} tokens (p95 {int(np.percentile(tokens, 95))}); "
          f"{len(ok):,} answers 200 ({len(ok) / args.seconds:,.1f}/s), "
          f"{sum(r[1] == 503 for r in results)} answers 503, {sum(r[1] not in (200, 503) for r in results)} errors")
    say_wrapped(draw)
    errors = collections.Counter(f"{r[0]} {r[1]}" for r in results if r[1] not in (200, 503))
    if errors:
        print("errors: " + ", ".join(f"{what} x{n}" for what, n in errors.most_common()))
    for route in ROUTES:
        lat = np.array([r[2] for r in ok if r[0] == route]) * 1000
        busy = sum(r[1] == 503 for r in results if r[0] == route)
        target = TARGETS.get(route)
        verdict = "" if target is None or not len(lat) else (
            f"  target p95 < {target} ms: {'met' if np.percentile(lat, 95) < target else 'NOT met'}")
        if len(lat):
            print(f"  {route:16} n={len(lat):5,}  503s {busy:4}  p50 {np.percentile(lat, 50):7.1f} ms  "
                  f"p95 {np.percentile(lat, 95):7.1f} ms  max {lat.max():7.1f} ms{verdict}")
        else:
            print(f"  {route:16} no successful answer ({busy} 503s)")
    if args.retry:  # what a user waits for: the first try to the answer, the turns the server asked for included
        print("time to an answer, retries after 503 included:")
        for route in ROUTES:
            waited = np.array([t for r, t in answered if r == route]) * 1000
            gave_up = sum(r == route + " (gave up)" for r, _t in answered)
            if len(waited):
                print(f"  {route:16} n={len(waited):5,}  p50 {np.percentile(waited, 50):7.1f} ms  "
                      f"p95 {np.percentile(waited, 95):7.1f} ms  max {waited.max():7.1f} ms  gave up after 60 s: "
                      f"{gave_up}")
    if sizes:
        print("payload sizes:")
        for line in sizes:
            print(line)


if __name__ == "__main__":
    main()
