"""Load test of the web app on loopback: 50 concurrent clients on /api/trace and /api/tokenize for 30 s.

    python benchmarks/bench_web.py [--clients 50] [--seconds 30]

Starts ``seqlab serve`` as its own process, waits until it answers, then runs
the clients against it: with ``wrk`` (Debian's package; C, so the load
generator takes little of the 2 cores) half the clients hold connections to
each route; without it, asyncio + httpx clients alternate the two routes.
A 20-token Korean sentence; trace is an LSTM with hidden size 4.
Reports errors, p50/p95 latency per route and the throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from common import machine

TEXT = "이 영화 정말 재밌어요 배우들 연기도 좋고 음악도 최고였어요 강추"  # 20 tokens with <s> and </s>


async def client(http, url, deadline, latencies, errors, k):
    i = k
    while time.perf_counter() < deadline:
        route = "/api/trace" if i % 2 else "/api/tokenize"
        body = {"text": TEXT, "cell": "lstm", "hidden": 4} if route == "/api/trace" else {"text": TEXT}
        t0 = time.perf_counter()
        try:
            r = await http.post(url + route, json=body)
            ok = r.status_code == 200
        except Exception:  # counted, never fatal
            ok = False
        (latencies[route] if ok else errors).append(time.perf_counter() - t0)
        i += 1


async def run(url, clients, seconds):
    import httpx

    latencies = {"/api/tokenize": [], "/api/trace": []}
    errors = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(client(http, url, deadline, latencies, errors, k) for k in range(clients)))
    return latencies, errors


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '%s'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency.max / 1000))
end
"""


def run_wrk(url, clients, seconds):
    import json
    import shutil
    import tempfile

    bodies = {"/api/tokenize": {"text": TEXT}, "/api/trace": {"text": TEXT, "cell": "lstm", "hidden": 4}}
    procs, results = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for route, body in bodies.items():
            script = Path(tmp) / (route.strip("/").replace("/", "_") + ".lua")
            script.write_text(WRK_SCRIPT % json.dumps(body, ensure_ascii=False), encoding="utf-8")
            procs[route] = subprocess.Popen([shutil.which("wrk"), "-t1", f"-c{clients // 2}", f"-d{seconds:.0f}s",
                                             "-s", str(script), url + route], stdout=subprocess.PIPE, text=True)
        for route, proc in procs.items():
            line = next(l for l in proc.communicate()[0].splitlines() if l.startswith("RESULT"))
            n, errors, p50, p95, mx = line.split()[1:]
            results[route] = (int(n), int(errors), float(p50), float(p95), float(mx))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--httpx", action="store_true", help="use the Python clients even when wrk is installed")
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "seqlab"
    server = subprocess.Popen([str(exe), "serve", "--port", str(args.port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env={**os.environ})
    url = f"http://127.0.0.1:{args.port}"
    try:
        import httpx

        for _ in range(600):
            try:
                if httpx.get(url + "/api/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        tokens = len(httpx.post(url + "/api/tokenize", json={"text": TEXT}).json()["tokens"])
        asyncio.run(run(url, 5, 3))  # warm-up
        import shutil

        if shutil.which("wrk") and not args.httpx:
            results = run_wrk(url, args.clients, args.seconds)
            client = "wrk"
        else:
            latencies, errors = asyncio.run(run(url, args.clients, args.seconds))
            results = {route: (len(v), len(errors) // 2, np.percentile(np.array(v) * 1000, 50),
                               np.percentile(np.array(v) * 1000, 95), max(v) * 1000) for route, v in latencies.items()}
            client = "httpx"
    finally:
        server.terminate()
        server.wait()
    total = sum(r[0] for r in results.values())
    errors = sum(r[1] for r in results.values())
    print(f"{machine()} · {args.clients} clients ({client}), {args.seconds:.0f} s, {tokens}-token sentence, server and "
          f"clients on the same 2 cores")
    print(f"requests: {total:,} ok, {errors} errors · throughput {total / args.seconds:,.0f} requests/s")
    for route, (n, _, p50, p95, mx) in results.items():
        print(f"  {route:15} n={n:6,}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {mx:7.1f} ms")


if __name__ == "__main__":
    main()
